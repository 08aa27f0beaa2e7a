/**
 * Numerical accuracy against exact arithmetic: every double is an exact
 * binary fraction, so window sums computed with BigInt over a common
 * power-of-two denominator are exact, and each reference value below is
 * rounded only at its last step. Long series (3000 days) with values near
 * 1e4 and with 1e12 spikes passing through the windows: add/remove running
 * sums would keep a spike's rounding error (~1e-4) for the rest of the
 * series; the kernels must stay within 1e-10 relative, plus a slack of
 * 1e-13 times the largest value in the window (to the power of the result's
 * degree): a spike still inside the window legitimately limits the absolute
 * precision (a spike at the window's centre leaves a slope of ~1e-3 next to
 * terms of ~1e13), one that has left it must not.
 */
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../operators/kernels/index.js';
import type { KernelContext } from '../../operators/kernels/types.js';
import { mulberry32 } from './panels.js';

const T = 3000;

function makeSeries(): { ctx: KernelContext; price: Float64Array; spiky: Float64Array; gappy: Float64Array } {
  const rand = mulberry32(7);
  const ctx: KernelContext = { T, N: 2, start: Int32Array.from([0, 300]), end: Int32Array.from([T, T - 100]), universe: null };
  const price = new Float64Array(2 * T).fill(NaN);
  const spiky = new Float64Array(2 * T).fill(NaN);
  // gappy: a spike on day 10k+9 then two missing days, so windows whose block starts
  // there must not take the spike as their shift
  const gappy = new Float64Array(2 * T).fill(NaN);
  for (let i = 0; i < 2; i++) {
    let p = 1e4;
    for (let t = ctx.start[i]!; t < ctx.end[i]!; t++) {
      const k = i * T + t;
      p *= 1 + (rand() - 0.5) * 0.02;
      const missing = rand() < 0.03;
      price[k] = missing ? NaN : Math.round(p * 100) / 100;
      spiky[k] = missing ? NaN : rand() < 0.004 ? 1e12 * (rand() + 0.5) : (rand() - 0.5) * 0.02;
      const phase = t % 10;
      gappy[k] = phase === 9 ? 1e12 : phase === 0 || phase === 1 ? NaN : (rand() - 0.5) * 0.02;
    }
  }
  return { ctx, price, spiky, gappy };
}

/** Exact value of a double as mantissa * 2^exponent (BigInt, integer exponent). */
function decompose(v: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp !== 0) mant |= 1n << 52n;
  return [sign * mant, (exp === 0 ? 1 : exp) - 1075];
}

/** All finite values of a series as integers over one common denominator 2^D. */
function asIntegers(a: Float64Array): { X: (bigint | null)[]; D: number } {
  let D = 0;
  for (const v of a) if (Number.isFinite(v) && v !== 0) D = Math.max(D, -decompose(v)[1]);
  const X = Array.from(a, (v) => {
    if (!Number.isFinite(v)) return null;
    const [m, e] = decompose(v);
    return m << BigInt(e + D);
  });
  return { X, D };
}

/** BigInt to double, for values far beyond 2^53 (Number() rounds correctly). */
const num = (b: bigint): number => Number(b);
const pow2 = (k: number): number => 2 ** k;

interface WindowData { idx: number[]; X: bigint[]; pos: number[] }

/** Finite values of each day's window [max(lo, t-w+1), t] (w 0 = expanding), with positions from the window start. */
function windows(ctx: KernelContext, X: (bigint | null)[], i: number, w: number, t: number): WindowData {
  const lo = i * T + ctx.start[i]!;
  const from = w === 0 ? lo : Math.max(lo, t - w + 1);
  const d: WindowData = { idx: [], X: [], pos: [] };
  for (let k = from; k <= t; k++) {
    const x = X[k];
    if (x !== null && x !== undefined) { d.idx.push(k); d.X.push(x); d.pos.push(k - from + 1); }
  }
  return d;
}

const sum = (xs: bigint[]): bigint => xs.reduce((s, v) => s + v, 0n);
const abs = (b: bigint): bigint => (b < 0n ? -b : b);

/** Exact references, each a function of one window. NaN where undefined. */
const REFERENCE: Record<string, (d: WindowData, D: number, L: number) => number> = {
  Sum: (d, D) => (d.X.length === 0 ? NaN : num(sum(d.X)) / pow2(D)),
  Mean: (d, D) => (d.X.length === 0 ? NaN : num(sum(d.X)) / d.X.length / pow2(D)),
  Var: (d, D) => {
    const n = BigInt(d.X.length);
    if (n < 2n) return NaN;
    const S = sum(d.X), Q = sum(d.X.map((x) => x * x));
    return num(n * Q - S * S) / num(n * (n - 1n)) / pow2(2 * D);
  },
  Skew: (d) => {
    const n = d.X.length, N = BigInt(n);
    if (n < 3) return NaN;
    const S = sum(d.X), Q = sum(d.X.map((x) => x * x)), C = sum(d.X.map((x) => x * x * x));
    const A = N * Q - S * S; // n^2 m2
    const B = N * N * C - 3n * N * Q * S + 2n * S * S * S; // n^3 m3
    return (Math.sqrt(n * (n - 1)) / (n - 2)) * (num(B) / num(A) ** 1.5);
  },
  Kurt: (d) => {
    const n = d.X.length, N = BigInt(n);
    if (n < 4) return NaN;
    const S = sum(d.X), Q = sum(d.X.map((x) => x ** 2n)), C = sum(d.X.map((x) => x ** 3n)), F = sum(d.X.map((x) => x ** 4n));
    const A = N * Q - S * S; // n^2 m2
    const M4 = N ** 3n * F - 4n * N * N * C * S + 6n * N * Q * S * S - 3n * S ** 4n; // n^4 m4
    const g2 = num(M4) / num(A) ** 2 - 3;
    return ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * g2 + 6);
  },
  Mad: (d, D) => {
    const n = BigInt(d.X.length);
    if (n === 0n) return NaN;
    const S = sum(d.X);
    return num(sum(d.X.map((x) => abs(n * x - S)))) / num(n * n) / pow2(D);
  },
  WMA: (d, D, L) => {
    const n = d.X.length;
    if (n === 0) return NaN;
    const weighted = d.X.reduce((s, x, k) => s + BigInt(d.pos[k]!) * x, 0n);
    return (2 * num(weighted)) / (L * (L + 1)) / n / pow2(D);
  },
  Slope: (d, D) => {
    const n = BigInt(d.X.length);
    if (n < 2n) return NaN;
    const P = d.pos.map(BigInt), Sp = sum(P), Spp = sum(P.map((p) => p * p)), S = sum(d.X);
    const Spy = d.X.reduce((s, x, k) => s + P[k]! * x, 0n);
    return num(n * Spy - Sp * S) / num(n * Spp - Sp * Sp) / pow2(D);
  },
  Rsquare: (d) => {
    const n = BigInt(d.X.length);
    if (n < 2n) return NaN;
    const P = d.pos.map(BigInt), Sp = sum(P), Spp = sum(P.map((p) => p * p)), S = sum(d.X), Q = sum(d.X.map((x) => x * x));
    const Sxy = n * d.X.reduce((s, x, k) => s + P[k]! * x, 0n) - Sp * S;
    return num(Sxy * Sxy) / num((n * Spp - Sp * Sp) * (n * Q - S * S));
  },
};

/** Resi needs today's value: y_t - (mean + slope * (p_t - mean p)), as one exact fraction. */
function resiReference(d: WindowData, D: number, today: number): number {
  const n = BigInt(d.X.length);
  if (n < 2n || d.idx[d.idx.length - 1] !== today) return NaN;
  const P = d.pos.map(BigInt), Sp = sum(P), Spp = sum(P.map((p) => p * p)), S = sum(d.X);
  const Dx = n * Spp - Sp * Sp;
  const Sxy = n * d.X.reduce((s, x, k) => s + P[k]! * x, 0n) - Sp * S;
  const Yt = d.X[d.X.length - 1]!, pt = P[P.length - 1]!;
  return num(n * Dx * Yt - S * Dx - Sxy * (n * pt - Sp)) / num(n * Dx) / pow2(D);
}

/** How each result scales with the values (Var ~ x^2, Skew ~ x^0, ...). */
const DEGREE: Record<string, number> = { Sum: 1, Mean: 1, Var: 2, Skew: 0, Kurt: 0, Mad: 1, WMA: 1, Slope: 1, Rsquare: 0, Resi: 1 };

function compare(op: string, window: number, x: Float64Array, ctx: KernelContext): string[] {
  const out = new Float64Array(2 * T);
  KERNELS[op]!(ctx, [x, window], out);
  const { X, D } = asIntegers(x);
  const bad: string[] = [];
  for (let i = 0; i < 2 && bad.length < 3; i++) {
    for (let t = i * T + ctx.start[i]!; t < i * T + ctx.end[i]! && bad.length < 3; t++) {
      if (window === 0 && (t - i * T) % 7 !== 0) continue; // expanding windows: every 7th day keeps BigInt work bounded
      const d = windows(ctx, X, i, window, t);
      const L = t - (window === 0 ? i * T + ctx.start[i]! : Math.max(i * T + ctx.start[i]!, t - window + 1)) + 1;
      let want = op === 'Resi' ? resiReference(d, D, t) : REFERENCE[op]!(d, D, L);
      // qlib: Rsquare is NaN where the window's std is within 2e-5 of 0 (rolling windows only)
      if (op === 'Rsquare' && window > 0 && Math.sqrt(REFERENCE.Var!(d, D, L)) <= 2e-5) want = NaN;
      const got = out[t]!;
      const scale = d.idx.reduce((m, k) => Math.max(m, Math.abs(x[k]!)), 0) ** DEGREE[op]!;
      const ok = Number.isNaN(want) ? Number.isNaN(got) : Math.abs(got - want) <= 1e-10 * Math.abs(want) + 1e-13 * scale;
      if (!ok) bad.push(`${op}(${window}) i=${i} t=${t - i * T}: exact ${want}, kernel ${got}`);
    }
  }
  return bad;
}

describe('kernels are accurate to 1e-10 of exact arithmetic on long series with spikes', () => {
  const { ctx, price, spiky, gappy } = makeSeries();
  for (const op of ['Sum', 'Mean', 'Var', 'Skew', 'Kurt', 'Mad', 'WMA', 'Slope', 'Rsquare', 'Resi']) {
    it(op, () => {
      const bad: string[] = [];
      for (const window of [5, 10, 20, 60, 0]) {
        bad.push(...compare(op, window, price, ctx), ...compare(op, window, spiky, ctx), ...compare(op, window, gappy, ctx));
      }
      expect(bad).toEqual([]);
    }, 120_000);
  }
});
