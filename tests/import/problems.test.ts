/**
 * What cannot be translated is reported, never guessed: each problem with
 * its code, its subject and its position in their text, all of them in an
 * expression, not just the first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QA_FUNCTIONS, importExpression, type TranslationProblem } from '../../agents/importers/index.js';
import { repoRoot } from '../helpers/sharedData.js';

function problems(source: string): { code: string; subject: string; message: string }[] {
  const result = importExpression(source);
  if (result.status === 'translated') throw new Error(`${source} was translated to ${result.compiled.canonical}`);
  const list: readonly TranslationProblem[] = result.status === 'parse_error' ? [result.problem] : result.problems;
  return list.map((p) => ({ code: p.code, subject: p.subject, message: p.message }));
}

describe('unsupported QuantaAlpha expressions', () => {
  it('names functions their library has that our language cannot express', () => {
    expect(problems('EXP($close)')).toEqual([{ code: 'no_equivalent', subject: 'EXP', message: 'at 1: EXP: no equivalent: our language has no exponential (Power takes a constant exponent)' }]);
    expect(problems('RANK(TS_MAD($volume, 5))')[0]).toMatchObject({ code: 'no_equivalent', subject: 'TS_MAD', message: expect.stringMatching(/^at 6: TS_MAD: no equivalent: our Mad is the mean absolute deviation/) });
    expect(problems('$volume > MEDIAN($volume)')[0]).toMatchObject({ code: 'no_equivalent', subject: 'MEDIAN', message: 'at 11: MEDIAN: no equivalent: our language has no cross-sectional median' });
    expect(problems('STD($return)')[0]).toMatchObject({ code: 'no_equivalent', subject: 'STD' });
    expect(problems('POW($close, $volume)')).toEqual([{ code: 'no_equivalent', subject: 'POW', message: 'at 1: POW with a series exponent: our Power takes a constant exponent' }]);
  });

  it('names functions that are not theirs, with the one they probably meant', () => {
    expect(problems('TS_DELTA($close, 5)')).toEqual([{ code: 'unknown_function', subject: 'TS_DELTA', message: "at 1: TS_DELTA is not a function of QuantaAlpha's library (did you mean 'DELTA'?)" }]);
    expect(problems('RANK(CORR($close, $volume, 10))')[0]!.message).toBe("at 6: CORR is not a function of QuantaAlpha's library (did you mean 'TS_CORR'?)");
    expect(problems('TS_AMIHUD($volume, $close, 40)')[0]!.message).toBe("at 1: TS_AMIHUD is not a function of QuantaAlpha's library");
  });

  it('names fields their data does not have, and bare names', () => {
    expect(problems('RANK($pe_ratio)')).toEqual([
      { code: 'unknown_field', subject: '$pe_ratio', message: "at 6: field $pe_ratio is not in the data (QuantaAlpha's data has $open, $high, $low, $close, $volume, $return)" },
    ]);
    expect(problems('$returns * 2')[0]!.message).toMatch(/^at 1: field \$returns is not in the data .*\(did you mean '\$return'\?\)$/);
    expect(problems('TS_MEAN(close, 5)')).toEqual([{ code: 'unknown_name', subject: 'close', message: "at 9: 'close' is not part of the language (fields are written with a $: $close)" }]);
    expect(problems('1 - REGIME_WEIGHT')[0]!.message).toBe("at 5: 'REGIME_WEIGHT' is not part of the language: fields start with $ and functions are called with ( )");
    expect(problems('$close * NaN')[0]).toMatchObject({ code: 'no_equivalent', subject: 'NaN' });
  });

  it('refuses calls their own library would reject', () => {
    expect(problems('MEAN($close, 20)')).toEqual([{ code: 'bad_call', subject: 'MEAN', message: "at 1: QuantaAlpha's MEAN(x) takes 1 argument, given 2" }]);
    expect(problems('TS_MEAN($close, 2.5)')[0]!.message).toBe("at 17: argument 'p' of TS_MEAN must be a whole number of days of at least 1, found 2.5");
    expect(problems('TS_MEAN($close, 20.0)')[0]!.message).toBe("at 17: argument 'p' of TS_MEAN must be a whole number of days of at least 1, found 20.0");
    expect(problems('TS_SUM($close, TS_MEAN($volume, 5))')[0]!.message).toBe("at 16: argument 'p' of TS_SUM must be a number literal");
    expect(problems('MAX($close)')[0]!.message).toBe("at 1: QuantaAlpha's MAX(a, b, [c]) takes 2 to 3 arguments, given 1");
    expect(problems('REGBETA($close, SEQUENCE(5), 10)')[0]!.message).toBe('at 1: REGBETA(y, SEQUENCE(5), 10) fails in QuantaAlpha: the sequence is shorter than the window');
    expect(problems('TS_CORR(SEQUENCE(10), $close, 10)')[0]!.message).toBe('at 1: their TS_CORR needs the series first and SEQUENCE(n) second');
    expect(problems('TS_STD(SEQUENCE(10), 10)')[0]).toMatchObject({ code: 'bad_call', subject: 'SEQUENCE', message: expect.stringMatching(/^at 8: SEQUENCE\(n\) is the fixed array 1\.\.n/) });
    expect(problems('TS_CORR($close, POW(SEQUENCE(5), 2), 5)')[0]).toMatchObject({ code: 'bad_call', subject: 'SEQUENCE', message: expect.stringMatching(/^at 21: SEQUENCE\(n\) .*POW\(SEQUENCE\(n\), 2\)/) });
    expect(problems('SMA($close, 5.0)')[0]!.message).toBe('at 1: SMA(x, m) needs an integer m of at least 1, found 5.0');
  });

  it('refuses reading the future', () => {
    expect(problems('DELAY($high - $low, -1) > 0')).toEqual([{ code: 'lookahead', subject: 'DELAY', message: 'at 21: DELAY with -1 reads 1 day ahead: a factor may use only data up to the current day' }]);
    expect(problems('DELTA($close, -3)')[0]!.code).toBe('lookahead');
    expect(problems('PERCENTILE(TS_STD($return, 5), 0.7)')[0]!.message).toBe("at 1: PERCENTILE without a window is the quantile of the instrument's whole history, which reads the future");
  });

  it('reports every problem of an expression, in order of position', () => {
    const list = problems('EXP($pe_ratio) + TS_DELTA($close, 1) * $bid');
    expect(list.map((p) => `${p.code} ${p.subject} ${p.message.split(':')[0]}`)).toEqual([
      'no_equivalent EXP at 1',
      'unknown_field $pe_ratio at 5',
      'unknown_function TS_DELTA at 18',
      'unknown_field $bid at 40',
    ]);
  });

  it('reports a translation our compiler refuses, with its reason and our text', () => {
    const [problem] = problems('WMA(TS_ZSCORE($close, 5), 10)');
    expect(problem).toMatchObject({ code: 'rejected', subject: 'limit_nodes' });
    expect(problem!.message).toMatch(/^at 1: the translation is rejected by our compiler \(at 1: expression has \d+ nodes .* the limit is 128\): /);
  });

  it('says so when there is no expression at all', () => {
    expect(problems('null')).toEqual([{ code: 'syntax', subject: 'no expression', message: 'at 1: no expression: the library holds "null"' }]);
  });

  it('has, for every function of their library, a translation or a reason', () => {
    for (const spec of QA_FUNCTIONS.values()) {
      expect(spec.theirs.length, spec.name).toBeGreaterThan(0);
      if (spec.translate === null) expect(spec.ours, spec.name).toMatch(/^no equivalent: /);
      else expect(spec.ours, spec.name).not.toMatch(/^no equivalent/);
    }
  });

  it("is documented function by function in the README's import section", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('## Importing a QuantaAlpha library');
    expect(start).toBeGreaterThan(-1);
    const next = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, next === -1 ? undefined : next);
    expect([...QA_FUNCTIONS.keys()].filter((name) => !new RegExp(`\\b${name}\\b`).test(section))).toEqual([]);
  });
});
