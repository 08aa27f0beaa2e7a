/**
 * The evaluator's correlate answer is capped; the cap must not hide one
 * candidate's correlation with the library behind many near copies of
 * another (a 16-generation CSI 300 run accepted redundant factors that way).
 */
import { describe, expect, it } from 'vitest';
import { strongestPairs } from '../../agents/evaluation/candidateScorer.js';

describe('strongestPairs', () => {
  it('keeps everything under the cap, strongest first', () => {
    const pairs = [{ a: 'c1', b: 'L1', pearson: 0.72 }, { a: 'c1', b: 'c2', pearson: -0.95 }];
    expect(strongestPairs(pairs, ['c1', 'c2'], 10)).toEqual([pairs[1], pairs[0]]);
  });

  it('gives every candidate its share of the cap before the strongest leftovers', () => {
    // Twelve near copies correlate 0.99 with each other (66 pairs); c-lone correlates 0.75 with a library factor.
    const copies = Array.from({ length: 12 }, (_, k) => `copy${k}`);
    const pairs = copies.flatMap((a, i) => copies.slice(i + 1).map((b) => ({ a, b, pearson: 0.99 - i * 1e-4 })));
    pairs.push({ a: 'c-lone', b: 'L7', pearson: 0.75 });
    const kept = strongestPairs(pairs, [...copies, 'c-lone'], 20);
    expect(kept).toHaveLength(20);
    expect(kept).toContainEqual({ a: 'c-lone', b: 'L7', pearson: 0.75 });
    // The plain strongest-20 cut would have dropped it.
    expect([...pairs].sort((p, q) => Math.abs(q.pearson) - Math.abs(p.pearson)).slice(0, 20)).not.toContainEqual({ a: 'c-lone', b: 'L7', pearson: 0.75 });
    // Every copy keeps at least one of its pairs.
    for (const c of copies) expect(kept.some((p) => p.a === c || p.b === c)).toBe(true);
  });
});
