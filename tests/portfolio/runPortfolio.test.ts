import { describe, expect, it } from 'vitest';

import type { Panel } from '../../evaluator/panel.js';
import { type PortfolioInput, type PortfolioResult, runPortfolio } from '../../evaluator/portfolio/index.js';
import { uniform } from './fixtures.js';

const N = 40;
const T = 300;
const splits = { train: { start: 0, end: 150 }, valid: { start: 150, end: 200 }, test: { start: 200, end: 300 } };

/** A random-walk market with one factor that knows the label (planted), one that is noise, one that is a noisy negative copy. */
function syntheticMarket(seed: number): { panel: Panel; label: Float64Array; factors: Float64Array[]; universe: Uint8Array } {
  const next = uniform(seed);
  const close = new Float64Array(N * T);
  for (let i = 0; i < N; i++) {
    close[i * T] = 10 + 40 * next();
    for (let t = 1; t < T; t++) close[i * T + t] = close[i * T + t - 1]! * (1 + (next() - 0.5) * 0.04);
  }
  const label = new Float64Array(N * T).fill(NaN);
  for (let i = 0; i < N; i++) for (let t = 0; t + 2 < T; t++) label[i * T + t] = close[i * T + t + 2]! / close[i * T + t + 1]! - 1;
  const planted = label.map((y) => (Number.isFinite(y) ? y + (next() - 0.5) * 0.04 : NaN));
  const noise = label.map(() => next());
  const negative = label.map((y) => (Number.isFinite(y) ? -0.5 * y + (next() - 0.5) * 0.04 : NaN));
  const universe = new Uint8Array(N * T).fill(1);
  for (let t = 0; t < T; t += 7) universe[(t % N) * T + t] = 0;
  const calendar = Array.from({ length: T }, (_, t) => new Date(Date.UTC(2020, 0, 1 + t)).toISOString().slice(0, 10));
  const panel: Panel = {
    N,
    T,
    start: new Int32Array(N),
    end: new Int32Array(N).fill(T),
    calendar,
    symbols: Array.from({ length: N }, (_, i) => `S${i}`),
    fields: { close, factor: new Float64Array(N * T).fill(1), volume: new Float64Array(N * T).fill(1e6) },
    universes: { all: { name: 'all', mask: universe } },
    source: { kind: 'synthetic', location: 'runPortfolio.test.ts' },
  };
  return { panel, label, factors: [planted, noise, negative], universe };
}

function input(market: ReturnType<typeof syntheticMarket>, model: 'ridge' | 'xgboost'): PortfolioInput {
  return {
    panel: market.panel,
    factorValues: market.factors,
    factorNames: ['planted', 'noise', 'negative'],
    label: market.label,
    universeMask: market.universe,
    splits,
    benchmark: { kind: 'universe-mean' },
    model,
    seed: 1,
    xgboost: { maxRounds: 200, earlyStoppingRounds: 20, threads: 2 },
    strategy: { topk: 10, nDrop: 2, holdThresh: 1, riskDegree: 0.95 },
  };
}

describe('runPortfolio on a synthetic market with a planted signal', () => {
  const market = syntheticMarket(5);
  const ridge = runPortfolio(input(market, 'ridge'));

  it('finds the planted signal in every split', () => {
    for (const split of ['train', 'valid', 'test'] as const) {
      expect(ridge.signal[split].ic.mean, split).toBeGreaterThan(0.4);
      expect(ridge.signal[split].rankIc.mean, split).toBeGreaterThan(0.4);
      expect(ridge.signal[split].ic.ir, split).toBeGreaterThan(1);
    }
    const s = ridge.model;
    if (s.kind !== 'ridge') throw new Error('expected ridge');
    expect(s.coefficients[0]).toBeGreaterThan(0);
    expect(s.coefficients[2]).toBeLessThan(0);
  });

  it('predicts every test member row and keeps only labelled rows for train and valid', () => {
    let members = 0;
    let labelled = 0;
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < T; t++) {
        if (!market.universe[i * T + t]) continue;
        if (t >= 200) members++;
        else if (t >= 150 && Number.isFinite(market.label[i * T + t]!)) labelled++;
      }
    }
    expect(ridge.signal.test.rows).toBe(members);
    expect(ridge.signal.valid.rows).toBe(labelled);
  });

  it('backtests the test split only, trading from its second day, and earns the planted excess', () => {
    const b = ridge.backtest;
    expect(b.dates).toEqual(market.panel.calendar.slice(200, 300));
    expect(b.run.trades.some((t) => t.day < 201)).toBe(false);
    expect(b.run.trades.some((t) => t.day === 201)).toBe(true);
    expect(b.excessWithCost).toHaveLength(100);
    expect(b.qlib.withCost.annualizedReturn).toBeGreaterThan(1);
    expect(b.qlib.withoutCost.annualizedReturn).toBeGreaterThan(b.qlib.withCost.annualizedReturn);
    expect(b.turnover).toBeGreaterThan(0);
    b.excessWithCost.forEach((e, d) => expect(e).toBeCloseTo(b.run.daily.return[d]! - b.run.daily.benchmark[d]! - b.run.daily.cost[d]!, 15));
    expect(b.cumulativeExcessWithCost[99]).toBeCloseTo(b.excessWithCost.reduce((a, v) => a + v, 0), 12);
  });

  it('never lets test features or test labels reach the fit or the train and valid scores', () => {
    const altered = syntheticMarket(5);
    const next = uniform(99);
    for (const values of [...altered.factors, altered.label]) {
      for (let i = 0; i < N; i++) for (let t = splits.test.start; t < T; t++) values[i * T + t] = next() * 100 - 50;
    }
    const other = runPortfolio(input(altered, 'ridge'));
    expect(other.model).toEqual(ridge.model);
    const same = (r: PortfolioResult) => [r.signal.train.icPerDay, r.signal.valid.icPerDay, r.signal.valid.rankIcPerDay];
    expect(same(other)).toEqual(same(ridge));
    expect(other.signal.test.ic.mean).not.toBeCloseTo(ridge.signal.test.ic.mean, 2);
  });

  it('combines with XGBoost too', () => {
    const xgb = runPortfolio(input(market, 'xgboost'));
    if (xgb.model.kind !== 'xgboost') throw new Error('expected xgboost');
    expect(xgb.model.bestRounds).toBeGreaterThan(1);
    expect(xgb.signal.test.ic.mean).toBeGreaterThan(0.3);
    expect(xgb.backtest.qlib.withCost.annualizedReturn).toBeGreaterThan(0.5);
  });

  it('rejects overlapping splits and misshapen inputs with a clear reason', () => {
    expect(() => runPortfolio({ ...input(market, 'ridge'), splits: { ...splits, valid: { start: 140, end: 200 } } })).toThrow(
      /splits must be ordered train < valid < test/,
    );
    expect(() => runPortfolio({ ...input(market, 'ridge'), factorNames: ['one'] })).toThrow(/3 factor series but 1 names/);
    expect(() => runPortfolio({ ...input(market, 'ridge'), label: new Float64Array(5) })).toThrow(/label has length 5/);
  });
});
