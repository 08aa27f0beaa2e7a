import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../operators/ast.js';
import { compileFactor } from '../../operators/compile.js';
import { nodeCount } from '../../operators/measure.js';
import { commonSubtreeSize, maxSimilarity, normalizedSimilarity } from '../../operators/similarity.js';
import { validFactor } from './arbitraries.js';

function ast(source: string): Node {
  const result = compileFactor(source);
  if (!result.ok) throw result.error;
  return result.ast;
}

const size = (a: string, b: string): number => commonSubtreeSize(ast(a), ast(b));

describe('largest common subtree', () => {
  it('matches same-labelled nodes top-down, children in order', () => {
    expect(size('Mean($close, 5)', 'Mean($close, 10)')).toBe(2); // Mean + $close; 5 != 10
    expect(size('Mean($close, 5)', 'Mean($open, 5)')).toBe(2); // Mean + 5
    expect(size('Mean($close, 5)', 'Mean($close, 5)')).toBe(3);
    expect(size('Mean($close, 5)', 'Std($open, 10)')).toBe(0);
    expect(size('$close', 'Mean($close, 5)')).toBe(1);
  });

  it('finds the common subtree below different roots', () => {
    // Sub(Div($close, Ref($close, 1)), 1) is shared: 7 nodes
    expect(size('Mean($close / Ref($close, 1) - 1, 20)', 'Std($close / Ref($close, 1) - 1, 20)')).toBe(7);
    expect(size('Abs(Mean($close, 5))', 'Log(Mean($close, 5) + 1)')).toBe(3);
  });

  it('tries both orders for commutative operators only', () => {
    expect(size('$high + $low', '$low + $high')).toBe(3);
    expect(size('Mean($close, 5) + $open', '$open + Mean($close, 5)')).toBe(5);
    expect(size('$high - $low', '$low - $high')).toBe(1); // Sub matches, children do not; or one field alone
    expect(size('Corr($close, $volume, 10)', 'Corr($volume, $close, 10)')).toBe(2); // Corr + 10
    expect(size('$high > $low', '$low > $high')).toBe(1);
  });

  it('is symmetric and bounded by the smaller tree', () => {
    fc.assert(
      fc.property(validFactor(4), validFactor(4), (a, b) => {
        const s = commonSubtreeSize(a, b);
        expect(commonSubtreeSize(b, a)).toBe(s);
        expect(s).toBeLessThanOrEqual(Math.min(nodeCount(a), nodeCount(b)));
        expect(commonSubtreeSize(a, a)).toBe(nodeCount(a));
      }),
      { numRuns: 500 },
    );
  });

  it('normalises by the smaller tree', () => {
    expect(normalizedSimilarity(ast('CSRank(Mean($close, 5))'), ast('Mean($close, 5)'))).toBe(1);
    expect(normalizedSimilarity(ast('Mean($close, 5)'), ast('Mean($close, 10) / $open'))).toBeCloseTo(2 / 3, 12);
  });
});

describe('maxSimilarity against a library', () => {
  it('returns the largest match, then the higher normalised score, then the earlier factor', () => {
    const candidate = ast('Mean($close, 5) + $open'); // 5 nodes
    const library = ['Std($volume, 20)', 'Mean($close, 5) / Std($open, 30)', 'Mean($close, 5)', 'Log($volume)'].map(ast);
    expect(maxSimilarity(candidate, library)).toEqual({ index: 2, size: 3, normalized: 1 });
    expect(maxSimilarity(candidate, [...library, ast('$open + Mean($close, 5)')])).toEqual({ index: 4, size: 5, normalized: 1 });
    expect(maxSimilarity(candidate, library.slice(0, 2))).toEqual({ index: 1, size: 3, normalized: 3 / 5 });
    expect(maxSimilarity(candidate, [])).toBeNull();
  });
});
