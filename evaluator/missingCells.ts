/**
 * Counting a factor's missing values (NaN or +-inf) over a universe's
 * member cells, as results stream out of the engine block by block: what
 * `alphaswarm compute` reports, on one thread or in each pool worker.
 */

import type { Node } from '../operators/ast.js';
import type { FactorEngine } from './engine.js';

/** The member cells of a universe mask as flat [from, to) pairs: a few hundred runs instead of a mask read per cell. */
export function memberRuns(mask: Uint8Array): Int32Array {
  const runs: number[] = [];
  for (let k = 0; k < mask.length; ) {
    if (mask[k] !== 1) { k++; continue; }
    const from = k;
    while (k < mask.length && mask[k] === 1) k++;
    runs.push(from, k);
  }
  return Int32Array.from(runs);
}

const SPAN = 64;

/**
 * Cells inside `runs` whose value is NaN or +-inf. This reads every result
 * inside the timed section, so it is kept cheap: a span of SPAN cells whose
 * sum is finite has no missing value (a NaN or an infinity makes the sum NaN
 * or infinite), at one addition per cell and no branch; only spans whose sum
 * is not (a missing value, or an overflow: a false alarm) are counted cell
 * by cell. (Summing v - v instead, 0 exactly for finite v, measured 25 %
 * slower.)
 */
export function missingIn(values: Float64Array, runs: Int32Array): number {
  let missing = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const to = runs[r + 1]!;
    let k = runs[r]!;
    for (; k + SPAN <= to; k += SPAN) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let j = k; j < k + SPAN; j += 4) {
        a0 += values[j]!;
        a1 += values[j + 1]!;
        a2 += values[j + 2]!;
        a3 += values[j + 3]!;
      }
      if (!Number.isFinite(a0 + a1 + a2 + a3)) missing += nonFinite(values, k, k + SPAN);
    }
    missing += nonFinite(values, k, to);
  }
  return missing;
}

function nonFinite(values: Float64Array, from: number, to: number): number {
  let missing = 0;
  for (let k = from; k < to; k++) if (values[k]! - values[k]! !== 0) missing++;
  return missing;
}

/**
 * Each root's missing member cells under `mask` (the engine panel's N*T
 * membership), evaluating block by block: a block is counted while it is
 * still in cache, and no whole-panel result is held.
 */
export function countMissing(engine: FactorEngine, roots: readonly Node[], mask: Uint8Array): Float64Array {
  const { T } = engine.context;
  const missing = new Float64Array(roots.length);
  const blockRuns = new Map<number, Int32Array>();
  engine.evaluateByBlock(roots, (index, first, end, values) => {
    let runs = blockRuns.get(first);
    if (!runs) blockRuns.set(first, (runs = memberRuns(mask.subarray(first * T, end * T))));
    missing[index]! += missingIn(values, runs);
  });
  return missing;
}
