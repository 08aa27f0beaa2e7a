/**
 * `alphaswarm eval` through the compiled CLI: its JSON matches the library
 * functions run in the test (on the whole, unclipped panel), and its IC and
 * RankIC match a hand-rolled computation from the raw qlib files.
 */
import { describe, expect, it } from 'vitest';
import { loadPanel, resolveDateRange, syntheticMarket } from '../../evaluator/data/index.js';
import { FactorEngine } from '../../evaluator/engine.js';
import { scoreFactor, type FactorScore } from '../../evaluator/metrics/index.js';
import type { Panel } from '../../evaluator/panel.js';
import { compileFactor, compileLabel, type CompiledFactor } from '../../operators/index.js';
import { sharedDataSet } from '../helpers/sharedData.js';
import { isMember, rawCalendar, rawField, rawMembership, runCli, runJson } from './helpers.js';

interface EvalJson {
  expr: string;
  label: string;
  universe: string;
  start: string;
  end: string;
  trading_days: number;
  days: number;
  ic: number;
  icir: number;
  ic_t: number;
  ic_std: number;
  rank_ic: number;
  rank_icir: number;
  rank_ic_t: number;
  rank_ic_std: number;
  hac_lags: number;
  mi: number;
  long_short: { mean: number; std: number; ir: number; t: number };
  quantile_means: number[];
  monotonicity: number;
  autocorrelation: number;
  turnover: number;
  nan_ratio: number;
  coverage: number;
  instruments: number;
  seconds: { load: number; compute: number; score: number; total: number };
  notes: string[];
}

const csi300 = sharedDataSet('cn_csi300');

function compiled(result: ReturnType<typeof compileFactor>): CompiledFactor {
  if (!result.ok) throw result.error;
  return result;
}

/** The library path, on the whole panel (no lastDay clipping), as a user of the modules would write it. */
function libraryScore(panel: Panel, universe: string, expr: string, label: string, start: string, end: string): FactorScore {
  const fields = new Set(Object.keys(panel.fields));
  const mask = panel.universes[universe]!.mask;
  const engine = new FactorEngine(panel, { universe: mask });
  const factor = engine.evaluate(compiled(compileFactor(expr, { fields })).ast);
  const labels = engine.evaluate(compiled(compileLabel(label, { fields })).ast);
  const range = resolveDateRange(panel.calendar, start, end);
  return scoreFactor(factor, { N: panel.N, T: panel.T, label: labels, universe: mask }, { start: range.startIndex, end: range.endIndex });
}

function expectSameScore(json: EvalJson, score: FactorScore): void {
  const n = (x: number): number | null => (Number.isFinite(x) ? x : null);
  expect(json.ic).toBe(n(score.ic.mean));
  expect(json.icir).toBe(n(score.ic.ir));
  expect(json.ic_t).toBe(n(score.ic.hacT));
  expect(json.ic_std).toBe(n(score.ic.std));
  expect(json.rank_ic).toBe(n(score.rankIc.mean));
  expect(json.rank_icir).toBe(n(score.rankIc.ir));
  expect(json.rank_ic_t).toBe(n(score.rankIc.hacT));
  expect(json.hac_lags).toBe(score.rankIc.hacLags);
  expect(json.mi).toBe(n(score.mutualInformation));
  expect(json.long_short.mean).toBe(n(score.quantiles.spread.mean));
  expect(json.long_short.t).toBe(n(score.quantiles.spread.hacT));
  expect(json.quantile_means).toEqual(Array.from(score.quantiles.meanLabel, n));
  expect(json.monotonicity).toBe(n(score.quantiles.monotonicity));
  expect(json.autocorrelation).toBe(n(score.autocorrelation));
  expect(json.turnover).toBe(n(score.turnover));
  expect(json.nan_ratio).toBe(n(score.nanRatio));
  expect(json.coverage).toBe(n(score.dayCoverage));
}

describe('alphaswarm eval on the embedded synthetic market (no --data)', () => {
  it('prints the documented JSON, says it uses the synthetic market, and equals the library functions', async () => {
    const expr = 'Mean($close,5)/$close';
    const { json, errors } = await runJson<EvalJson>(['eval', '--expr', expr, '--universe', 'synth100', '--start', '2016-01-01', '--end', '2016-12-31', '--json']);
    expect(Object.keys(json)).toEqual([
      'expr', 'label', 'data', 'universe', 'start', 'end', 'trading_days', 'days', 'ic', 'icir', 'ic_t', 'ic_std', 'rank_ic', 'rank_icir',
      'rank_ic_t', 'rank_ic_std', 'hac_lags', 'mi', 'long_short', 'quantile_means', 'monotonicity', 'autocorrelation', 'turnover',
      'nan_ratio', 'coverage', 'instruments', 'seconds', 'notes',
    ]);
    expect(errors[0]).toMatch(/^alphaswarm eval: note: no --data: using the embedded synthetic market \(200 instruments, 1500 days, seed 1;/);
    // 2016-01-01 is a Friday holiday in the synthetic calendar (1 January is skipped); 2016-12-31 is a Saturday.
    expect(json.notes).toEqual([
      expect.stringMatching(/^no --data: using the embedded synthetic market/),
      'start 2016-01-01 is not a trading day: using the next one, 2016-01-04',
      'end 2016-12-31 is not a trading day: using the previous one, 2016-12-30',
    ]);
    expect(errors.slice(1)).toEqual(json.notes.slice(1).map((n) => `alphaswarm eval: note: ${n}`));
    expect([json.start, json.end, json.universe, json.label]).toEqual(['2016-01-04', '2016-12-30', 'synth100', 'Ref($close, -2) / Ref($close, -1) - 1']);
    expect(json.days).toBeGreaterThan(250);
    expect(json.quantile_means).toHaveLength(5);

    const panel = syntheticMarket({ seed: 1 });
    expectSameScore(json, libraryScore(panel, 'synth100', expr, 'Ref($close,-2)/Ref($close,-1)-1', '2016-01-01', '2016-12-31'));
  });

  it('--horizon H is Ref($close,-(H+1))/Ref($close,-1)-1, and --seed changes the market', async () => {
    const { json } = await runJson<EvalJson>(['eval', '--expr', '-Delta($close,3)', '--horizon', '4', '--seed', '5', '--json']);
    expect(json.label).toBe('Ref($close, -5) / Ref($close, -1) - 1');
    const panel = syntheticMarket({ seed: 5 });
    expectSameScore(json, libraryScore(panel, 'all', '-Delta($close,3)', 'Ref($close,-5)/Ref($close,-1)-1', panel.calendar[0]!, panel.calendar.at(-1)!));
  });

  it('prints a readable summary without --json', async () => {
    const r = await runCli(['eval', '--expr', 'Std($close,10)', '--start', '2016-01-04', '--end', '2016-06-30']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^factor +Std\(\$close, 10\)\n/);
    expect(r.stdout).toMatch(/\nRankIC +-?\d\.\d{4} +ICIR -?\d\.\d{3} +t\(HAC, \d+ lags\) -?\d+\.\d\d\n/);
    expect(r.stdout).toMatch(/\ndates +2016-01-04 \.\. 2016-06-30: \d+ trading days, \d+ scored/);
  });
});

/** Pearson correlation of two equal-length lists, two-pass. */
function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    sxy += (x[k]! - mx) * (y[k]! - my);
    sxx += (x[k]! - mx) ** 2;
    syy += (y[k]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks, ties sharing their average rank. */
function averageRanks(x: readonly number[]): number[] {
  const order = x.map((v, k) => [v, k] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(x.length);
  for (let a = 0; a < order.length; ) {
    let b = a;
    while (b + 1 < order.length && order[b + 1]![0] === order[a]![0]) b++;
    for (let k = a; k <= b; k++) ranks[order[k]![1]] = (a + b) / 2 + 1;
    a = b + 1;
  }
  return ranks;
}

function meanAndIr(series: readonly number[]): { mean: number; ir: number } {
  const mean = series.reduce((a, b) => a + b, 0) / series.length;
  const std = Math.sqrt(series.reduce((a, b) => a + (b - mean) ** 2, 0) / (series.length - 1));
  return { mean, ir: mean / std };
}

describe.skipIf(!csi300)('alphaswarm eval on cn_csi300', () => {
  const dir = csi300!;

  it('IC and RankIC of 5-day momentum equal a hand computation from the raw .bin files and csi300.txt', async () => {
    const { json, errors } = await runJson<EvalJson>([
      'eval', '--data', dir, '--universe', 'csi300', '--expr', '$close/Ref($close,5)-1', '--start', '2019-01-01', '--end', '2019-12-31', '--json',
    ]);
    expect(json.notes).toEqual([
      expect.stringMatching(/^\d+ of the \d+ instruments ever in csi300 have no feature data and are left out$/),
      'start 2019-01-01 is not a trading day: using the next one, 2019-01-02',
    ]);
    expect(errors).toEqual(json.notes.map((n) => `alphaswarm eval: note: ${n}`));

    const calendar = rawCalendar(dir);
    const T = calendar.length;
    const members = rawMembership(dir, 'csi300');
    const closes = [...members.keys()].map((symbol) => ({ symbol, ...rawField(dir, symbol, 'close', T) }));
    const first = calendar.indexOf('2019-01-02');
    const last = calendar.indexOf('2019-12-31');
    const ics: number[] = [];
    const rankIcs: number[] = [];
    for (let t = first; t <= last; t++) {
      const f: number[] = [];
      const y: number[] = [];
      for (const { symbol, values, start, end } of closes) {
        if (!isMember(members.get(symbol), calendar[t]!)) continue;
        // Ref($close,5) exists from the instrument's 6th day; the label needs two days after t.
        const factor = t - 5 >= start ? values[t]! / values[t - 5]! - 1 : NaN;
        const label = t + 2 < end ? values[t + 2]! / values[t + 1]! - 1 : NaN;
        if (Number.isFinite(factor) && Number.isFinite(label)) {
          f.push(factor);
          y.push(label);
        }
      }
      if (f.length < 10) continue;
      ics.push(pearson(f, y));
      rankIcs.push(pearson(averageRanks(f), averageRanks(y)));
    }
    expect(json.days).toBe(ics.length);
    expect(json.trading_days).toBe(last - first + 1);
    expect(json.ic).toBeCloseTo(meanAndIr(ics).mean, 12);
    expect(json.icir).toBeCloseTo(meanAndIr(ics).ir, 10);
    expect(json.rank_ic).toBeCloseTo(meanAndIr(rankIcs).mean, 12);
    expect(json.rank_icir).toBeCloseTo(meanAndIr(rankIcs).ir, 10);
  });

  it('a cross-sectional factor ranks among csi300 members and equals the library functions', async () => {
    const expr = 'CSRank(Std($close,20)/Mean($close,20))';
    const { json } = await runJson<EvalJson>(['eval', '--data', dir, '--universe', 'csi300', '--expr', expr, '--start', '2018-01-02', '--end', '2018-12-28', '--json']);
    const panel = loadPanel(dir, { universe: 'csi300', fields: ['close'] });
    expectSameScore(json, libraryScore(panel, 'csi300', expr, 'Ref($close,-2)/Ref($close,-1)-1', '2018-01-02', '2018-12-28'));
    expect(json.instruments).toBe(panel.N);
    expect(json.days).toBe(json.trading_days);
  });
});
