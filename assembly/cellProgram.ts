/**
 * Fused element-wise trees (evaluator/engine/fusion.ts) on f64x2: a small
 * register machine that runs a tree's operators over CHUNK cells at a time,
 * each operator one SIMD loop over registers that stay in L1. Every
 * operator is the IEEE operation its JavaScript template performs per cell
 * (operators/kernels/cellExpressions.ts), so the same values: + - * / are
 * the same instructions; f64x2.max/min propagate NaN and order -0 below +0
 * as Math.max/min do; comparisons give 1 or +0 as `(a > b ? 1 : 0)` does.
 *
 * A program is `instructions` records of five i32: opcode, destination and
 * up to three operands. An operand r >= 0 is register r (CHUNK doubles at
 * registers + r * CHUNK * 8); r < 0 is input -r - 1, whose address is in the
 * i32 table at `inputs`; destination -1 is `out`. The caller fills constant
 * registers before the call and pads every array to a whole number of
 * chunks (cells past the end are computed and ignored).
 */

export const CHUNK: i32 = 256;
const CHUNK_BYTES: usize = <usize>CHUNK << 3;

/** Where the caller may place its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5, ABS = 6;
const GT = 7, GE = 8, LT = 9, LE = 10, EQ = 11, NE = 12, NOT = 13, AND = 14, OR = 15, IF = 16, SIGN = 17;

// @ts-ignore: decorator
@inline function operand(r: i32, registers: usize, inputs: usize, offset: usize): usize {
  return r >= 0 ? registers + <usize>r * CHUNK_BYTES : <usize>load<u32>(inputs + (<usize>(-r - 1) << 2)) + offset;
}

export function runProgram(program: usize, instructions: i32, inputs: usize, out: usize, registers: usize, cells: i32): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const minusOne = f64x2.splat(-1);
  const nan = f64x2.splat(NaN);
  for (let cell = 0; cell < cells; cell += CHUNK) {
    const offset = <usize>cell << 3;
    for (let p = 0; p < instructions; p++) {
      const at = program + <usize>p * 20;
      const op = load<i32>(at);
      const dst = load<i32>(at, 4);
      const d = dst >= 0 ? registers + <usize>dst * CHUNK_BYTES : out + offset;
      const a = operand(load<i32>(at, 8), registers, inputs, offset);
      const b = operand(load<i32>(at, 12), registers, inputs, offset);
      const c = operand(load<i32>(at, 16), registers, inputs, offset);
      switch (op) {
        case ADD: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, f64x2.add(v128.load(a + j), v128.load(b + j))); break;
        case SUB: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, f64x2.sub(v128.load(a + j), v128.load(b + j))); break;
        case MUL: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, f64x2.mul(v128.load(a + j), v128.load(b + j))); break;
        case DIV: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, f64x2.div(v128.load(a + j), v128.load(b + j))); break;
        case MAX: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, f64x2.max(v128.load(a + j), v128.load(b + j))); break;
        case MIN: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, f64x2.min(v128.load(a + j), v128.load(b + j))); break;
        case ABS: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, f64x2.abs(v128.load(a + j))); break;
        case GT: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, v128.and(f64x2.gt(v128.load(a + j), v128.load(b + j)), one)); break;
        case GE: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, v128.and(f64x2.ge(v128.load(a + j), v128.load(b + j)), one)); break;
        case LT: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, v128.and(f64x2.lt(v128.load(a + j), v128.load(b + j)), one)); break;
        case LE: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, v128.and(f64x2.le(v128.load(a + j), v128.load(b + j)), one)); break;
        case EQ: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, v128.and(f64x2.eq(v128.load(a + j), v128.load(b + j)), one)); break;
        case NE: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, v128.and(f64x2.ne(v128.load(a + j), v128.load(b + j)), one)); break;
        case NOT: for (let j: usize = 0; j < CHUNK_BYTES; j += 16) v128.store(d + j, v128.and(f64x2.eq(v128.load(a + j), zero), one)); break;
        case AND:
          for (let j: usize = 0; j < CHUNK_BYTES; j += 16) {
            v128.store(d + j, v128.and(v128.and(f64x2.ne(v128.load(a + j), zero), f64x2.ne(v128.load(b + j), zero)), one));
          }
          break;
        case OR:
          for (let j: usize = 0; j < CHUNK_BYTES; j += 16) {
            v128.store(d + j, v128.and(v128.or(f64x2.ne(v128.load(a + j), zero), f64x2.ne(v128.load(b + j), zero)), one));
          }
          break;
        case IF:
          // (c !== 0 ? x : y) with a the condition, b and c the two branches
          for (let j: usize = 0; j < CHUNK_BYTES; j += 16) {
            v128.store(d + j, v128.bitselect(v128.load(b + j), v128.load(c + j), f64x2.ne(v128.load(a + j), zero)));
          }
          break;
        case SIGN:
          // (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN)
          for (let j: usize = 0; j < CHUNK_BYTES; j += 16) {
            const x = v128.load(a + j);
            const zeroOrNaN = v128.bitselect(zero, nan, f64x2.eq(x, zero));
            v128.store(d + j, v128.bitselect(one, v128.bitselect(minusOne, zeroOrNaN, f64x2.lt(x, zero)), f64x2.gt(x, zero)));
          }
          break;
        default: unreachable();
      }
    }
  }
}
