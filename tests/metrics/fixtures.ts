/** Small builders for metric tests: panels written day by day, a seeded RNG. */

import type { ScoringInputs } from '../../evaluator/metrics/types.js';
import { mulberry32 } from '../../agents/mulberry32.js';

/**
 * A series in the panel layout from rows of days: `byDay([[a, b], [c, d]])`
 * has instrument 0 = a on day 0 and c on day 1 (N = 2, T = 2).
 */
export function byDay(rows: readonly (readonly number[])[]): Float64Array {
  const T = rows.length;
  const N = rows[0]?.length ?? 0;
  const out = new Float64Array(N * T);
  rows.forEach((row, t) => {
    if (row.length !== N) throw new Error(`day ${t} has ${row.length} values, expected ${N}`);
    row.forEach((v, i) => (out[i * T + t] = v));
  });
  return out;
}

/** A universe mask from rows of days of 0/1. */
export function maskByDay(rows: readonly (readonly number[])[]): Uint8Array {
  return Uint8Array.from(byDay(rows));
}

export function inputsOf(label: Float64Array, N: number, T: number, universe: Uint8Array | null = null): ScoringInputs {
  return { N, T, label, universe };
}

/** A small, seeded, reproducible generator. */
export const rng = mulberry32;

/** Standard normal draws (Box–Muller) from a uniform generator. */
export function normals(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
