/** The mutation vocabulary: each AST edit does what it says on a factor it applies to. */
import { describe, expect, it } from 'vitest';
import { edit, firstEdit, type EditKind } from '../../agents/offline/edits.js';
import { DEFAULT_ENVIRONMENT } from '../../agents/offline/environment.js';
import { Rng } from '../../agents/offline/random.js';
import { compileFactor, printFactor, type Node } from '../../operators/index.js';

function ast(source: string): Node {
  const compiled = compileFactor(source);
  if (!compiled.ok) throw new Error(compiled.error.message);
  return compiled.ast;
}

function applied(source: string, kind: EditKind, seed = 1, direction: 'longer' | 'shorter' | 'any' = 'any'): string | null {
  const result = edit(ast(source), kind, new Rng(seed), DEFAULT_ENVIRONMENT, direction);
  return result === null ? null : printFactor(result.ast);
}

describe('AST edits', () => {
  it('moves a window along the ladder, in the direction asked, never the lag of a daily return', () => {
    for (let seed = 1; seed <= 20; seed++) {
      expect(['Std($close / Ref($close, 1) - 1, 30)', 'Std($close / Ref($close, 1) - 1, 40)']).toContain(applied('Std($close/Ref($close,1)-1, 20)', 'window', seed, 'longer'));
      expect(['Std($close / Ref($close, 1) - 1, 15)', 'Std($close / Ref($close, 1) - 1, 10)']).toContain(applied('Std($close/Ref($close,1)-1, 20)', 'window', seed, 'shorter'));
    }
    expect(applied('$close/Ref($close,1)-1', 'window')).toBeNull();
    for (let seed = 1; seed <= 10; seed++) expect(['Skew($close, 3)', 'Skew($close, 10)', 'Skew($close, 15)']).toContain(applied('Skew($close, 5)', 'window', seed)); // never below Skew's minimum of 3
  });

  it('swaps sibling operators and fields, and flips a term', () => {
    for (let seed = 1; seed <= 10; seed++) expect(['EMA($close, 20)', 'WMA($close, 20)', 'Med($close, 20)']).toContain(applied('Mean($close, 20)', 'operator', seed));
    expect(applied('Max($high, 20)', 'operator')).toBe('Quantile($high, 20, 0.9)');
    expect(applied('$close/Ref($close,5)-1', 'field')).toBe('$open / Ref($open, 5) - 1');
    expect(applied('Mean($volume,5)/Mean($volume,20)', 'field')).toBe('Mean($close * $volume, 5) / Mean($close * $volume, 20)');
    expect(applied('Std($close,5) + Mean($volume,5)', 'flip-term')).toBe('Std($close, 5) - Mean($volume, 5)');
  });

  it('adds and removes normalisers, ranks in time, gates and smooths', () => {
    expect(applied('CSRank(Std($close, 5))', 'denormalise')).toBe('Std($close, 5)');
    expect(applied('Mean($close, 5) / (Std($close / Ref($close, 1) - 1, 20) + 1e-8)', 'denormalise')).toBe('Mean($close, 5)');
    expect(applied('Std($close, 5)', 'denormalise')).toBeNull();
    expect(applied('Std($close, 5)', 'time-rank')).toMatch(/^Rank\(Std\(\$close, 5\), (20|60|120)\)$/);
    expect(applied('Std($close, 5)', 'gate')).toMatch(/^If\(.+, Std\(\$close, 5\), 0\)$/);
    expect(applied('Std($close, 5)', 'smooth')).toMatch(/^(EMA|Mean)\(Std\(\$close, 5\), (3|5|10)\)$/);
    for (let seed = 1; seed <= 10; seed++) expect(compileFactor(applied('Std($close, 5)', 'normalise', seed)!).ok).toBe(true);
  });

  it('returns the first edit that compiles to a different factor', () => {
    const result = firstEdit(ast('$close'), ['window', 'denormalise', 'operator', 'smooth'], new Rng(2), DEFAULT_ENVIRONMENT);
    expect(result?.kind).toBe('smooth');
  });
});
