/**
 * The portfolio stage on the shared real data (skipped with a message when it is absent):
 * CSI 300, three simple factors computed here, a short protocol (train 2016-2018,
 * valid 2019, test 2020), both combiners, qlib's TopkDropout against SH000300.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { loadPanel } from '../../evaluator/data/load.js';
import type { DayRange } from '../../evaluator/metrics/types.js';
import type { Panel } from '../../evaluator/panel.js';
import { type PortfolioResult, indexBenchmark, runPortfolio } from '../../evaluator/portfolio/index.js';
import { sharedDataSet } from '../helpers/sharedData.js';

const cn = sharedDataSet('cn_csi300');

/** Days [first date >= from, last date <= to]. */
function days(calendar: readonly string[], from: string, to: string): { start: number; end: number } {
  const start = calendar.findIndex((d) => d >= from);
  let end = calendar.length;
  while (end > 0 && calendar[end - 1]! > to) end--;
  return { start, end };
}

/** 5-day return, 20-day volatility of daily returns, volume over its 20-day mean: each from data up to day t only. */
function simpleFactors(panel: Panel): Float64Array[] {
  const { N, T } = panel;
  const close = panel.fields.close!;
  const volume = panel.fields.volume!;
  const ret5 = new Float64Array(N * T).fill(NaN);
  const vol20 = new Float64Array(N * T).fill(NaN);
  const volumeRatio = new Float64Array(N * T).fill(NaN);
  for (let i = 0; i < N; i++) {
    const c = (t: number): number => close[i * T + t]!;
    for (let t = 20; t < T; t++) {
      ret5[i * T + t] = c(t) / c(t - 5) - 1;
      let sum = 0;
      let squares = 0;
      let volumeSum = 0;
      for (let s = t - 19; s <= t; s++) {
        const r = c(s) / c(s - 1) - 1;
        sum += r;
        squares += r * r;
        volumeSum += volume[i * T + s]!;
      }
      vol20[i * T + t] = Math.sqrt((squares - (sum * sum) / 20) / 19);
      volumeRatio[i * T + t] = volume[i * T + t]! / (volumeSum / 20);
    }
  }
  return [ret5, vol20, volumeRatio];
}

describe.skipIf(!cn)('portfolio stage on cn_csi300', () => {
  let panel: Panel;
  let index: Panel;
  let label: Float64Array;
  let splits: { train: DayRange; valid: DayRange; test: DayRange };
  beforeAll(() => {
    panel = loadPanel(cn!, { universe: 'csi300', fields: ['close', 'volume', 'factor'] });
    index = loadPanel(cn!, { instruments: ['SH000300'], fields: ['close'] });
    const { N, T, calendar } = panel;
    const close = panel.fields.close!;
    label = new Float64Array(N * T).fill(NaN);
    for (let i = 0; i < N; i++) for (let t = 0; t + 2 < T; t++) label[i * T + t] = close[i * T + t + 2]! / close[i * T + t + 1]! - 1;
    splits = { train: days(calendar, '2016-01-01', '2018-12-31'), valid: days(calendar, '2019-01-01', '2019-12-31'), test: days(calendar, '2020-01-01', '2020-12-31') };
  });
  const run = (model: 'ridge' | 'xgboost'): PortfolioResult =>
    runPortfolio({
      panel,
      factorValues: simpleFactors(panel),
      factorNames: ['ret5', 'vol20', 'volumeRatio'],
      label,
      universeMask: panel.universes.csi300!.mask,
      splits,
      benchmark: indexBenchmark(index, 'SH000300'),
      model,
      seed: 0,
    });

  for (const model of ['ridge', 'xgboost'] as const) {
    describe(model, () => {
      let result: PortfolioResult;
      let b: PortfolioResult['backtest'];
      beforeAll(() => {
        result = run(model);
        b = result.backtest;
      });

      it('scores every split with a plausible, finite signal', () => {
        for (const split of ['train', 'valid', 'test'] as const) {
          const s = result.signal[split];
          expect(Number.isFinite(s.ic.mean), split).toBe(true);
          expect(Math.abs(s.ic.mean), split).toBeLessThan(0.2);
          expect(Math.abs(s.rankIc.mean), split).toBeLessThan(0.2);
          // About 300 names a day; early days of the calendar are long past.
          expect(s.rows / (s.range.end - s.range.start), split).toBeGreaterThan(250);
        }
      });

      it('trades the 2020 test year from its second day with about 50 names, never a blocked stock', () => {
        expect(b.dates[0]).toBe('2020-01-02');
        expect(b.dates).toHaveLength(243);
        expect(b.benchmark).toBe('SH000300');
        expect(b.run.trades.some((t) => t.day === splits.test.start)).toBe(false);
        for (let d = 2; d < b.dates.length; d++) expect(b.run.daily.holdings[d]).toBeGreaterThanOrEqual(45);
        const { T } = panel;
        const close = panel.fields.close!;
        const volume = panel.fields.volume!;
        for (const trade of b.run.trades) {
          const cell = trade.instrument * T + trade.day;
          expect(volume[cell]).toBeGreaterThan(0);
          expect(Math.abs(close[cell]! / close[cell - 1]! - 1)).toBeLessThan(0.095);
          // Whole lots of 100 raw shares, except the sale of a whole holding.
          const lots = (trade.amount * panel.fields.factor![cell]!) / 100;
          if (trade.side === 'buy') expect(Math.abs(lots - Math.round(lots))).toBeLessThan(1e-6);
          expect(trade.cost).toBeGreaterThanOrEqual(5);
        }
        expect(b.turnover).toBeGreaterThan(0.05);
        expect(b.turnover).toBeLessThan(0.4);
      });

      it('keeps books that replay from its own trades at the closes', () => {
        const { T } = panel;
        const close = panel.fields.close!;
        const holdings = new Map<number, number>();
        let cash = 100_000_000;
        for (let d = 0; d < b.dates.length; d++) {
          const t = splits.test.start + d;
          for (const trade of b.run.trades.filter((x) => x.day === t)) {
            const sign = trade.side === 'buy' ? 1 : -1;
            cash -= sign * trade.value + trade.cost;
            holdings.set(trade.instrument, (holdings.get(trade.instrument) ?? 0) + sign * trade.amount);
            if (Math.abs(holdings.get(trade.instrument)!) < 1e-6) holdings.delete(trade.instrument);
          }
          let value = cash;
          for (const [i, amount] of holdings) {
            let s = t;
            while (!Number.isFinite(close[i * T + s]!)) s--;
            value += amount * close[i * T + s]!;
          }
          expect(b.run.daily.value[d]! / value, b.dates[d]).toBeCloseTo(1, 9);
        }
      });

      it("measures excess over SH000300's own close", () => {
        const indexClose = index.fields.close!;
        for (const d of [0, 1, 100, 242]) {
          const t = splits.test.start + d;
          expect(b.run.daily.benchmark[d]).toBeCloseTo(indexClose[t]! / indexClose[t - 1]! - 1, 12);
        }
        for (const risk of [b.qlib.withCost, b.qlib.withoutCost, b.rdAgent.withCost, b.rdAgent.withoutCost]) {
          expect(Number.isFinite(risk.annualizedReturn)).toBe(true);
          expect(Number.isFinite(risk.informationRatio)).toBe(true);
          expect(risk.maxDrawdown).toBeLessThanOrEqual(0);
        }
        expect(b.qlib.withCost.annualizedReturn).toBeLessThan(b.qlib.withoutCost.annualizedReturn);
      });
    });
  }
});
