/**
 * Panels and a reference evaluator for engine tests. The reference is the
 * obvious recursion: every operator node one registry kernel call over the
 * whole panel, no sharing, no fusion, no blocks, no families.
 */
import type { Node } from '../../operators/ast.js';
import type { KernelArg, KernelContext } from '../../operators/kernels/types.js';
import { operator } from '../../operators/registry.js';
import type { Panel } from '../../evaluator/panel.js';
import { randomPanel } from '../kernels/panels.js';

/** A random panel (tests/kernels/panels.ts) as engine input: its series are the fields ($price, $ret, $volume, $steps, $flag, $wild). */
export function enginePanel(seed: number, T: number, N: number): { panel: Panel; universe: Uint8Array } {
  const { ctx, series } = randomPanel(seed, T, N);
  const panel: Panel = {
    T,
    N,
    start: ctx.start,
    end: ctx.end,
    calendar: Array.from({ length: T }, (_, t) => `day${t}`),
    symbols: Array.from({ length: N }, (_, i) => `S${i}`),
    fields: series,
    universes: {},
    source: { kind: 'synthetic', location: `randomPanel(${seed})` },
  };
  return { panel, universe: ctx.universe! };
}

/** Every operator one kernel call, recursively over the whole panel, clipped at lastDay as the engine clips. */
export function referenceEvaluate(panel: Panel, node: Node, universe: Uint8Array | null, lastDay = panel.T): Float64Array {
  const end = panel.end.map((e) => Math.min(e, lastDay));
  const ctx: KernelContext = { T: panel.T, N: panel.N, start: panel.start, end, universe };
  const evaluate = (n: Node): KernelArg => {
    if (n.kind === 'number') return n.value;
    if (n.kind === 'field') return panel.fields[n.name]!;
    const out = new Float64Array(panel.N * panel.T);
    operator(n.op)!.kernel(ctx, n.args.map(evaluate), out);
    return out;
  };
  const result = evaluate(node);
  if (typeof result === 'number') throw new Error('constant');
  if (node.kind !== 'field') return result;
  // a bare field: its values inside each instrument's clipped range, NaN elsewhere
  const out = new Float64Array(panel.N * panel.T).fill(NaN);
  for (let i = 0; i < panel.N; i++) for (let t = panel.start[i]!; t < end[i]!; t++) out[i * panel.T + t] = result[i * panel.T + t]!;
  return out;
}

/** First cells where two arrays differ bit for bit (any NaN equals any NaN; -0 differs from 0). */
export function bitDifferences(expected: Float64Array, actual: Float64Array, limit = 3): string[] {
  const found: string[] = [];
  if (expected.length !== actual.length) return [`length ${actual.length}, expected ${expected.length}`];
  for (let k = 0; k < expected.length && found.length < limit; k++) {
    const e = expected[k]!, a = actual[k]!;
    if (Object.is(e, a) || (Number.isNaN(e) && Number.isNaN(a))) continue;
    found.push(`cell ${k}: expected ${Object.is(e, -0) ? '-0' : e}, got ${Object.is(a, -0) ? '-0' : a}`);
  }
  return found;
}

export const call = (op: string, ...args: Node[]): Node => ({ kind: 'call', op, args });
export const field = (name: string): Node => ({ kind: 'field', name });
export const num = (value: number): Node => ({ kind: 'number', value });
