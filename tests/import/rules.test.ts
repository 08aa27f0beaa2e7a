/**
 * Every translation rule of the QuantaAlpha table, checked by evaluating
 * both sides on a small market: our translation through our engine, and
 * QuantaAlpha's function as their function_lib.py computes it, written out
 * independently (theirSemantics.ts). Each rule is held to the exactness it
 * claims: `exact` on every cell, `present` wherever ours has a value,
 * `full-window` on every cell whose window is full of present values.
 */
import { describe, expect, it } from 'vitest';
import { QA_FUNCTIONS, importExpression, type Exactness } from '../../agents/importers/index.js';
import { evaluate, smallMarket, N, T } from './market.js';
import * as their from './theirSemantics.js';

const market = smallMarket();
const { open, high, low, close, volume } = market.fields as Record<string, Float64Array>;

/** Their functions the cases below translate: every mapped one must be among them. */
const exercised = new Set<string>();

function translate(source: string): { values: Float64Array; exactness: Exactness; expression: string } {
  const result = importExpression(source);
  if (result.status !== 'parse_error') for (const f of result.functions) exercised.add(f);
  if (result.status !== 'translated') {
    throw new Error(`${source}: ${result.status === 'parse_error' ? result.problem.message : result.problems.map((p) => p.message).join('; ')}`);
  }
  return { values: evaluate(market, result.compiled.ast), exactness: result.exactness, expression: result.compiled.canonical };
}

const close_ = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function cells(f: (k: number) => void): void {
  for (let i = 0; i < N; i++) for (let t = 0; t < T; t++) f(i * T + t);
}

/** Both sides equal (missing where the other is missing) on every cell; `least` of them finite. */
function expectExact(source: string, theirs: Float64Array, least = 0.5): void {
  const ours = translate(source);
  expect(ours.exactness, source).toBe('exact');
  let finite = 0;
  cells((k) => {
    if (!close_(ours.values[k]!, theirs[k]!)) expect.fail(`${source} -> ${ours.expression}: cell ${k} ours ${ours.values[k]} theirs ${theirs[k]}`);
    if (Number.isFinite(theirs[k]!)) finite++;
  });
  expect(finite, `${source}: enough values to compare`).toBeGreaterThan(N * T * least);
}

/** Equal wherever ours has a value; where ours is missing theirs holds `filled(k)`'s value (or is missing too). */
function expectPresent(source: string, theirs: Float64Array, filled: (k: number) => number): void {
  const ours = translate(source);
  expect(ours.exactness, source).toBe('present');
  let compared = 0;
  let differing = 0;
  cells((k) => {
    const o = ours.values[k]!;
    if (Number.isNaN(o)) {
      if (!Number.isNaN(theirs[k]!)) {
        differing++;
        if (!close_(theirs[k]!, filled(k))) expect.fail(`${source}: cell ${k} ours missing, theirs ${theirs[k]} (expected the fill ${filled(k)})`);
      }
      return;
    }
    compared++;
    if (!close_(o, theirs[k]!)) expect.fail(`${source} -> ${ours.expression}: cell ${k} ours ${o} theirs ${theirs[k]}`);
  });
  expect(compared, `${source}: enough values to compare`).toBeGreaterThan(N * T * 0.5);
  expect(differing, `${source}: the rule is 'present', not exact: some cell is filled only on their side`).toBeGreaterThan(0);
}

/** Cells whose last `p` rows are all inside the instrument's rows and present in every input. */
function fullWindows(p: number, inputs: readonly Float64Array[]): (k: number) => boolean {
  return (k) => {
    const i = Math.floor(k / T);
    const t = k % T;
    if (t - p + 1 < market.start[i]! || t >= market.end[i]!) return false;
    for (let d = t - p + 1; d <= t; d++) for (const x of inputs) if (Number.isNaN(x[i * T + d]!)) return false;
    return true;
  };
}

/** Equal on full windows, except cells `skip` excludes (flat windows, where a note says they differ). */
function expectFullWindow(source: string, theirs: Float64Array, full: (k: number) => boolean, skip: (k: number) => boolean = () => false): void {
  const ours = translate(source);
  expect(ours.exactness, source).toBe('full-window');
  let compared = 0;
  cells((k) => {
    if (!full(k) || skip(k)) return;
    compared++;
    if (!close_(ours.values[k]!, theirs[k]!)) expect.fail(`${source} -> ${ours.expression}: cell ${k} ours ${ours.values[k]} theirs ${theirs[k]}`);
  });
  expect(compared, `${source}: enough full windows to compare`).toBeGreaterThan(N * T * 0.4);
}

const per = (x: Float64Array, f: (rows: number[]) => number[]): Float64Array => their.perInstrument(market, x, f);
const per2 = (x: Float64Array, y: Float64Array, f: (a: number[], b: number[]) => number[]): Float64Array => their.perInstrument2(market, x, y, f);
const bool = (b: boolean): number => (b ? 1 : 0);
/** A comparison as pandas gives it: False when either side is missing. */
const gt = (a: Float64Array, b: Float64Array): Float64Array => their.zip(a, b, (x, y) => bool(x > y));
/** The instrument's cells (NaN outside its rows, as every series). */
const inRows = (x: Float64Array): Float64Array => per(x, (rows) => rows);
/** Flat close windows of instrument 2 (days 20..29 repeat day 19's close). */
const flatClose = (p: number) => (k: number): boolean => {
  const t = k % T;
  return Math.floor(k / T) === 2 && t - p + 1 >= 19 && t <= 29;
};

describe('cross-sectional functions', () => {
  it('RANK is the per-day percentile rank (ties averaged)', () => expectExact('RANK($close)', their.csRank(market, close)));
  it('ZSCORE is the per-day z-score with ddof=1', () => expectExact('ZSCORE($volume)', their.csZScore(market, volume)));
  it('SCALE divides by the day\'s sum of absolute values', () => {
    const change = per(close, (c) => c.map((v, t) => v - (t >= 1 ? c[t - 1]! : NaN)));
    expectExact('SCALE($close - DELAY($close, 1))', their.csScale(market, change));
  });
  it('MEAN is the day\'s mean, equal where the instrument has a value', () => {
    const theirs = their.csMean(market, close);
    expectPresent('MEAN($close)', theirs, (k) => theirs[k]!);
  });
});

describe('rolling functions (min_periods=1, like ours)', () => {
  const cases: readonly [string, (rows: number[]) => number[]][] = [
    ['TS_MEAN($close, 5)', (r) => their.rollingMean(r, 5)],
    ['TS_MEAN($close)', (r) => their.rollingMean(r, 5)],
    ['TS_SUM($close, 7)', (r) => their.rollingSum(r, 7)],
    ['SUMAC($close, 7)', (r) => their.rollingSum(r, 7)],
    ['TS_STD($close, 5)', (r) => their.rollingStd(r, 5)],
    ['TS_STD($close)', (r) => their.rollingStd(r, 20)],
    ['TS_VAR($close, 6)', (r) => their.rollingVar(r, 6)],
    ['TS_MAX($close, 4)', (r) => their.rollingMax(r, 4)],
    ['TS_MIN($close, 4)', (r) => their.rollingMin(r, 4)],
    ['TS_MEDIAN($close, 6)', (r) => their.rollingMedian(r, 6)],
    ['TS_RANK($close, 8)', (r) => their.rollingRank(r, 8)],
    ['TS_QUANTILE($close, 10, 0.8)', (r) => their.rollingQuantile(r, 10, 0.8)],
    ['TS_QUANTILE($close, 0.8, 10)', (r) => their.rollingQuantile(r, 10, 0.8)], // their swap of a fractional window
    ['PERCENTILE($close, 0.3, 9)', (r) => their.rollingQuantile(r, 9, 0.3)],
    ['BB_MIDDLE($close, 5)', (r) => their.rollingMean(r, 5)],
    ['BB_UPPER($close, 5)', (r) => their.rollingMean(r, 5).map((m, t) => m + their.rollingStd(r, 5)[t]!)],
    ['BB_LOWER($close, 5)', (r) => their.rollingMean(r, 5).map((m, t) => m - their.rollingStd(r, 5)[t]!)],
    ['SMA($close, 5)', (r) => their.rollingMean(r, 5)],
    ['TS_ZSCORE($close, 6)', (r) => r.map((v, t) => (v - their.rollingMean(r, 6)[t]!) / their.rollingStd(r, 6)[t]!)],
  ];
  for (const [source, f] of cases) it(`${source} is exact`, () => expectExact(source, per(close, f)));

  it('TS_SKEW and TS_KURT are the biased moments on full windows (a flat window: 0 and -3-based here, missing there)', () => {
    expectFullWindow('TS_SKEW($close, 6)', per(close, (r) => their.biasedMoment(r, 6, 'skew')), fullWindows(6, [close]), flatClose(6));
    expectFullWindow('TS_KURT($close, 7)', per(close, (r) => their.biasedMoment(r, 7, 'kurt')), fullWindows(7, [close]), flatClose(7));
  });

  it('TS_ARGMAX, TS_ARGMIN, HIGHDAY, LOWDAY count days from the window end on full windows', () => {
    const full = fullWindows(5, [close]);
    expectFullWindow('TS_ARGMAX($close, 5)', per(close, (r) => their.daysSinceMax(r, 5, false)), full);
    expectFullWindow('TS_ARGMIN($close, 5)', per(close, (r) => their.daysSinceMin(r, 5, false)), full);
    expectFullWindow('HIGHDAY($close, 5)', per(close, (r) => their.daysSinceMax(r, 5, true)), full);
    expectFullWindow('LOWDAY($close, 5)', per(close, (r) => their.daysSinceMin(r, 5, true)), full);
  });
});

describe('shifts and changes', () => {
  it('DELAY and DELTA are pandas shift and diff (p = 0 included)', () => {
    expectExact('DELAY($close, 3)', per(close, (r) => their.shift(r, 3)));
    expectExact('DELAY($close)', per(close, (r) => their.shift(r, 1)));
    expectExact('DELAY($close, 0)', inRows(close));
    expectExact('DELTA($close, 2)', per(close, (r) => r.map((v, t) => v - their.shift(r, 2)[t]!)));
    expectExact('DELTA($close, 0) + $close', per(close, (r) => r.map((v) => v - v + v)));
  });

  it('TS_PCTCHANGE fills missing changes with 0 on their side only', () => {
    expectPresent('TS_PCTCHANGE($close, 3)', per(close, (r) => their.pctChangeFilled(r, 3)), () => 0);
  });

  it('$return is the close-to-close change; their first day (and suspensions) hold 0', () => {
    expectPresent('$return', per(close, (r) => their.pctChangeFilled(r, 1)), () => 0);
  });
});

describe('pairs and regressions', () => {
  it('TS_CORR of two series is pandas rolling corr on full windows, small-scale series included', () => {
    expectFullWindow('TS_CORR($close, $volume, 8)', per2(close, volume, (a, b) => their.rollingCorr(a, b, 8)), fullWindows(8, [close, volume]));
    // Values around 1e-7: qlib's flat-window mask (std below 2e-5) would leave our Corr missing everywhere; pandas does not care about scale.
    const tiny = their.zip(their.zip(high, low, (h, l) => h - l), volume, (range, v) => range / (v + 1) / 1000);
    expectFullWindow('TS_CORR(($high - $low) / ($volume + 1) / 1000, $volume, 8)', per2(tiny, volume, (a, b) => their.rollingCorr(a, b, 8)), fullWindows(8, [tiny, volume]));
  });

  it('TS_CORR against SEQUENCE(m) uses m as the window and equals theirs on full windows; a flat window is 0 there, missing here', () => {
    const theirs = per(close, (r) => their.corrWithSequence(r, 6));
    // Their p (10) is replaced by the sequence's length (6).
    expectFullWindow('TS_CORR($close, SEQUENCE(6), 10)', theirs, fullWindows(6, [close]), flatClose(6));
    const ours = translate('TS_CORR($close, SEQUENCE(6), 10)').values;
    const flat = flatClose(6);
    cells((k) => {
      if (flat(k)) {
        expect(theirs[k]).toBe(0);
        expect(ours[k]).toBeNaN();
      }
    });
  });

  it('TS_COVARIANCE: pandas rolling cov exactly; against SEQUENCE on full windows', () => {
    expectExact('TS_COVARIANCE($close, $volume, 8)', per2(close, volume, (a, b) => their.rollingCov(a, b, 8)));
    expectFullWindow('TS_COVARIANCE($close, SEQUENCE(6), 6)', per(close, (r) => their.covWithSequence(r, 6)), fullWindows(6, [close]));
  });

  it('REGBETA / REGRESI on SEQUENCE(n) are Slope / Resi on full windows', () => {
    const full = fullWindows(6, [close]);
    expectFullWindow('REGBETA($close, SEQUENCE(6), 6)', per(close, (r) => their.regression(r, null, 6, 'beta')), full);
    expectFullWindow('REGRESI($close, SEQUENCE(6), 6)', per(close, (r) => their.regression(r, null, 6, 'residual')), full);
    // A longer sequence: their code uses its first p values.
    expectFullWindow('REGBETA($close, SEQUENCE(9), 6)', per(close, (r) => their.regression(r, null, 6, 'beta')), full);
    // Sequence first: their code swaps the arguments and takes min(n, p) as the window.
    expectFullWindow('REGBETA(SEQUENCE(6), $close, 8)', per(close, (r) => their.regression(r, null, 6, 'beta')), full);
  });

  it('REGBETA / REGRESI of two series are the OLS slope and residual on full windows', () => {
    const full = fullWindows(7, [close, volume]);
    expectFullWindow('REGBETA($close, $volume, 7)', per2(close, volume, (a, b) => their.regression(a, b, 7, 'beta')), full);
    expectFullWindow('REGRESI($close, $volume, 7)', per2(close, volume, (a, b) => their.regression(a, b, 7, 'residual')), full);
  });
});

describe('weighted averages', () => {
  it('DECAYLINEAR(x, p) is p * WMA(x, p) on full windows', () => {
    expectFullWindow('DECAYLINEAR($close, 5)', per(close, (r) => their.decayLinear(r, 5)), fullWindows(5, [close]));
  });

  it('WMA with weights 0.9^k on full windows', () => {
    expectFullWindow('WMA($close, 5)', per(close, (r) => their.wma(r, 5)), fullWindows(5, [close]));
  });

  it('EMA, SMA(x, m, n), MACD and RSI are pandas ewm with adjust=True', () => {
    expectExact('EMA($close, 5)', per(close, (r) => their.ewmSpan(r, 5)));
    expectExact('EMA($close, 5.7)', per(close, (r) => their.ewmSpan(r, 5))); // int(5.7)
    expectExact('SMA($close, 10, 3)', per(close, (r) => their.ewmMean(r, 0.3)));
    expectExact('SMA($close, 4, 4)', per(close, (r) => their.ewmMean(r, 1)));
    expectExact('MACD($close, 3, 7)', per(close, (r) => their.ewmSpan(r, 3).map((a, t) => a - their.ewmSpan(r, 7)[t]!)));
    expectExact('RSI($close, 6)', per(close, (r) => their.rsi(r, 6)));
  });
});

describe('conditions and element-wise functions', () => {
  const up = gt(close, open);
  it('COUNT sums the condition; SUMIF sums x where it holds; FILTER zeroes x elsewhere', () => {
    const rising = per(close, (r) => r.map((v, t) => bool(v > (t >= 1 ? r[t - 1]! : NaN))));
    expectExact('COUNT($close > DELAY($close, 1), 5)', per(rising, (r) => their.rollingSum(r, 5)));
    expectExact('SUMIF($volume, 5, $close > $open)', per(their.zip(volume, up, (v, c) => v * c), (r) => their.rollingSum(r, 5)));
    expectExact('FILTER($volume, $close > $open)', their.zip(volume, up, (v, c) => v * c));
  });

  it('WHERE and ?: pick by the condition (a comparison with a missing side is false)', () => {
    const picked = inRows(close.map((_, k) => (up[k] === 1 ? high[k]! : low[k]!)));
    expectExact('WHERE($close > $open, $high, $low)', picked);
    expectExact('$close > $open ? $high : $low', picked);
  });

  it('LOG is log(x + 1), SQRT, INV, POW, ABS, SIGN as numpy', () => {
    expectExact('LOG($volume)', their.map(volume, (v) => Math.log(v + 1)));
    expect(translate('LOG($volume)').expression).toBe('Log($volume + 1)');
    expectExact('SQRT($close - $open)', their.zip(close, open, (c, o) => Math.sqrt(c - o)), 0.3); // negative differences are missing on both sides
    expectExact('INV($close - $open)', their.zip(close, open, (c, o) => 1 / (c - o)));
    expectExact('POW($close, 2)', their.map(close, (c) => c ** 2));
    expectExact('POW(2, 3) * $close', their.map(close, (c) => 8 * c));
    expectExact('ABS($close - $open)', their.zip(close, open, (c, o) => Math.abs(c - o)));
    expectExact('SIGN($close - $open)', their.zip(close, open, (c, o) => Math.sign(c - o)));
  });

  it('MAX and MIN of 2 or 3 series are element-wise, missing if any is', () => {
    const max3 = their.zip(their.zip(open, close, (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b))), high, (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)));
    expectExact('MAX($open, $close, $high)', max3);
    expectExact('MIN($open, $close)', their.zip(open, close, (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b))));
  });

  it('infix arithmetic, comparisons and logic follow their precedence; && and || treat a missing operand as true', () => {
    // (close > open && volume > 1000) || high == low, as pandas booleans.
    const theirs = inRows(
      their.zip(their.zip(up, their.map(volume, (v) => bool(v > 1000)), (a, b) => bool(a === 1 && b === 1)), their.zip(high, low, (h, l) => bool(h === l)), (a, b) => bool(a === 1 || b === 1)),
    );
    expectExact('$close > $open && $volume > 1000 || $high == $low', theirs);
    expectExact('$close > $open & $volume > 1000 | $high == $low', theirs);
    expectExact('-$close + 2 * $open / 4 - 1', their.zip(close, open, (c, o) => -c + (2 * o) / 4 - 1));
    expectExact('MULTIPLY(ADD($close, 1), SUBTRACT($open, DIVIDE($high, 2)))', their.zip(their.zip(close, open, (c, o) => (c + 1) * o), their.zip(close, high, (c, h) => (c + 1) * (h / 2)), (a, b) => a - b));
    expectExact('TRUE * $close + FALSE', inRows(close));
  });

  it('the function forms of their operators are the operators (NE is true when a side is missing)', () => {
    const theirs = inRows(
      close.map((c, k) => {
        const [o, v, h, l] = [open[k]!, volume[k]!, high[k]!, low[k]!];
        return bool(c > o && (v < 1000 || h >= l)) + bool(c <= o) + bool(h === l) + bool(h !== l);
      }),
    );
    expectExact('AND(GT($close, $open), OR(LT($volume, 1000), GE($high, $low))) + LE($close, $open) + EQ($high, $low) + NE($high, $low)', theirs);
  });
});

describe('hand-computed values', () => {
  /** Our values of `source` on one instrument over 4 days whose every field is `values`. */
  function line(values: number[]): (source: string) => Float64Array {
    const base = smallMarket();
    const series = Float64Array.from(values);
    const panel = {
      ...base,
      T: 4,
      N: 1,
      start: Int32Array.from([0]),
      end: Int32Array.from([4]),
      calendar: base.calendar.slice(0, 4),
      symbols: ['A'],
      fields: Object.fromEntries(Object.keys(base.fields).map((f) => [f, series])),
      universes: { all: { name: 'all', mask: Uint8Array.from([1, 1, 1, 1]) } },
    };
    return (source) => {
      const r = importExpression(source);
      if (r.status !== 'translated') throw new Error(source);
      return evaluate(panel, r.compiled.ast);
    };
  }

  it('DECAYLINEAR(x, 3) on 1, 2, 4 is (1*1 + 2*2 + 3*4)/6', () => {
    const values = line([1, 2, 4, 8]);
    expect(values('DECAYLINEAR($close, 3)')[2]).toBeCloseTo(17 / 6, 12);
    expect(values('DECAYLINEAR($close, 3)')[3]).toBeCloseTo((2 + 8 + 24) / 6, 12);
  });

  it('LOG(e - 1) is 1; TS_CORR of a straight line with SEQUENCE is 1; REGBETA of 1, 2, 4, 8 on SEQUENCE(3) is the slope (8-2)/2', () => {
    const values = line([Math.E - 1, 2, 4, 8]);
    expect(values('LOG($close)')[0]).toBeCloseTo(1, 14);
    const straight = line([3, 5, 7, 9]);
    expect(straight('TS_CORR($close, SEQUENCE(3), 3)')[3]).toBeCloseTo(1, 12);
    const doubling = line([1, 2, 4, 8]);
    expect(doubling('REGBETA($close, SEQUENCE(3), 3)')[3]).toBeCloseTo(3, 12);
    // 2, 4, 8 on 1, 2, 3: slope 3, intercept 14/3 - 3*2, fitted 23/3 at 3.
    expect(doubling('REGRESI($close, SEQUENCE(3), 3)')[3]).toBeCloseTo(8 - 23 / 3, 12);
  });
});

describe('coverage of the table', () => {
  it('checks every function the table maps (this file runs its cases in order, so all have run)', () => {
    const mapped = [...QA_FUNCTIONS.values()].filter((f) => f.translate !== null && f.name !== 'SEQUENCE').map((f) => f.name);
    expect(mapped.filter((name) => !exercised.has(name))).toEqual([]);
  });
});
