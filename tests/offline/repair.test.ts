/**
 * Code repair without a model: hand-checked translations that keep the
 * meaning, Co-STEER's similar fixes, what cannot be repaired, and the share
 * of real LLM output (QuantaAlpha's published libraries) it turns into
 * compiling expressions.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT } from '../../agents/offline/environment.js';
import { readForeign } from '../../agents/offline/foreignReader.js';
import { repairExpression } from '../../agents/offline/repairExpression.js';
import { respond } from '../../agents/offline/respond.js';
import { compileFactor } from '../../operators/index.js';
import { sharedDataSet } from '../helpers/sharedData.js';

function repaired(source: string): string {
  const outcome = repairExpression(source, DEFAULT_ENVIRONMENT);
  if (!outcome.ok) throw new Error(`${source}: ${outcome.problems.join('; ')}`);
  return outcome.expression;
}

describe('code repair (offline)', () => {
  it('translates QuantaAlpha-style functions and fields into the factor language, keeping the meaning', () => {
    const cases: [string, string][] = [
      ['TS_MEAN($return, 5)', 'Mean($close / Ref($close, 1) - 1, 5)'],
      ['RANK(DELAY($close, 5))', 'CSRank(Ref($close, 5))'],
      ['ZSCORE(TS_STD($volume, 20))', 'CSZScore(Std($volume, 20))'],
      ['TS_RANK($volume, 10)', 'Rank($volume, 10)'],
      ['TS_ZSCORE($close, 10)', '($close - Mean($close, 10)) / (Std($close, 10) + 1e-8)'],
      ['TS_PCTCHANGE($close, 20)', '$close / Ref($close, 20) - 1'],
      ['MAX($open, $close) - MIN($open, $close)', 'Greater($open, $close) - Less($open, $close)'],
      ['TS_CORR($close, SEQUENCE(10), 10)', 'Sign(Slope($close, 10)) * Power(Rsquare($close, 10), 0.5)'],
      ['REGBETA($close, SEQUENCE(20), 20)', 'Slope($close, 20)'],
      ['REGRESI($close, SEQUENCE(5), 5)', 'Resi($close, 5)'],
      ['(TS_MEAN($close,5) > TS_MEAN($close,20)) ? 1 : 0', 'If(Mean($close, 5) > Mean($close, 20), 1, 0)'],
      ['($close > $open) && ($volume > DELAY($volume, 1))', '($close > $open) & ($volume > Ref($volume, 1))'],
      ['COUNT($return > 0, 20)', 'Sum($close / Ref($close, 1) - 1 > 0, 20)'],
      ['SUMIF($return, 10, $return > 0)', 'Sum(If($close / Ref($close, 1) - 1 > 0, $close / Ref($close, 1) - 1, 0), 10)'],
      ['POW($close / DELAY($close, 1) - 1, 2)', 'Power($close / Ref($close, 1) - 1, 2)'],
      ['INV(TS_STD($close, 20))', '1 / Std($close, 20)'],
      ['SMA($close, 20, 1)', 'EMA($close, 0.05)'],
      ['DECAYLINEAR($volume, 10)', 'WMA($volume, 10)'],
      ['$volume > MEDIAN($volume)', 'CSRank($volume) > 0.5'],
      ['Meen($close, 10)', 'Mean($close, 10)'],
      ['Std($close)', 'Std($close, 20)'],
      ['$TS_MEAN($close, 5)', 'Mean($close, 5)'],
      ['1 / (1 + EXP(-10 * (RANK($close) - 0.5)))', 'CSRank($close) - 0.5'],
    ];
    for (const [source, expected] of cases) expect(repaired(source), source).toBe(expected);
  });

  it('never reads the future: negative lags become lags, and the change is said', () => {
    const outcome = repairExpression('DELAY($high - $low, -1) > ($high - $low)', DEFAULT_ENVIRONMENT);
    expect(outcome.ok && outcome.expression).toBe('Ref($high - $low, 1) > $high - $low');
    expect(outcome.ok && outcome.notes.join(' ')).toMatch(/read the future/);
  });

  it('computes the correlation with time exactly as Sign(Slope) * sqrt(Rsquare) does', () => {
    // corr(x, t) over t = 1..n, against the regression on t, for a hand-made series.
    const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const t = x.map((_, i) => i + 1);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const mx = mean(x);
    const mt = mean(t);
    const sxt = x.reduce((s, xi, i) => s + (xi - mx) * (t[i]! - mt), 0);
    const sxx = x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    const stt = t.reduce((s, ti) => s + (ti - mt) ** 2, 0);
    const correlation = sxt / Math.sqrt(sxx * stt);
    const slope = sxt / stt;
    const rSquared = (sxt * sxt) / (sxx * stt);
    expect(Math.sign(slope) * Math.sqrt(rSquared)).toBeCloseTo(correlation, 12);
  });

  it('applies fixes that worked for similar errors first (Co-STEER)', () => {
    const exact = repairExpression('FOO_AVG($close, 5)', DEFAULT_ENVIRONMENT, [{ error: 'unknown operator', before: 'FOO_AVG($close,  5)', after: 'Mean($close, 5)' }]);
    expect(exact).toMatchObject({ ok: true, expression: 'Mean($close, 5)', fromKnowledge: true });
    const learned = repairExpression('FOO_AVG($volume, 10) / $closing', DEFAULT_ENVIRONMENT, [
      { error: 'unknown operator', before: 'FOO_AVG($closing, 5)', after: 'Mean($close, 5)' },
    ]);
    expect(learned).toMatchObject({ ok: true, expression: 'Mean($volume, 10) / $close', fromKnowledge: true });
  });

  it('says when no meaning-preserving fix exists, still answering in the reply schema', () => {
    for (const source of ['TS_MEAN($pe_ratio, 20)', 'TS_CORR($close, $sector_etf_return, 20)', 'EXP($close) + $open', 'The idea needs order book data, which we lack.']) {
      const response = respond(1, 'repair', { hypothesis: 'h', description: '', expression: source, error: 'unknown', similarFixes: [] }, DEFAULT_ENVIRONMENT);
      expect(response.ok).toBe(true);
      if (response.ok) expect((response.reply as { explanation: string }).explanation, source).toMatch(/^Cannot repair/);
    }
  });

  it('finds an expression an LLM wrapped in prose', () => {
    expect(repaired('A simpler version might be: TS_MEAN($return, 20) / (TS_STD($return, 20) + 1e-8). This captures drift.')).toBe(
      'Mean($close / Ref($close, 1) - 1, 20) / (Std($close / Ref($close, 1) - 1, 20) + 1e-8)',
    );
  });

  it('reads hostile text without throwing', () => {
    for (const source of ['((((((', ')'.repeat(5000), 'a'.repeat(5000), '$', '1 ? 2', '?:', '\u0000', '((('.repeat(300) + '$close']) {
      expect(() => repairExpression(source, DEFAULT_ENVIRONMENT)).not.toThrow();
      expect(() => readForeign(source)).not.toThrow();
    }
  });

  it('repairs most expressions real LLMs wrote (QuantaAlpha libraries)', () => {
    const dir = sharedDataSet('llm_libraries');
    if (!dir) return;
    let total = 0;
    let brokenAsWritten = 0;
    let repairedCount = 0;
    const samples: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { factors: Record<string, { factor_expression: string }> };
      for (const factor of Object.values(data.factors)) {
        total++;
        const source = factor.factor_expression;
        if (!compileFactor(source).ok) brokenAsWritten++;
        const outcome = repairExpression(source, DEFAULT_ENVIRONMENT);
        if (!outcome.ok) continue;
        expect(compileFactor(outcome.expression).ok).toBe(true);
        repairedCount++;
        if (total % 97 === 0) samples.push(`  ${source.slice(0, 160)}\n    -> ${outcome.expression.slice(0, 200)}`);
      }
    }
    const share = repairedCount / total;
    console.log(`[repair] ${repairedCount}/${total} expressions (${(share * 100).toFixed(1)}%) compile after offline repair; ${brokenAsWritten} did not compile as written. Samples:\n${samples.join('\n')}`);
    expect(share).toBeGreaterThan(0.8);
  });
});
