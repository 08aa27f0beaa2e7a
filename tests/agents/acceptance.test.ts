import { describe, expect, it } from 'vitest';
import type { LibraryEntry } from '../../agents/domain.js';
import { DEFAULT_ACCEPTANCE_POLICY, decideAcceptance, type Held, type Prepared } from '../../agents/library/acceptance.js';
import { familyOf } from '../../agents/library/families.js';
import { compileFactor } from '../../operators/compile.js';
import { libraryEntry, splitMetrics } from './helpers.js';

function held(id: string, expression: string, validRankIc: number, family = 'momentum'): Held {
  const compiled = compileFactor(expression);
  if (!compiled.ok) throw compiled.error;
  const entry: LibraryEntry = libraryEntry(id, id, compiled.canonical, { family, metrics: { train: splitMetrics(), valid: splitMetrics({ rankIc: validRankIc }) } });
  return { hash: compiled.hash, entry, ast: compiled.ast };
}
const candidate = (id: string, expression: string, validRankIc: number, family = 'momentum', stored = false): Prepared => ({ ...held(id, expression, validRankIc, family), stored });

describe('decideAcceptance', () => {
  // Four momentum factors and one volatility factor; all read $close only, windows 2..6.
  const library = [2, 3, 4, 5].map((n) => held(`m${n}`, `Mean($close, ${n}) / $close`, 0.02)).concat(held('v6', 'Std($close, 6) / $close', 0.02, 'volatility'));

  it('raises the bar of a family over its share: 80% momentum adds 0.05 x (0.8 - 0.3)', () => {
    // Kurt($volume, 9) shares no node with the library: no similarity term.
    const bar = 0.005 + 0.05 * (0.8 - 0.3);
    const below = decideAcceptance(library, [candidate('c', 'Kurt($volume, 9)', bar - 0.001)], []);
    expect(below.accept).toEqual([]);
    expect(below.reject[0]!.reason).toBe(`valid RankIC ${(bar - 0.001).toFixed(4)} is below the bar ${bar.toFixed(4)} (family 'momentum' holds 80% of the library: +0.0250)`);
    expect(decideAcceptance(library, [candidate('c', 'Kurt($volume, 9)', bar + 0.001)], []).accept.map((p) => p.entry.id)).toEqual(['c']);
    // The same factor tagged with a family below its cap (volatility: 20%) only needs the base bar.
    expect(decideAcceptance(library, [candidate('c', 'Kurt($volume, 9)', 0.006, 'volatility')], []).accept).toHaveLength(1);
  });

  it('adds the similarity penalty: the share of the candidate in a common subtree with the library', () => {
    // Mul(Mean($close, 2), $volume): Mean($close, 2) (3 of 5 nodes) is in m2 = Mean($close, 2) / $close.
    const bar = 0.005 + 0.01 * (3 / 5);
    const decision = decideAcceptance(library.slice(0, 1), [candidate('c', 'Mean($close, 2) * $volume', bar - 0.0005, 'price-volume')], []);
    expect(decision.reject[0]!.reason).toBe(`valid RankIC ${(bar - 0.0005).toFixed(4)} is below the bar ${bar.toFixed(4)} (structural similarity 0.60 to m2: +0.0060)`);
  });

  it('keeps the higher valid RankIC of two correlated factors, retiring a library factor it beats', () => {
    const lib = [held('old', 'Mean($close, 5) / $close', 0.02)];
    const batch = [
      candidate('better', '2 * Mean($close, 5) / $close', 0.03, 'volatility'),
      candidate('weaker', 'Std($volume, 10)', 0.01, 'volume'),
      candidate('twin', 'Mean($volume, 10) / $volume', 0.0095, 'volume'),
    ];
    const pairs = [
      { a: 'better', b: 'old', pearson: 0.99 },
      { a: 'weaker', b: 'twin', pearson: -0.95 },
      { a: 'weaker', b: 'old', pearson: 0.5 },
    ];
    const decision = decideAcceptance(lib, batch, pairs);
    expect(decision.accept.map((p) => p.entry.id)).toEqual(['better', 'weaker']);
    expect(decision.retire).toEqual([{ hash: lib[0]!.hash, id: 'old', by: 'better' }]);
    expect(decision.reject).toEqual([{ id: 'twin', reason: 'redundant with weaker (|corr| 0.95 on valid above 0.7), whose valid RankIC 0.0100 is not lower than 0.0095' }]);
  });

  it('accepts a redelivered candidate again without a second decision', () => {
    const stored = held('c', 'Kurt($volume, 9)', 0.001, 'volume');
    const decision = decideAcceptance([...library, stored], [{ ...stored, stored: true }], []);
    expect(decision).toEqual({ accept: [{ ...stored, stored: true }], retire: [], reject: [] });
  });

  it('uses the documented defaults', () => {
    expect(DEFAULT_ACCEPTANCE_POLICY).toMatchObject({ minValidRankIc: 0.005, correlationThreshold: 0.7 });
  });
});

describe('familyOf', () => {
  const family = (expression: string, specialist = 'someone') => {
    const compiled = compileFactor(expression);
    if (!compiled.ok) throw compiled.error;
    return familyOf(compiled.ast, specialist);
  };

  it('reads the family from the structure', () => {
    expect(family('($high - $low) / $open')).toBe('range');
    expect(family('Std($close / Ref($close, 1) - 1, 20)')).toBe('volatility');
    expect(family('Corr($close, Log($volume + 1), 10)')).toBe('price-volume');
    expect(family('Mean($volume, 5) / Mean($volume, 20)')).toBe('volume');
    expect(family('$close / Ref($close, 20) - 1')).toBe('momentum');
    expect(family('-1 * ($close / Ref($close, 5) - 1)')).toBe('reversal');
    expect(family('($close - $open) / ($high - $low + 0.001)')).toBe('shape');
    expect(family('If($volume > Mean($volume, 20), $close / Ref($close, 5), 0)')).toBe('regime');
    expect(family('CSZScore(-1 * Corr($close, Log($volume + 1), 10)) + 0.5 * CSRank(Mean($close / $open - 1, 10))')).toBe('composite');
  });

  it('lets the specialist break a near tie, not override clear structure', () => {
    // Ref($close, 5) / $close: one trend operator (momentum 2); a reversal specialist's remit adds 1.5 to reversal (0 + 1.5).
    expect(family('Ref($close, 5) / $close', 'reversal')).toBe('momentum');
    // A bare price ratio with no time structure: the remit decides.
    expect(family('$close / $open', 'reversal')).toBe('reversal');
  });
});
