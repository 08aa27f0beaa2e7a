/**
 * A fused element-wise tree as a program for the WASM-SIMD register machine
 * (assembly/cellProgram.ts): the same per-cell operations as the generated
 * JavaScript loop (fusion.ts), two cells per instruction and no per-cell
 * dispatch, over a whole block of instruments at once. Trees using an
 * operator the machine lacks (Log, Power other than squaring) stay in
 * JavaScript; tests/engine/fusion.test.ts checks both paths against the
 * kernels.
 */

import { forEachSeries } from '../../operators/kernels/driver.js';
import type { KernelContext } from '../../operators/kernels/types.js';
import { type KernelModuleExports, loadKernelModule } from '../../operators/kernels/wasmModule.js';
import type { FusedLoop, RegionNode } from './fusion.js';

interface CellProgramExports extends KernelModuleExports {
  runProgram(program: number, instructions: number, inputs: number, out: number, registers: number, cells: number): void;
  readonly CHUNK: { readonly value: number };
}

const machine = loadKernelModule<CellProgramExports>('cellProgram');
const CHUNK = machine.exports.CHUNK.value;

const OPCODES: Readonly<Record<string, number>> = {
  Add: 0, Sub: 1, Mul: 2, Div: 3, Greater: 4, Less: 5, Abs: 6,
  Gt: 7, Ge: 8, Lt: 9, Le: 10, Eq: 11, Ne: 12, Not: 13, And: 14, Or: 15, If: 16, Sign: 17,
};
const MUL = OPCODES.Mul!;
/** Registers a program may use: 24 chunks of 2 KiB stay in L1 with the inputs' chunks. */
const MAX_REGISTERS = 24;

export interface CellProgram {
  /** Five i32 per instruction: opcode, destination (-1 = out), operands (r >= 0 register, r < 0 input -r-1). */
  readonly instructions: Int32Array;
  /** The value of each constant register, which the program only reads. */
  readonly constants: readonly number[];
  readonly registers: number;
  readonly inputs: number;
}

/** The program for `tree`, or null when the machine cannot run it. */
export function cellProgram(tree: RegionNode, inputs: number): CellProgram | null {
  if (tree.kind !== 'op') return null;
  // readers of each node (a node shared inside the tree is computed once and read by each)
  const readers = new Map<RegionNode, number>();
  const constants: number[] = [];
  const count = (node: RegionNode): boolean => {
    const seen = readers.get(node);
    readers.set(node, (seen ?? 0) + 1);
    if (seen !== undefined) return true;
    if (node.kind === 'literal' && !constants.some((c) => Object.is(c, node.value))) constants.push(node.value);
    if (node.kind !== 'op') return true;
    if (!Object.hasOwn(OPCODES, node.op) && !isSquare(node)) return false;
    return operandsOf(node).every(count);
  };
  if (!count(tree)) return null;

  // constants hold registers 0..C-1 for the whole program; the others are reused once their last reader has run
  const free: number[] = [];
  let registers = constants.length;
  const code: number[] = [];
  const operands = new Map<RegionNode, number>();
  const emit = (node: RegionNode): number => {
    const done = operands.get(node);
    if (done !== undefined) return done;
    let operand: number;
    if (node.kind === 'input') {
      if (!Number.isInteger(node.index) || node.index < 0 || node.index >= inputs) throw new RangeError(`fused input ${node.index} out of range`);
      operand = -node.index - 1;
    } else if (node.kind === 'literal') {
      operand = constants.findIndex((c) => Object.is(c, node.value));
    } else {
      const args = operandsOf(node);
      const from = args.map(emit);
      for (const arg of args) {
        const left = readers.get(arg)! - 1;
        readers.set(arg, left);
        if (left === 0 && arg.kind === 'op') free.push(operands.get(arg)!);
      }
      // the destination may be an operand's register: each cell is read before it is written
      operand = node === tree ? -1 : (free.sort((x, y) => y - x).pop() ?? registers++);
      const reads = isSquare(node) ? [from[0]!, from[0]!] : from;
      code.push(isSquare(node) ? MUL : OPCODES[node.op]!, operand, reads[0] ?? 0, reads[1] ?? 0, reads[2] ?? 0);
    }
    operands.set(node, operand);
    return operand;
  };
  emit(tree);
  if (registers > MAX_REGISTERS) return null;
  return { instructions: Int32Array.from(code), constants, registers: Math.max(registers, 1), inputs };
}

/** What an operator node's instruction reads: Power(x, 2) reads x (twice, as x * x). */
function operandsOf(node: RegionNode & { kind: 'op' }): readonly RegionNode[] {
  return isSquare(node) ? [node.args[0]!] : node.args;
}

/** Power(x, 2), which the kernel computes as x * x. */
function isSquare(node: RegionNode): boolean {
  return node.kind === 'op' && node.op === 'Power' && node.args[1]?.kind === 'literal' && node.args[1].value === 2;
}

/** The fused loop running `program`: every input copied into WASM memory once per block, the result copied out. */
export function programLoop(program: CellProgram): FusedLoop {
  return (ctx: KernelContext, values: readonly Float64Array[], out: Float64Array) => {
    const cells = ctx.N * ctx.T;
    if (out.length !== cells || values.length !== program.inputs || values.some((v) => v.length !== cells)) {
      throw new TypeError(`fused loop: ${program.inputs} inputs, every series of length ${cells}`);
    }
    const padded = Math.ceil(cells / CHUNK) * CHUNK;
    // layout (bytes above base): program, input address table, registers, inputs, output
    const codeBytes = 4 * program.instructions.length;
    const tableBytes = 4 * program.inputs;
    const registersAt = machine.base + align16(codeBytes + tableBytes);
    const inputsAt = registersAt + 8 * CHUNK * program.registers;
    const outAt = inputsAt + 8 * padded * program.inputs;
    const heap = machine.reserve(outAt + 8 * padded - machine.base);
    const words = new Int32Array(heap.buffer);
    words.set(program.instructions, machine.base / 4);
    for (let k = 0; k < program.inputs; k++) {
      const at = inputsAt + 8 * padded * k;
      words[(machine.base + codeBytes) / 4 + k] = at;
      heap.set(values[k]!, at / 8);
    }
    program.constants.forEach((value, r) => heap.fill(value, registersAt / 8 + CHUNK * r, registersAt / 8 + CHUNK * (r + 1)));
    machine.exports.runProgram(machine.base, program.instructions.length / 5, machine.base + codeBytes, outAt, registersAt, cells);
    out.set(heap.subarray(outAt / 8, outAt / 8 + cells));
    // every cell was computed; NaN outside each instrument's range, as kernels write
    forEachSeries(ctx, out, () => {});
  };
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;
