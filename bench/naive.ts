/**
 * The straightforward baseline the benchmark compares against: every node of
 * every factor evaluated on its own (no shared subexpressions, no fusion),
 * element-wise operators one array each, and every rolling window
 * recomputed from scratch: O(window) per day, the loop anyone writes first.
 * Same semantics as the kernels for the operators Alpha158 uses (finite
 * values count, min_periods=1, qlib's flatness masks), so its values can be
 * compared with the engine's.
 */

import type { Node } from '../operators/ast.js';
import type { Panel } from '../evaluator/panel.js';

type Value = Float64Array | number;
type WindowStat = (w: readonly number[], positions: readonly number[], today: number, todayFinite: boolean) => number;

const finite = (v: number): boolean => Number.isFinite(v);

const ELEMENTWISE: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Greater: (a, b) => Math.max(a, b),
  Less: (a, b) => Math.min(a, b),
  Gt: (a, b) => (a > b ? 1 : 0),
  Lt: (a, b) => (a < b ? 1 : 0),
  Ge: (a, b) => (a >= b ? 1 : 0),
  Le: (a, b) => (a <= b ? 1 : 0),
  Abs: (a) => Math.abs(a),
  Log: (a) => Math.log(a),
  Power: (a, b) => Math.pow(a, b),
};

const mean = (w: readonly number[]): number => w.reduce((s, v) => s + v, 0) / w.length;
function variance(w: readonly number[]): number {
  if (w.length < 2) return NaN;
  const m = mean(w);
  return w.reduce((s, v) => s + (v - m) * (v - m), 0) / (w.length - 1);
}
function quantile(w: readonly number[], q: number): number {
  if (w.length === 0) return NaN;
  const s = [...w].sort((a, b) => a - b);
  const p = q * (s.length - 1), k = Math.floor(p);
  return k === p ? s[k]! : s[k]! + (s[k + 1]! - s[k]!) * (p - k);
}
/** Least squares of the window's values on their positions: [slope, intercept at mean position, r^2 numerator parts]. */
function regression(w: readonly number[], p: readonly number[]): { slope: number; my: number; mp: number; r2: number } {
  const mp = mean(p), my = mean(w);
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < w.length; k++) {
    sxy += (p[k]! - mp) * (w[k]! - my);
    sxx += (p[k]! - mp) ** 2;
    syy += (w[k]! - my) ** 2;
  }
  return { slope: sxy / sxx, my, mp, r2: (sxy * sxy) / (sxx * syy) };
}
const allEqual = (w: readonly number[]): boolean => w.every((v) => v === w[0]);

const ROLLING: Record<string, WindowStat> = {
  Mean: (w) => (w.length ? mean(w) : NaN),
  Sum: (w) => (w.length ? w.reduce((s, v) => s + v, 0) : NaN),
  Std: (w) => (allEqual(w) && w.length >= 2 ? 0 : Math.sqrt(variance(w))),
  Var: (w) => (allEqual(w) && w.length >= 2 ? 0 : variance(w)),
  Max: (w) => (w.length ? Math.max(...w) : NaN),
  Min: (w) => (w.length ? Math.min(...w) : NaN),
  Slope: (w, p) => (w.length < 2 ? NaN : allEqual(w) ? 0 : regression(w, p).slope),
  Rsquare: (w, p) => {
    if (w.length < 2 || allEqual(w) || Math.sqrt(variance(w)) <= 2e-5) return NaN;
    return regression(w, p).r2;
  },
  Resi: (w, p, today, todayFinite) => {
    if (w.length < 2 || !todayFinite) return NaN;
    if (allEqual(w)) return 0;
    const r = regression(w, p);
    return today - (r.my + r.slope * (p[p.length - 1]! - r.mp));
  },
  Rank: (w, _p, today, todayFinite) => {
    if (!todayFinite) return NaN;
    let less = 0, equal = 0;
    for (const v of w) {
      if (v < today) less++;
      else if (v === today) equal++;
    }
    return (2 * less + equal + 1) / 2 / w.length;
  },
};

/** Evaluates one factor the straightforward way (cross-sectional operators are not in this baseline). */
export function naiveEvaluate(panel: Panel, node: Node): Float64Array {
  const from = 0, to = panel.N;
  const { N, T, start, end } = panel;
  const inRange = (i: number): [number, number] => [i * T + start[i]!, i * T + Math.max(start[i]!, end[i]!)];
  const evaluate = (n: Node): Value => {
    if (n.kind === 'number') return n.value;
    if (n.kind === 'field') return panel.fields[n.name]!;
    const args = n.args.map(evaluate);
    const out = new Float64Array(N * T).fill(NaN);
    const op = n.op;
    const x = args[0] as Float64Array;
    const at = (a: Value, k: number): number => (typeof a === 'number' ? a : a[k]!);
    if (op in ELEMENTWISE && (op !== 'Power' || typeof args[1] === 'number')) {
      const f = ELEMENTWISE[op]!;
      for (let i = from; i < to; i++) {
        const [lo, hi] = inRange(i);
        for (let k = lo; k < hi; k++) out[k] = f(at(args[0]!, k), at(args[1] ?? 0, k));
      }
      return out;
    }
    const window = args[args.length - (op === 'Quantile' ? 2 : 1)] as number;
    for (let i = from; i < to; i++) {
      const [lo, hi] = inRange(i);
      for (let t = lo; t < hi; t++) {
        const w0 = window === 0 ? lo : Math.max(lo, t - window + 1);
        if (op === 'Ref') {
          out[t] = window === 0 ? x[lo]! : t - window >= lo ? x[t - window]! : NaN;
          continue;
        }
        if (op === 'Corr') {
          out[t] = naiveCorr(x, args[1] as Float64Array, w0, t);
          continue;
        }
        if (op === 'IdxMax' || op === 'IdxMin') {
          out[t] = naiveArgExtreme(x, w0, t, op === 'IdxMax' ? 1 : -1);
          continue;
        }
        const values: number[] = [];
        const positions: number[] = [];
        for (let k = w0; k <= t; k++) {
          if (!finite(x[k]!)) continue;
          values.push(x[k]!);
          positions.push(k - w0 + 1);
        }
        if (op === 'Quantile') out[t] = quantile(values, args[2] as number);
        else {
          const stat = ROLLING[op];
          if (!stat) throw new Error(`naive baseline: ${op} is not implemented`);
          out[t] = stat(values, positions, x[t]!, finite(x[t]!));
        }
      }
    }
    return out;
  };
  const result = evaluate(node);
  if (typeof result === 'number') throw new Error('naive baseline: a constant is not a factor');
  return result;
}

/** numpy argmax/argmin + 1 over the window: the first missing day wins, else the first extreme. */
function naiveArgExtreme(x: Float64Array, w0: number, t: number, sign: number): number {
  let best = -1;
  for (let k = w0; k <= t; k++) {
    if (!finite(x[k]!)) continue;
    if (best < 0 || sign * x[k]! > sign * x[best]!) best = k;
  }
  if (best < 0) return NaN;
  for (let k = w0; k <= t; k++) if (!finite(x[k]!)) return k - w0 + 1;
  return best - w0 + 1;
}

/** Pearson correlation over the days both are finite; NaN where either's own std is within 2e-5 of 0 (qlib). */
function naiveCorr(a: Float64Array, b: Float64Array, w0: number, t: number): number {
  const own = (x: Float64Array): number[] => {
    const w: number[] = [];
    for (let k = w0; k <= t; k++) if (finite(x[k]!)) w.push(x[k]!);
    return w;
  };
  const wa = own(a), wb = own(b);
  const flat = (w: number[]): boolean => w.length >= 2 && (allEqual(w) || Math.sqrt(variance(w)) <= 2e-5);
  if (flat(wa) || flat(wb)) return NaN;
  const pa: number[] = [], pb: number[] = [];
  for (let k = w0; k <= t; k++) {
    if (finite(a[k]!) && finite(b[k]!)) {
      pa.push(a[k]!);
      pb.push(b[k]!);
    }
  }
  if (pa.length < 2 || allEqual(pa) || allEqual(pb)) return NaN;
  const ma = mean(pa), mb = mean(pb);
  let sab = 0, saa = 0, sbb = 0;
  for (let k = 0; k < pa.length; k++) {
    sab += (pa[k]! - ma) * (pb[k]! - mb);
    saa += (pa[k]! - ma) ** 2;
    sbb += (pb[k]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * The straightforward daily RankIC: each day, sort the members' factor and
 * label values with Array.prototype.sort and correlate the average ranks.
 * Returns the mean over days with at least `minNames` names.
 */
export function naiveRankIc(factor: Float64Array, label: Float64Array, universe: Uint8Array | null, N: number, T: number, days: [number, number], minNames = 10): number {
  const ranks = (v: number[]): number[] => {
    const order = v.map((x, k) => [x, k] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let a = 0; a < order.length; ) {
      let b = a + 1;
      while (b < order.length && order[b]![0] === order[a]![0]) b++;
      for (let k = a; k < b; k++) r[order[k]![1]] = (a + b + 1) / 2;
      a = b;
    }
    return r;
  };
  let sum = 0, count = 0;
  for (let t = days[0]; t < days[1]; t++) {
    const f: number[] = [], y: number[] = [];
    for (let i = 0; i < N; i++) {
      const k = i * T + t;
      if ((universe && universe[k] !== 1) || !finite(factor[k]!) || !finite(label[k]!)) continue;
      f.push(factor[k]!);
      y.push(label[k]!);
    }
    if (f.length < minNames) continue;
    const rf = ranks(f), ry = ranks(y);
    const m = (f.length + 1) / 2;
    let sxy = 0, sxx = 0, syy = 0;
    for (let k = 0; k < f.length; k++) {
      sxy += (rf[k]! - m) * (ry[k]! - m);
      sxx += (rf[k]! - m) ** 2;
      syy += (ry[k]! - m) ** 2;
    }
    if (sxx > 0 && syy > 0) {
      sum += sxy / Math.sqrt(sxx * syy);
      count++;
    }
  }
  return count ? sum / count : NaN;
}
