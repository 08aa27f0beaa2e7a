/**
 * Fused element-wise loops: a tree of element-wise, pair and conditional
 * operators evaluated in one pass with no intermediate series: a program for
 * the WASM-SIMD register machine (cellProgram.ts) when the machine has all
 * of the tree's operators, else one generated JavaScript function that walks
 * each instrument's own days once, evaluating the whole tree per cell.
 *
 * The source is built only from fixed templates (operators/kernels/
 * cellExpressions.ts), local names we generate, and numbers printed by
 * `String(number)` (which round-trips every double exactly) in parentheses:
 * no text from a factor expression ever reaches `new Function`. Functions
 * are cached by source, so the 157 Alpha158 factors compile a handful.
 */

import { CELL_EXPRESSIONS } from '../../operators/kernels/cellExpressions.js';
import { forEachSeries } from '../../operators/kernels/driver.js';
import type { KernelContext } from '../../operators/kernels/types.js';
import { cellProgram, programLoop } from './cellProgram.js';

/** A fused tree: operators over the step's input series and literals. */
export type RegionNode =
  | { readonly kind: 'op'; readonly op: string; readonly args: readonly RegionNode[] }
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'literal'; readonly value: number };

export type FusedLoop = (ctx: KernelContext, inputs: readonly Float64Array[], out: Float64Array) => void;

/** The generated loop over one instrument's own days [lo, hi) (flat indices). */
type Compiled = (out: Float64Array, inputs: readonly Float64Array[], lo: number, hi: number) => void;

const cache = new Map<string, Compiled>();

/** A JavaScript literal for any double, exactly. */
export function numberLiteral(value: number): string {
  if (typeof value !== 'number') throw new TypeError('numberLiteral: not a number');
  if (Number.isNaN(value)) return '(NaN)';
  if (Object.is(value, -0)) return '(-0)';
  if (value === Infinity) return '(Infinity)';
  if (value === -Infinity) return '(-Infinity)';
  return `(${String(value)})`;
}

/** The loop body's statements for `tree`, one `const` per operator node (shared nodes once). */
function cellStatements(tree: RegionNode, inputs: number): { statements: string[]; result: string } {
  const statements: string[] = [];
  for (let k = 0; k < inputs; k++) statements.push(`const x${k} = s${k}[k];`);
  const names = new Map<RegionNode, string>();
  let temporaries = 0;
  const emit = (node: RegionNode): string => {
    const done = names.get(node);
    if (done !== undefined) return done;
    let name: string;
    if (node.kind === 'input') {
      if (!Number.isInteger(node.index) || node.index < 0 || node.index >= inputs) throw new RangeError(`fused input ${node.index} out of range`);
      name = `x${node.index}`;
    } else if (node.kind === 'literal') {
      name = numberLiteral(node.value);
    } else {
      const expression = CELL_EXPRESSIONS[node.op];
      if (!expression) throw new TypeError(`${node.op} has no cell expression`);
      const operands = node.args.map(emit);
      const literals = node.args.map((a) => (a.kind === 'literal' ? a.value : undefined));
      name = `t${temporaries++}`;
      statements.push(`const ${name} = ${expression(operands, literals)};`);
    }
    names.set(node, name);
    return name;
  };
  return { statements, result: emit(tree) };
}

/**
 * The generated function's body: only the cell loop. Filling NaN outside each
 * instrument's range happens in the shared driver (forEachSeries), so the
 * generated code has no rarely taken paths: V8 would otherwise optimise it
 * without feedback for them and deoptimise when an instrument ends early.
 */
export function fusedSource(tree: RegionNode, inputs: number): string {
  const { statements, result } = cellStatements(tree, inputs);
  const bindings = Array.from({ length: inputs }, (_, k) => `const s${k} = inputs[${k}];`).join('\n');
  return `${bindings}
for (let k = lo; k < hi; k++) {
  ${statements.join('\n  ')}
  out[k] = ${result};
}`;
}

/**
 * The fused loop for `tree`: the WASM-SIMD register machine when it has
 * every operator of the tree (cellProgram.ts), else generated JavaScript.
 */
export function compileRegion(tree: RegionNode, inputs: number): FusedLoop {
  const program = cellProgram(tree, inputs);
  return program ? programLoop(program) : compileJavaScriptRegion(tree, inputs);
}

/** One function per distinct tree shape, writing NaN outside each instrument's range as kernels do. */
export function compileJavaScriptRegion(tree: RegionNode, inputs: number): FusedLoop {
  const source = fusedSource(tree, inputs);
  let compiled = cache.get(source);
  if (!compiled) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- source built from templates only (see the file comment)
    compiled = new Function('out', 'inputs', 'lo', 'hi', source) as Compiled;
    cache.set(source, compiled);
  }
  const run = compiled;
  return (ctx, values, out) => {
    const cells = ctx.N * ctx.T;
    if (out.length !== cells || values.some((v) => v.length !== cells)) throw new TypeError(`fused loop: every series must have length ${cells}`);
    forEachSeries(ctx, out, (lo, hi) => run(out, values, lo, hi));
  };
}
