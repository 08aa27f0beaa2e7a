import { describe, expect, it } from 'vitest';

import {
  type BacktestMarket,
  CHINA_A_SHARES,
  type ExchangeConfig,
  benchmarkReturns,
  dealBuy,
  dealSell,
  roundToTradeUnit,
  runBacktest,
  topkDropoutDecision,
} from '../../evaluator/portfolio/index.js';

/** Instrument-major N*T from one row per instrument. */
const grid = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());

// Five stocks over six days. Trading happens on days 1..5 with the scores of days 0..4.
const A = 0;
const B = 1;
const C = 2;
const D = 3;
const E = 4;
const market: BacktestMarket = {
  N: 5,
  T: 6,
  close: grid([
    [10, 10, 10.5, 10.5, 10.5, 10.5],
    [20, 20, 20, 18, 18.9, 18.9], // day 3: -10 %, limit down
    [5, 5, 5.5, 5, 5, 5.2], // adjustment factor 0.5: a lot of 100 raw shares is 200 adjusted shares
    [8, 8, 8.8, 8, 8, 8], // day 2: +10 %, limit up
    [50, 50, 50, 50, 50, 50], // day 5: suspended (volume 0, close repeated, as the vendor data has it)
  ]),
  factor: grid([
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1],
  ]),
  volume: grid([
    [1e6, 1e6, 1e6, 1e6, 1e6, 1e6],
    [1e6, 1e6, 1e6, 1e6, 1e6, 1e6],
    [1e6, 1e6, 1e6, 1e6, 1e6, 1e6],
    [1e6, 1e6, 1e6, 1e6, 1e6, 1e6],
    [1e6, 1e6, 1e6, 1e6, 1e6, 0],
  ]),
};
// scores[day] = [A, B, C, D, E]; the scores of day s trade at the close of day s + 1.
const scoreRows = [
  [0.9, 0.8, 0.1, 0.5, 0.2],
  [0.1, 0.9, 0.3, 0.95, 0.2],
  [0.2, 0.5, 0.9, 0.8, 0.7],
  [0.1, 0.2, 0.9, 0.8, 0.95],
  [0.9, 0.1, 0.2, 0.8, 0.95],
  [0, 0, 0, 0, 0],
];
const scores = (rows: number[][]): Float64Array => {
  const out = new Float64Array(5 * 6);
  rows.forEach((day, t) => day.forEach((s, i) => (out[i * 6 + t] = s)));
  return out;
};
const strategy = { topk: 2, nDrop: 1, holdThresh: 1, riskDegree: 0.95 };
const range = { start: 1, end: 6 };
const benchmark = Float64Array.from([0.01, -0.01, 0, 0.02, 0]);

describe('TopkDropout backtest on a hand-made market', () => {
  // 20,000 in cash: every buy is under 10,000, so the minimum cost of 5 applies to all of them.
  const run = runBacktest({ market, scores: scores(scoreRows), range, benchmark, strategy, exchange: CHINA_A_SHARES, initialCash: 20_000 });

  it('trades exactly as worked out by hand', () => {
    const expected: [number, number, string, number, number, number, number][] = [
      // Day 1: nothing held; buy the top two (A, B) with 20000 * 0.95 / 2 = 9500 each, in lots of 100.
      [1, A, 'buy', 900, 10, 9000, 5], // 950 shares -> 900; cost max(4.5, 5)
      [1, B, 'buy', 400, 20, 8000, 5], // 475 -> 400; cost max(4, 5)
      // Day 2: D (0.95) outranks A (0.1): sell A; D is at the limit up, so it is not bought.
      [2, A, 'sell', 900, 10.5, 9450, 9450 * 0.0015],
      // Day 3: C and D outrank B, but B is at the limit down and stays; both buys go ahead
      // with (cash 12425.825) * 0.95 / 2 = 5902.27 each.
      [3, C, 'buy', 1000, 5, 5000, 5], // 1180.45 adjusted = 590.2 raw -> 500 raw = 1000 adjusted
      [3, D, 'buy', 700, 8, 5600, 5],
      // Day 4: B is the worst held name and tradable again: sold; nothing new scores above C and D.
      [4, B, 'sell', 400, 18.9, 7560, 7560 * 0.0015],
      // Day 5: E (0.95) replaces C (0.2); E is suspended, so only the sale happens.
      [5, C, 'sell', 1000, 5.2, 5200, 5200 * 0.0015],
    ];
    expect(run.trades.map((t) => [t.day, t.instrument, t.side, t.amount, t.price])).toEqual(expected.map((e) => e.slice(0, 5)));
    run.trades.forEach((t, k) => {
      expect(t.value, `value of trade ${k}`).toBeCloseTo(expected[k]![5], 9);
      expect(t.cost, `cost of trade ${k}`).toBeCloseTo(expected[k]![6], 9);
    });
  });

  it('holds what the trades leave, including more than topk when a sale is blocked', () => {
    expect(run.held).toEqual([[A, B], [B], [B, C, D], [C, D], [D]]);
    expect([...run.daily.holdings]).toEqual([2, 1, 3, 2, 1]);
  });

  it('values the account at each close and reports return before cost, cost and turnover per previous value', () => {
    const cash = [20000 - 9005 - 8005, 0, 0, 0, 0];
    cash[1] = cash[0]! + 9450 - 14.175;
    cash[2] = cash[1] - 5005 - 5605;
    cash[3] = cash[2] + 7560 - 11.34;
    cash[4] = cash[3] + 5200 - 7.8;
    const value = [cash[0]! + 900 * 10 + 400 * 20, cash[1] + 400 * 20, cash[2] + 400 * 18 + 1000 * 5 + 700 * 8, cash[3] + 1000 * 5 + 700 * 8, cash[4] + 700 * 8];
    const previous = [20000, ...value.slice(0, 4)];
    // Price moves of what was held through each close: the return before cost.
    const earned = [0, 900 * 0.5, -400 * 2, 400 * 0.9, 1000 * 0.2];
    const cost = [10, 14.175, 10, 11.34, 7.8];
    const traded = [17000, 9450, 10600, 7560, 5200];
    value.forEach((v, d) => {
      expect(run.daily.cash[d], `cash ${d}`).toBeCloseTo(cash[d]!, 8);
      expect(run.daily.value[d], `value ${d}`).toBeCloseTo(v, 8);
      expect(run.daily.return[d], `return ${d}`).toBeCloseTo(earned[d]! / previous[d]!, 12);
      expect(run.daily.cost[d], `cost ${d}`).toBeCloseTo(cost[d]! / previous[d]!, 12);
      expect(run.daily.turnover[d], `turnover ${d}`).toBeCloseTo(traded[d]! / previous[d]!, 12);
    });
    expect([...run.daily.benchmark]).toEqual([...benchmark]);
  });

  it('trades nothing on a day whose previous day has no score (the first day of a test window)', () => {
    const late = scoreRows.map((row, t) => (t === 0 ? row.map(() => NaN) : row));
    const r = runBacktest({ market, scores: scores(late), range, benchmark, strategy, exchange: CHINA_A_SHARES, initialCash: 20_000 });
    expect(r.trades.filter((t) => t.day === 1)).toEqual([]);
    expect(r.daily.value[0]).toBe(20_000);
    expect(r.daily.return[0]).toBe(0);
    // Day 2 then trades on day 1's scores: the buy list is D (0.95) and B (0.9), fixed before
    // tradability is checked, so D at the limit up is skipped and not replaced.
    expect(r.trades.filter((t) => t.day === 2).map((t) => t.instrument)).toEqual([B]);
  });

  it('keeps a stock younger than hold_thresh days', () => {
    const r = runBacktest({ market, scores: scores(scoreRows), range, benchmark, strategy: { ...strategy, holdThresh: 2 }, exchange: CHINA_A_SHARES, initialCash: 20_000 });
    // A was bought on day 1 and has one close behind it on day 2: too young to sell.
    expect(r.trades.filter((t) => t.day === 2)).toEqual([]);
  });

  it('without a price limit buys the stock at the limit up', () => {
    const noLimit: ExchangeConfig = { ...CHINA_A_SHARES, limitThreshold: null };
    const r = runBacktest({ market, scores: scores(scoreRows), range, benchmark, strategy, exchange: noLimit, initialCash: 20_000 });
    expect(r.trades.filter((t) => t.day === 2).map((t) => [t.instrument, t.side])).toEqual([
      [A, 'sell'],
      [D, 'buy'],
    ]);
  });

  it('rounds nothing to lots when an adjustment factor is missing, and says so', () => {
    const noFactor: BacktestMarket = { ...market, factor: null };
    const r = runBacktest({ market: noFactor, scores: scores(scoreRows), range, benchmark, strategy, exchange: CHINA_A_SHARES, initialCash: 20_000 });
    expect(r.trades[0]!.amount).toBe(950);
    expect(r.notes).toEqual([expect.stringMatching(/trade-unit rounding off/)]);
  });
});

describe('TopkDropout decision', () => {
  const config = { topk: 2, nDrop: 1, holdThresh: 1, riskDegree: 0.95 };
  it('does not sell a held name to buy a worse one', () => {
    const score = Float64Array.from([0.9, 0.8, 0.5]);
    expect(topkDropoutDecision([0, 1], score, [0, 1, 2], config)).toEqual({ sell: [], buy: [] });
  });
  it('sells a held name without a score first', () => {
    const score = Float64Array.from([NaN, 0.1, 0.5, 0.4]);
    expect(topkDropoutDecision([0, 1], score, [1, 2, 3], config)).toEqual({ sell: [0], buy: [2] });
  });
  it('replaces at most nDrop names a day', () => {
    const score = Float64Array.from([0.1, 0.2, 0.9, 0.8, 0.7]);
    expect(topkDropoutDecision([0, 1], score, [0, 1, 2, 3, 4], config)).toEqual({ sell: [0], buy: [2] });
    expect(topkDropoutDecision([0, 1], score, [0, 1, 2, 3, 4], { ...config, nDrop: 2 })).toEqual({ sell: [1, 0], buy: [2, 3] });
  });
  it('breaks ties by instrument order', () => {
    const score = Float64Array.from([0.5, 0.5, 0.5]);
    expect(topkDropoutDecision([], score, [2, 1, 0], config)).toEqual({ sell: [], buy: [0, 1] });
  });
  it('rejects nDrop 0, which qlib would turn into selling everything', () => {
    expect(() => runBacktest({ market, scores: scores(scoreRows), range, benchmark, strategy: { ...strategy, nDrop: 0 }, exchange: CHINA_A_SHARES, initialCash: 1 })).toThrow(/nDrop/);
  });
});

describe('order execution', () => {
  it('rounds down to whole lots of raw shares', () => {
    expect(roundToTradeUnit(950, 1, 100)).toBe(900);
    expect(roundToTradeUnit(1180.45, 0.5, 100)).toBe(1000);
    expect(roundToTradeUnit(199.8, 1, 100)).toBe(100);
    expect(roundToTradeUnit(199.95, 1, 100)).toBe(200); // qlib adds 0.1 share against float error
    expect(roundToTradeUnit(123.4, 1, null)).toBe(123.4);
  });

  it('charges at least the minimum cost', () => {
    expect(dealBuy(100, 20, 1, 1e6, CHINA_A_SHARES)).toEqual({ amount: 100, value: 2000, cost: 5 });
    expect(dealSell(100, 10, 0, CHINA_A_SHARES)).toEqual({ amount: 100, value: 1000, cost: 5 });
    expect(dealBuy(1000, 20, 1, 1e6, CHINA_A_SHARES)).toEqual({ amount: 1000, value: 20000, cost: 10 });
  });

  it('shrinks a buy to what the cash covers after cost', () => {
    // 1000 in cash is below 5 / 0.0005 + 5: the cost will be the minimum, so (1000 - 5) / 20 = 49.75 shares.
    expect(dealBuy(100, 20, 1, 1000, { ...CHINA_A_SHARES, tradeUnit: null })).toEqual({ amount: 49.75, value: 995, cost: 5 });
    // In lots of 100 that is nothing, and nothing costs nothing.
    expect(dealBuy(100, 20, 1, 1000, CHINA_A_SHARES)).toEqual({ amount: 0, value: 0, cost: 0 });
    // Above the critical cash the cost is proportional: 30015 / 1.0005 / 10 = 3000 shares.
    expect(dealBuy(5000, 10, 1, 30015, { ...CHINA_A_SHARES, tradeUnit: null }).amount).toBeCloseTo(3000, 9);
    // Cash below the minimum cost buys nothing.
    expect(dealBuy(100, 20, 1, 4, CHINA_A_SHARES)).toEqual({ amount: 0, value: 0, cost: 0 });
  });
});

describe('benchmark returns', () => {
  it("use the index's own close, 0 where it has no previous close", () => {
    const close = Float64Array.from([NaN, 100, 100, 102, 96.9, 96.9]);
    const r = benchmarkReturns({ kind: 'index', name: 'SH000300', close }, market, new Uint8Array(30).fill(1), { start: 1, end: 6 });
    [0, 0, 0.02, 96.9 / 102 - 1, 0].forEach((v, d) => expect(r[d]).toBeCloseTo(v, 12));
  });

  it('average the close-to-close change over the day’s members without an index', () => {
    const universe = new Uint8Array(30).fill(1);
    universe[B * 6 + 3] = 0; // B is not a member on day 3
    const r = benchmarkReturns({ kind: 'universe-mean' }, market, universe, { start: 2, end: 4 });
    // Day 2: A +5 %, B 0, C +10 %, D +10 %, E 0. Day 3: A 0, C -1/11, D -1/11, E 0 (B excluded).
    expect(r[0]).toBeCloseTo((0.05 + 0 + 0.1 + 0.1 + 0) / 5, 12);
    expect(r[1]).toBeCloseTo((0 - 1 / 11 - 1 / 11 + 0) / 4, 12);
  });
});
