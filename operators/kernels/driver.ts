/**
 * What every kernel shares: reading its arguments, walking each instrument's
 * own range of days, and reusable scratch memory.
 *
 * Kernels compute inside `[start[i], end[i])` only; `forEachSeries` writes NaN
 * everywhere else so `out` is always completely written.
 */

import type { KernelArg, KernelContext } from './types.js';

/** Flat bounds `[lo, hi)` of one instrument's own days: `lo = i*T + start[i]`, `hi = i*T + end[i]`. */
export type RangeBody = (lo: number, hi: number) => void;

/** Calls `body` once per instrument with data and fills NaN outside every instrument's range. */
export function forEachSeries(ctx: KernelContext, out: Float64Array, body: RangeBody): void {
  const { T, N, start, end } = ctx;
  for (let i = 0; i < N; i++) {
    const base = i * T;
    const s = clampDay(start[i]!, T);
    const e = Math.max(s, clampDay(end[i]!, T));
    if (s > 0) out.fill(NaN, base, base + s);
    if (e > s) body(base + s, base + e);
    if (e < T) out.fill(NaN, base + e, base + T);
  }
}

/** forEachSeries for several outputs: `body` once per instrument, NaN outside every range in each output. */
export function forEachSeriesOf(ctx: KernelContext, outs: readonly Float64Array[], body: RangeBody): void {
  const { T, N, start, end } = ctx;
  for (let i = 0; i < N; i++) {
    const base = i * T;
    const s = clampDay(start[i]!, T);
    const e = Math.max(s, clampDay(end[i]!, T));
    for (const out of outs) {
      if (s > 0) out.fill(NaN, base, base + s);
      if (e < T) out.fill(NaN, base + e, base + T);
    }
    if (e > s) body(base + s, base + e);
  }
}

/** A day index clamped to [0, T]. */
export function clampDay(day: number, T: number): number {
  return day < 0 ? 0 : day > T ? T : day;
}

// ---- arguments ----

function argError(op: string, index: number, what: string, got: KernelArg | undefined): TypeError {
  const shown = got === undefined ? 'nothing' : typeof got === 'number' ? String(got) : `a series of length ${got.length}`;
  return new TypeError(`${op}: argument ${index + 1} must be ${what}, got ${shown}`);
}

/** Argument `index` as a series of the panel's shape. */
export function seriesArg(ctx: KernelContext, args: readonly KernelArg[], index: number, op: string): Float64Array {
  const a = args[index];
  if (!(a instanceof Float64Array) || a.length !== ctx.N * ctx.T) throw argError(op, index, `a series of length ${ctx.N * ctx.T}`, a);
  return a;
}

/** Argument `index` as a series or a numeric constant (broadcast by the caller). */
export function operandArg(ctx: KernelContext, args: readonly KernelArg[], index: number, op: string): Float64Array | number {
  const a = args[index];
  if (typeof a === 'number') return a;
  return seriesArg(ctx, args, index, op);
}

/** Argument `index` as a finite number literal. */
export function numberArg(args: readonly KernelArg[], index: number, op: string): number {
  const a = args[index];
  if (typeof a !== 'number' || !Number.isFinite(a)) throw argError(op, index, 'a finite number', a);
  return a;
}

/** A window length: an integer >= `min` (0 = expanding). */
export function windowArg(args: readonly KernelArg[], index: number, op: string, min = 0): number {
  const n = numberArg(args, index, op);
  if (!Number.isInteger(n) || (n !== 0 && n < min) || n < 0) {
    throw argError(op, index, min > 1 ? `0 or an integer window >= ${min}` : 'an integer window >= 0', n);
  }
  return n;
}

/** A lag: any integer (negative reads the future; only labels may use it). */
export function lagArg(args: readonly KernelArg[], index: number, op: string): number {
  const n = numberArg(args, index, op);
  if (!Number.isInteger(n)) throw argError(op, index, 'an integer lag', n);
  return n;
}

/** A quantile level in [lo, hi]. */
export function levelArg(args: readonly KernelArg[], index: number, op: string, lo: number, hi: number): number {
  const q = numberArg(args, index, op);
  if (q < lo || q > hi) throw argError(op, index, `a number in [${lo}, ${hi}]`, q);
  return q;
}

// ---- scratch memory ----

const f64Pool = new Map<string, Float64Array>();
const i32Pool = new Map<string, Int32Array>();
const u8Pool = new Map<string, Uint8Array>();

/**
 * A reusable Float64Array of at least `length` elements, one per `slot` name.
 * Contents are unspecified. Kernels run one at a time per thread, so a slot
 * is never in use twice; each use site names its own slot.
 */
export function scratchF64(slot: string, length: number): Float64Array {
  let a = f64Pool.get(slot);
  if (!a || a.length < length) f64Pool.set(slot, (a = new Float64Array(Math.max(length, 16))));
  return a;
}

export function scratchI32(slot: string, length: number): Int32Array {
  let a = i32Pool.get(slot);
  if (!a || a.length < length) i32Pool.set(slot, (a = new Int32Array(Math.max(length, 16))));
  return a;
}

export function scratchU8(slot: string, length: number): Uint8Array {
  let a = u8Pool.get(slot);
  if (!a || a.length < length) u8Pool.set(slot, (a = new Uint8Array(Math.max(length, 16))));
  return a;
}

/** Longest own range of any instrument: the size of per-instrument scratch. */
export function longestSeries(ctx: KernelContext): number {
  let longest = 0;
  for (let i = 0; i < ctx.N; i++) {
    const len = clampDay(ctx.end[i]!, ctx.T) - clampDay(ctx.start[i]!, ctx.T);
    if (len > longest) longest = len;
  }
  return longest;
}
