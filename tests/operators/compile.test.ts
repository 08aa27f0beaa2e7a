import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFactor, compileLabel, type CompileResult } from '../../operators/compile.js';

/** What every rejection must look like: one line, pointing at a position, never an internal error. */
function expectWellFormed(result: CompileResult): void {
  if (result.ok) return;
  expect(result.error.code).not.toBe('internal');
  expect(result.error.message).toMatch(/^at \d+: [^\r\n\u2028\u2029]+$/);
  expect(result.error.span!.start).toBeGreaterThanOrEqual(0);
}

describe('compileFactor', () => {
  it('returns the tree, canonical text, hash, complexity, fields and windows', () => {
    const result = compileFactor('Corr($Close, Log($volume+1), 20) - Ref($close, 30) / $close');
    if (!result.ok) throw result.error;
    expect(result.canonical).toBe('Corr($close, Log($volume + 1), 20) - Ref($close, 30) / $close');
    expect(result.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(result.fields).toEqual(['close', 'volume']);
    expect(result.maxWindow).toBe(30);
    expect(result.horizon).toBe(0);
    expect(result.complexity.symbolLength).toBe(13);
    expect(result.ast.span).toEqual({ start: 0, end: 59 });
  });

  it('reports the largest single window or look-back lag', () => {
    const nested = compileFactor('Mean(Ref($close, 5), 20)');
    expect(nested.ok && nested.maxWindow).toBe(20);
    const label = compileLabel('Ref($close, -2) / Ref($close, -1) - 1');
    expect(label.ok && label.maxWindow).toBe(0);
  });

  it('rejects what is not a string without throwing', () => {
    for (const input of [undefined, null, 42, {}, ['$close']]) {
      const result = compileFactor(input as unknown as string);
      expect(!result.ok && result.error.code).toBe('input');
    }
  });

  it('serialises its errors as plain data', () => {
    const result = compileFactor('Mean($close)');
    if (result.ok) throw new Error('expected an error');
    expect(JSON.parse(JSON.stringify(result.error))).toEqual({
      code: 'arity',
      message: 'at 1: Mean takes 2 arguments, Mean(x, N), but was given 1',
      detail: 'Mean takes 2 arguments, Mean(x, N), but was given 1',
      span: { start: 0, end: 12 },
    });
  });
});

describe('compileFactor on hostile input', () => {
  const pieces = [
    '(', ')', ',', ' ', '$close', '$Volume', '$', '$vwap', 'Mean', 'Ref', 'If', 'CSRank', 'Corr', 'Meen', 'MEAN', '5', '-1', '0', '.5',
    '1e-12', '1e400', '1e', 'NaN', 'Infinity', '-', '+', '*', '/', '**', '>', '>=', '<', '==', '!=', '&', '|', '?', ':', '.',
    '\u00e9', '\u0000', '\n', '\u2028', '\ud800', '\u{1F600}', '"', "'", 'and', '999999999999999999999999',
  ];
  const tokenSoup = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join(''));

  it('never throws and rejects with one well-formed line, on token soup', () => {
    fc.assert(
      fc.property(tokenSoup, (source) => {
        expectWellFormed(compileFactor(source));
        expectWellFormed(compileLabel(source));
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (source) => {
        expectWellFormed(compileFactor(source));
      }),
      { numRuns: 3000 },
    );
  });

  it('survives deep nesting, huge numbers and huge inputs', () => {
    const hostile = [
      `${'('.repeat(100_000)}$close${')'.repeat(100_000)}`,
      `${'Abs('.repeat(1000)}$close${')'.repeat(1000)}`,
      `${'-'.repeat(1999)}1`,
      `${'-'.repeat(1999)}$`,
      '1e400 * $close',
      '9'.repeat(400),
      `$close * ${'9'.repeat(1990)}`,
      `Mean($close, ${'9'.repeat(300)})`,
      'Ref($close, 1e308)',
      'Ref($close, -1e308)',
      '$close / 1e-400',
      `$${'a'.repeat(1999)}`,
      `${'A'.repeat(1990)}($close)`,
      '$close + NaN',
      'Infinity',
      `${'$close+'.repeat(285)}$close`,
      `Mean(${Array.from({ length: 500 }, () => '1').join(',')})`,
      '\u0000'.repeat(2000),
      '\ud800\udfff\udbff',
    ];
    for (const source of hostile) {
      expectWellFormed(compileFactor(source));
      expectWellFormed(compileFactor(source, { limits: { maxLength: 1_000_000 } }));
      expect(compileFactor(source).ok, source.slice(0, 40)).toBe(false);
    }
  });
});
