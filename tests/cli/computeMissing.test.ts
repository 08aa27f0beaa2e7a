/**
 * The compute command's missing-value count (span check, then cell by cell)
 * against a plain per-cell count over the mask.
 */
import { describe, expect, it } from 'vitest';
import { memberRuns, missingIn } from '../../evaluator/missingCells.js';
import { mulberry32 } from '../kernels/panels.js';

function naive(values: Float64Array, mask: Uint8Array): number {
  let missing = 0;
  for (let k = 0; k < values.length; k++) if (mask[k] === 1 && !Number.isFinite(values[k]!)) missing++;
  return missing;
}

describe('compute: missing values over universe members', () => {
  it('memberRuns lists the runs of 1s', () => {
    expect([...memberRuns(Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 1]))]).toEqual([1, 3, 5, 6, 7, 8]);
    expect([...memberRuns(new Uint8Array(4))]).toEqual([]);
  });

  it('missingIn equals a per-cell count for NaN and +-inf anywhere, members or not', () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const length = Math.floor(rand() * 700);
      const values = new Float64Array(length);
      const mask = new Uint8Array(length);
      const pMissing = [0, 0.002, 0.05, 0.5][trial % 4]!;
      let member = rand() < 0.5;
      for (let k = 0; k < length; k++) {
        if (rand() < 0.02) member = !member;
        mask[k] = member ? 1 : 0;
        const u = rand();
        values[k] = u < pMissing ? [NaN, Infinity, -Infinity][k % 3]! : (rand() - 0.5) * 10 ** Math.floor(rand() * 600 - 300);
      }
      if (length > 0 && trial % 5 === 0) values[length - 1] = NaN; // the last cell, after the last whole span
      expect(missingIn(values, memberRuns(mask))).toBe(naive(values, mask));
    }
  });
});
