/**
 * QuantaAlpha's functions as their function_lib.py computes them, written
 * out naively (loops over each instrument's own rows, pandas' and numpy's
 * rules spelled out) and independently of our kernels, so the translation
 * tests compare two separate computations.
 *
 * Series are panel-layout arrays (instrument i, day t at i*T+t); an
 * instrument's rows are the days start[i] <= t < end[i], as qlib returns
 * them (a suspended day is a row with NaN).
 */
import type { Panel } from '../../evaluator/panel.js';

type Rows = number[];

/** Applies `f` to each instrument's rows and writes the result back in panel layout (NaN outside the rows). */
export function perInstrument(panel: Panel, series: Float64Array, f: (rows: Rows) => Rows): Float64Array {
  const out = new Float64Array(panel.N * panel.T).fill(NaN);
  for (let i = 0; i < panel.N; i++) {
    const s = panel.start[i]!;
    const e = panel.end[i]!;
    if (s >= e) continue;
    const result = f(Array.from(series.subarray(i * panel.T + s, i * panel.T + e)));
    result.forEach((v, k) => (out[i * panel.T + s + k] = v));
  }
  return out;
}

/** Two series combined row by row within each instrument. */
export function perInstrument2(panel: Panel, a: Float64Array, b: Float64Array, f: (x: Rows, y: Rows) => Rows): Float64Array {
  const out = new Float64Array(panel.N * panel.T).fill(NaN);
  for (let i = 0; i < panel.N; i++) {
    const s = panel.start[i]!;
    const e = panel.end[i]!;
    if (s >= e) continue;
    const rows = (x: Float64Array): Rows => Array.from(x.subarray(i * panel.T + s, i * panel.T + e));
    f(rows(a), rows(b)).forEach((v, k) => (out[i * panel.T + s + k] = v));
  }
  return out;
}

export const map = (x: Float64Array, f: (v: number) => number): Float64Array => x.map(f);
export const zip = (a: Float64Array, b: Float64Array, f: (x: number, y: number) => number): Float64Array => a.map((x, k) => f(x, b[k]!));

/** pandas rolling windows read ±inf as missing (Rolling._prep_values). */
const finite = (xs: Rows): Rows => xs.filter((v) => Number.isFinite(v));
const mean = (xs: Rows): number => xs.reduce((s, v) => s + v, 0) / xs.length;
const sampleVar = (xs: Rows): number => {
  const m = mean(xs);
  return xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1);
};

/** pandas rolling(p, min_periods=1).agg: the window's non-NaN values; NaN when there are none. */
export function rolling(rows: Rows, p: number, agg: (values: Rows, today: number) => number): Rows {
  return rows.map((today, t) => {
    const values = finite(rows.slice(Math.max(0, t - p + 1), t + 1));
    return values.length === 0 ? NaN : agg(values, today);
  });
}

export const rollingMean = (rows: Rows, p: number): Rows => rolling(rows, p, mean);
export const rollingSum = (rows: Rows, p: number): Rows => rolling(rows, p, (v) => v.reduce((s, x) => s + x, 0));
export const rollingStd = (rows: Rows, p: number): Rows => rolling(rows, p, (v) => (v.length < 2 ? NaN : Math.sqrt(sampleVar(v))));
export const rollingVar = (rows: Rows, p: number): Rows => rolling(rows, p, (v) => (v.length < 2 ? NaN : sampleVar(v)));
export const rollingMax = (rows: Rows, p: number): Rows => rolling(rows, p, (v) => Math.max(...v));
export const rollingMin = (rows: Rows, p: number): Rows => rolling(rows, p, (v) => Math.min(...v));

/** Linear-interpolated quantile (numpy / pandas default). */
export function quantile(values: Rows, q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
export const rollingMedian = (rows: Rows, p: number): Rows => rolling(rows, p, (v) => quantile(v, 0.5));
export const rollingQuantile = (rows: Rows, p: number, q: number): Rows => rolling(rows, p, (v) => quantile(v, q));

/** rolling rank(pct=True) of today among the window's values, ties averaged; NaN when today is NaN. */
export const rollingRank = (rows: Rows, p: number): Rows =>
  rolling(rows, p, (v, today) => {
    if (Number.isNaN(today)) return NaN;
    const below = v.filter((x) => x < today).length;
    const equal = v.filter((x) => x === today).length;
    return (below + (equal + 1) / 2) / v.length;
  });

/** shift(p) within the instrument's rows. */
export const shift = (rows: Rows, p: number): Rows => rows.map((_, t) => (t - p >= 0 && t - p < rows.length ? rows[t - p]! : NaN));

/**
 * pandas rolling(p, min_periods=m).apply(f, raw=True): `f` sees the raw
 * window (NaN included) once it holds at least m non-NaN values.
 */
export function rollingApply(rows: Rows, p: number, minPeriods: number, f: (window: Rows) => number): Rows {
  return rows.map((_, t) => {
    const window = rows.slice(Math.max(0, t - p + 1), t + 1);
    return finite(window).length >= minPeriods ? f(window) : NaN;
  });
}

/** DECAYLINEAR: weights 1..p / sum, the first len(window) of them (numpy sum: NaN propagates). */
export function decayLinear(rows: Rows, p: number): Rows {
  const total = (p * (p + 1)) / 2;
  return rollingApply(rows, p, 1, (w) => w.reduce((s, v, k) => s + (v * (k + 1)) / total, 0));
}

/** WMA: weights [0.9^(p-1), ..., 0.9^0], the first len(window) of them, normalised by their sum. */
export function wma(rows: Rows, p: number): Rows {
  const weights = Array.from({ length: p }, (_, k) => 0.9 ** (p - 1 - k));
  return rollingApply(rows, p, 1, (w) => {
    const ws = weights.slice(0, w.length);
    return w.reduce((s, v, k) => s + v * ws[k]!, 0) / ws.reduce((s, v) => s + v, 0);
  });
}

/** TS_CORR(x, SEQUENCE(m)): their corr(window) against 1..len(window), min_periods=2; 0 when either side is flat. */
export function corrWithSequence(rows: Rows, m: number): Rows {
  return rollingApply(rows, m, 2, (w) => {
    const t = w.map((_, k) => k + 1);
    const mx = mean(w);
    const mt = mean(t);
    const cov = w.reduce((s, v, k) => s + (v - mx) * (t[k]! - mt), 0);
    const sx = Math.sqrt(w.reduce((s, v) => s + (v - mx) ** 2, 0));
    const st = Math.sqrt(t.reduce((s, v) => s + (v - mt) ** 2, 0));
    if (sx === 0 || st === 0) return 0;
    return cov / (sx * st);
  });
}

/** TS_COVARIANCE(x, SEQUENCE(m)): np.cov(window, 1..len)[0, 1], min_periods=2. */
export function covWithSequence(rows: Rows, m: number): Rows {
  return rollingApply(rows, m, 2, (w) => {
    const t = w.map((_, k) => k + 1);
    const mx = mean(w);
    const mt = mean(t);
    return w.reduce((s, v, k) => s + (v - mx) * (t[k]! - mt), 0) / (w.length - 1);
  });
}

/** Pairwise-complete rolling statistic of two series (pandas rolling cov/corr), min_periods=2. */
function rollingPair(x: Rows, y: Rows, p: number, f: (a: Rows, b: Rows) => number): Rows {
  return x.map((_, t) => {
    const a: Rows = [];
    const b: Rows = [];
    for (let k = Math.max(0, t - p + 1); k <= t; k++) {
      if (Number.isFinite(x[k]!) && Number.isFinite(y[k]!)) {
        a.push(x[k]!);
        b.push(y[k]!);
      }
    }
    return a.length < 2 ? NaN : f(a, b);
  });
}
const covariance = (a: Rows, b: Rows): number => {
  const ma = mean(a);
  const mb = mean(b);
  return a.reduce((s, v, k) => s + (v - ma) * (b[k]! - mb), 0) / (a.length - 1);
};
export const rollingCorr = (x: Rows, y: Rows, p: number): Rows => rollingPair(x, y, p, (a, b) => covariance(a, b) / Math.sqrt(sampleVar(a) * sampleVar(b)));
export const rollingCov = (x: Rows, y: Rows, p: number): Rows => rollingPair(x, y, p, covariance);

/** OLS of y on x with an intercept: [slope, intercept]. */
function ols(y: Rows, x: Rows): [number, number] {
  const mx = mean(x);
  const my = mean(y);
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  const sxy = x.reduce((s, v, k) => s + (v - mx) * (y[k]! - my), 0);
  const slope = sxy / sxx;
  return [slope, my - slope * mx];
}

/**
 * Their rolling_beta / rolling_residuals: inputs filled with 0, missing
 * before the window is full; `x` null means SEQUENCE (x = 1..p).
 */
export function regression(y: Rows, x: Rows | null, p: number, what: 'beta' | 'residual'): Rows {
  const yf = y.map((v) => (Number.isNaN(v) ? 0 : v));
  const xf = x?.map((v) => (Number.isNaN(v) ? 0 : v));
  return yf.map((_, t) => {
    if (t < p - 1) return NaN;
    const wy = yf.slice(t - p + 1, t + 1);
    const wx = xf ? xf.slice(t - p + 1, t + 1) : wy.map((_, k) => k + 1);
    const [b, a] = ols(wy, wx);
    return what === 'beta' ? b : wy[p - 1]! - (b * wx[p - 1]! + a);
  });
}

/** scipy.stats skew / kurtosis (biased, nan_policy='omit') over rolling windows, as their TS_SKEW / TS_KURT. */
export function biasedMoment(rows: Rows, p: number, which: 'skew' | 'kurt'): Rows {
  const need = which === 'skew' ? 3 : 4;
  return rollingApply(rows, p, Math.min(need, p), (w) => {
    const v = finite(w);
    if (v.length < need) return NaN;
    const m = mean(v);
    const m2 = mean(v.map((x) => (x - m) ** 2));
    if (which === 'skew') return mean(v.map((x) => (x - m) ** 3)) / m2 ** 1.5;
    return mean(v.map((x) => (x - m) ** 4)) / m2 ** 2 - 3;
  });
}

/** numpy argmax / argmin: the first NaN wins if there is one. */
function argExtreme(w: Rows, sign: 1 | -1): number {
  const nan = w.findIndex((v) => Number.isNaN(v));
  if (nan !== -1) return nan;
  let best = 0;
  for (let k = 1; k < w.length; k++) if (sign * w[k]! > sign * w[best]!) best = k;
  return best;
}
/** TS_ARGMAX: len(window) - argmax - 1; HIGHDAY: len(window) - argmax. */
export const daysSinceMax = (rows: Rows, p: number, plusOne: boolean): Rows => rollingApply(rows, p, 1, (w) => w.length - argExtreme(w, 1) - (plusOne ? 0 : 1));
export const daysSinceMin = (rows: Rows, p: number, plusOne: boolean): Rows => rollingApply(rows, p, 1, (w) => w.length - argExtreme(w, -1) - (plusOne ? 0 : 1));

/**
 * pandas ewm(alpha, adjust=True, ignore_na=False).mean(), as its loop runs:
 * old weights decay by (1 - alpha) every row (missing rows too), a present
 * value joins with weight 1, a missing row repeats the last average.
 */
export function ewmMean(rows: Rows, alpha: number): Rows {
  let average = NaN;
  let oldWeight = 1;
  return rows.map((value, t) => {
    const present = !Number.isNaN(value);
    if (t === 0 || Number.isNaN(average)) {
      if (present) {
        average = value;
        oldWeight = 1;
      }
      return average;
    }
    oldWeight *= 1 - alpha;
    if (present) {
      average = (oldWeight * average + value) / (oldWeight + 1);
      oldWeight += 1;
    }
    return average;
  });
}
export const ewmSpan = (rows: Rows, span: number): Rows => ewmMean(rows, 2 / (span + 1));

/** pct_change(p, fill_method=None).fillna(0). */
export const pctChangeFilled = (rows: Rows, p: number): Rows =>
  rows.map((v, t) => {
    const before = t - p >= 0 ? rows[t - p]! : NaN;
    const change = v / before - 1;
    return Number.isNaN(change) ? 0 : change;
  });

/** RSI as function_lib: EMA(up, n) / EMA(down, n) of the one-day changes. */
export function rsi(rows: Rows, n: number): Rows {
  const d = rows.map((v, t) => (t >= 1 ? v - rows[t - 1]! : NaN));
  const up = d.map((v) => (v > 0 ? v : Number.isNaN(v) ? NaN : 0));
  const down = d.map((v) => (v < 0 ? -v : Number.isNaN(v) ? NaN : 0));
  const eu = ewmSpan(up, n);
  const ed = ewmSpan(down, n);
  return eu.map((u, t) => 100 - 100 / (1 + u / ed[t]!));
}

// ---- per day, across instruments (their data file's instruments: every one with a row that day) ----

function perDay(panel: Panel, x: Float64Array, f: (values: Rows, v: number) => number): Float64Array {
  const out = new Float64Array(panel.N * panel.T).fill(NaN);
  for (let t = 0; t < panel.T; t++) {
    const rows: number[] = [];
    for (let i = 0; i < panel.N; i++) if (panel.start[i]! <= t && t < panel.end[i]!) rows.push(i);
    const values = finite(rows.map((i) => x[i * panel.T + t]!));
    for (const i of rows) out[i * panel.T + t] = f(values, x[i * panel.T + t]!);
  }
  return out;
}

/** groupby('datetime').rank(pct=True). */
export const csRank = (panel: Panel, x: Float64Array): Float64Array =>
  perDay(panel, x, (values, v) => (Number.isNaN(v) ? NaN : (values.filter((u) => u < v).length + (values.filter((u) => u === v).length + 1) / 2) / values.length));
/** (x - mean) / std (ddof=1) per day. */
export const csZScore = (panel: Panel, x: Float64Array): Float64Array => perDay(panel, x, (values, v) => (v - mean(values)) / Math.sqrt(sampleVar(values)));
/** groupby('datetime').mean(), given to every instrument with a row that day. */
export const csMean = (panel: Panel, x: Float64Array): Float64Array => perDay(panel, x, (values) => (values.length === 0 ? NaN : mean(values)));
/** x / sum |x| per day. */
export const csScale = (panel: Panel, x: Float64Array): Float64Array => perDay(panel, x, (values, v) => v / values.reduce((s, u) => s + Math.abs(u), 0));
