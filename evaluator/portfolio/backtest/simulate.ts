/**
 * qlib's daily backtest of TopkDropout, one trading day at a time
 * (qlib/backtest: SimulatorExecutor, Account, Position, Exchange):
 *
 *  - On trade day t the strategy reads the scores of the previous trading
 *    day t-1 (qlib's get_signal with shift=1): a score computed from data up
 *    to t-1's close trades at t's close. A day whose previous day has no
 *    score trades nothing (the first day of a test window).
 *  - Sells first, at t's close, each whole holding: cash += value - cost.
 *  - The cash after the sells times risk_degree is split equally over the
 *    names to buy (qlib's `value = cash * risk_degree / len(buy)`); each buy
 *    is value / price shares rounded down to whole lots.
 *  - A suspended stock, or one at the limit up or down that day, is neither
 *    sold nor bought (TopkDropout checks tradability without a direction).
 *  - At the close, holdings are valued at t's close (a suspended stock keeps
 *    its last price) and each held stock's day count grows by one.
 *  - Day t's return is (value_t - value_{t-1} + cost_t) / value_{t-1}, before
 *    cost as qlib's report "return"; cost and turnover (traded value, both
 *    sides) are per value_{t-1} too.
 */

import type { DayRange } from '../../metrics/types.js';
import { type ExchangeConfig, checkExchangeConfig, dealBuy, dealSell } from './exchange.js';
import { type BacktestMarket, isTradable } from './market.js';
import { type TopkDropoutConfig, checkTopkDropoutConfig, topkDropoutDecision } from './topkDropout.js';

/** qlib's example account: 100 million. */
export const QLIB_INITIAL_CASH = 100_000_000;

export interface BacktestInput {
  readonly market: BacktestMarket;
  /** N*T scores; the score of day t decides the trades at the next trading day's close. NaN = no score. */
  readonly scores: Float64Array;
  /** Trading days. */
  readonly range: DayRange;
  /** Benchmark return of each day of `range`. */
  readonly benchmark: Float64Array;
  readonly strategy: TopkDropoutConfig;
  readonly exchange: ExchangeConfig;
  readonly initialCash: number;
}

export interface Trade {
  readonly day: number;
  readonly instrument: number;
  readonly side: 'buy' | 'sell';
  /** Adjusted shares. */
  readonly amount: number;
  readonly price: number;
  readonly value: number;
  readonly cost: number;
}

/** One value per day of the range. */
export interface BacktestDaily {
  /** Account value at the close (cash + holdings). */
  readonly value: Float64Array;
  readonly cash: Float64Array;
  /** Return before cost. */
  readonly return: Float64Array;
  /** Cost paid, per previous value. */
  readonly cost: Float64Array;
  /** Value traded (buys + sells), per previous value. */
  readonly turnover: Float64Array;
  readonly benchmark: Float64Array;
  /** Stocks held at the close. */
  readonly holdings: Int32Array;
}

export interface BacktestRun {
  readonly range: DayRange;
  readonly daily: BacktestDaily;
  readonly trades: readonly Trade[];
  /** Instruments held at each day's close, ascending. */
  readonly held: readonly (readonly number[])[];
  /** Deviations forced by the data (e.g. lot rounding off because a factor is missing). */
  readonly notes: readonly string[];
}

interface Holding {
  amount: number;
  /** Last close (or deal price) it is valued at. */
  price: number;
  /** Closes it has been held through. */
  days: number;
}

export function runBacktest(input: BacktestInput): BacktestRun {
  const { market, scores, range, strategy, initialCash } = input;
  checkTopkDropoutConfig(strategy);
  checkExchangeConfig(input.exchange);
  const { N, T, close } = market;
  if (scores.length !== N * T) throw new RangeError(`backtest: scores have length ${scores.length}, expected N*T = ${N}*${T}`);
  if (!(range.start >= 1 && range.end <= T && range.start < range.end)) {
    throw new RangeError(`backtest: trade days [${range.start}, ${range.end}) must lie in [1, ${T}) (day 0 has no previous day to score)`);
  }
  const days = range.end - range.start;
  if (input.benchmark.length !== days) throw new RangeError(`backtest: benchmark has ${input.benchmark.length} days, the range ${days}`);
  if (!(initialCash > 0)) throw new RangeError(`backtest: initialCash must be positive, got ${initialCash}`);
  const notes: string[] = [];
  const exchange = lotRoundingPossible(market, range) ? input.exchange : { ...input.exchange, tradeUnit: null };
  if (exchange.tradeUnit !== input.exchange.tradeUnit) {
    notes.push('trade-unit rounding off: an adjustment factor is missing where a close exists (qlib then trades adjusted amounts)');
  }

  const daily: BacktestDaily = {
    value: new Float64Array(days),
    cash: new Float64Array(days),
    return: new Float64Array(days),
    cost: new Float64Array(days),
    turnover: new Float64Array(days),
    benchmark: Float64Array.from(input.benchmark),
    holdings: new Int32Array(days),
  };
  const trades: Trade[] = [];
  const held: number[][] = [];
  const position = new Map<number, Holding>();
  const signal = new Float64Array(N);
  let cash = initialCash;
  let previousValue = initialCash;

  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    let cost = 0;
    let traded = 0;
    const scored: number[] = [];
    for (let i = 0; i < N; i++) {
      signal[i] = scores[i * T + t - 1]!;
      if (Number.isFinite(signal[i]!)) scored.push(i);
      else signal[i] = NaN;
    }
    if (scored.length > 0) {
      const decision = topkDropoutDecision([...position.keys()], signal, scored, strategy);
      const tradable = (i: number): boolean => isTradable(market, i, t, exchange.limitThreshold);
      for (const i of decision.sell) {
        const holding = position.get(i)!;
        if (!tradable(i) || holding.days < strategy.holdThresh) continue;
        const price = close[i * T + t]!;
        const fill = dealSell(holding.amount, price, cash, exchange);
        if (fill.value === 0) continue;
        cash += fill.value - fill.cost;
        cost += fill.cost;
        traded += fill.value;
        position.delete(i);
        trades.push({ day: t, instrument: i, side: 'sell', amount: fill.amount, price, value: fill.value, cost: fill.cost });
      }
      const budget = decision.buy.length > 0 ? (cash * strategy.riskDegree) / decision.buy.length : 0;
      for (const i of decision.buy) {
        if (!tradable(i)) continue;
        const price = close[i * T + t]!;
        const factor = market.factor ? market.factor[i * T + t]! : 1;
        const fill = dealBuy(budget / price, price, factor, cash, exchange);
        if (fill.value === 0) continue;
        cash -= fill.value + fill.cost;
        cost += fill.cost;
        traded += fill.value;
        const holding = position.get(i);
        if (holding) holding.amount += fill.amount;
        else position.set(i, { amount: fill.amount, price, days: 0 });
        trades.push({ day: t, instrument: i, side: 'buy', amount: fill.amount, price, value: fill.value, cost: fill.cost });
      }
    }

    let value = cash;
    for (const [i, holding] of position) {
      const price = close[i * T + t]!;
      if (Number.isFinite(price)) holding.price = price;
      holding.days++;
      value += holding.amount * holding.price;
    }
    daily.value[d] = value;
    daily.cash[d] = cash;
    daily.return[d] = (value - previousValue + cost) / previousValue;
    daily.cost[d] = cost / previousValue;
    daily.turnover[d] = traded / previousValue;
    daily.holdings[d] = position.size;
    held.push([...position.keys()].sort((a, b) => a - b));
    previousValue = value;
  }
  return { range: { start: range.start, end: range.end }, daily, trades, held, notes };
}

/** qlib rounds to lots only when every close in the window has an adjustment factor (else it trades adjusted amounts). */
function lotRoundingPossible(market: BacktestMarket, range: DayRange): boolean {
  const { factor, close, N, T } = market;
  if (!factor) return false;
  for (let i = 0; i < N; i++) {
    for (let t = range.start; t < range.end; t++) {
      if (Number.isFinite(close[i * T + t]!) && !(factor[i * T + t]! > 0)) return false;
    }
  }
  return true;
}
