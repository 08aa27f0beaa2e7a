import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankScratch, rankValues } from '../../operators/kernels/ranking.js';
import { normals, rng } from './fixtures.js';

/** Average ranks and stable order by definition, O(n^2). */
function bruteForce(values: readonly number[]): { ranks: number[]; order: number[] } {
  const ranks = values.map((v) => {
    const below = values.filter((w) => w < v).length;
    const equal = values.filter((w) => w === v).length;
    return below + (equal + 1) / 2;
  });
  const order = values.map((_, k) => k).sort((a, b) => values[a]! - values[b]! || a - b);
  return { ranks, order };
}

function rank(values: readonly number[]): { ranks: number[]; order: number[] } {
  const n = values.length;
  const ranks = new Float64Array(n);
  const order = new Int32Array(n);
  rankValues(Float64Array.from(values), n, ranks, order, new RankScratch(n));
  return { ranks: [...ranks], order: [...order] };
}

describe('rankValues', () => {
  it('gives average ranks to ties and keeps tied slots in order', () => {
    expect(rank([3, 1, 3, 2, 3])).toEqual({ ranks: [4, 1, 4, 2, 4], order: [1, 3, 0, 2, 4] });
    expect(rank([5])).toEqual({ ranks: [1], order: [0] });
    expect(rank([])).toEqual({ ranks: [], order: [] });
  });

  it('matches the definition on every kind of spread the bucketing can meet', () => {
    const normal = normals(rng(7));
    const cases: Record<string, number[]> = {
      normal: Array.from({ length: 300 }, normal),
      lognormal: Array.from({ length: 300 }, () => Math.exp(4 * normal())),
      discrete: Array.from({ length: 300 }, () => Math.floor(5 * Math.abs(normal()))),
      outlier: Array.from({ length: 300 }, (_, k) => (k === 17 ? 1e12 : normal())),
      geometric: Array.from({ length: 300 }, (_, k) => Math.pow(2, (k * 37) % 300) * (k % 2 ? 1 : -1)),
      extreme: Array.from({ length: 300 }, (_, k) => [Number.MAX_VALUE, -Number.MAX_VALUE, 0, 1e300][k % 4]! * (1 - k / 1e4)),
      subnormal: Array.from({ length: 300 }, (_, k) => ((k * 7919) % 50) * Number.MIN_VALUE),
      sorted: Array.from({ length: 300 }, (_, k) => k),
      reversed: Array.from({ length: 300 }, (_, k) => -k),
    };
    for (const [name, values] of Object.entries(cases)) {
      expect(rank(values), name).toEqual(bruteForce(values));
    }
  });

  it('matches the definition on arbitrary finite doubles (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -3, max: 3 })), {
          maxLength: 200,
        }),
        (values) => {
          // -0 and 0 are equal values: normalise so toEqual's Object.is does not tell them apart in ranks.
          const clean = values.map((v) => (v === 0 ? 0 : v));
          expect(rank(clean)).toEqual(bruteForce(clean));
        },
      ),
      { numRuns: 300 },
    );
  });
});
