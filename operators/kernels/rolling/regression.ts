/**
 * Rolling least squares of the window's values on their day positions
 * (qlib's Cython rolling_slope / rolling_rsquare / rolling_resi, and the
 * expanding_* versions for window 0): positions count calendar slots of the
 * instrument's own series, so a missing day leaves a gap in the x axis.
 *
 * Same block scheme as windowSums.ts: every window is a suffix of the
 * previous block plus a prefix of the current one, summed directly, with
 * positions relative to the block start and values shifted by a causal K.
 * qlib's Cython keeps add/remove running sums instead, so its values carry
 * drift that grows along the series; ours are the per-window values.
 *
 * Missing values: NaN and +-inf are skipped (qlib's Cython would poison
 * every later window after an inf; we treat it as missing, as pandas does).
 */

import { seriesArg, windowArg } from '../driver.js';
import type { Kernel, KernelFamily } from '../types.js';
import { blockLength } from './windowSums.js';
import { regressionPanel } from './rollingSumsWasm.js';

/** Where each fit goes; null = not asked. */
export interface Fits {
  readonly slope: Float64Array | null;
  readonly rsquare: Float64Array | null;
  readonly resi: Float64Array | null;
}

/** qlib's Rsquare is NaN where np.isclose(rolling std, 0, atol=2e-5) (rtol is moot against 0). */
const STD_TOLERANCE = 2e-5;

/**
 * The fits of y[lo, hi) in place. The reference of the WASM-SIMD kernel that
 * the family runs (regressionPanel, bit for bit equal: tests/kernels/rollingSumsWasm.test.ts).
 */
export function regressionRange(y: Float64Array, lo: number, hi: number, window: number, fits: Fits, suffix: Float64Array): void {
  const { slope: slopeOut, rsquare: rsquareOut, resi: resiOut } = fits;
  const B = blockLength(window, hi - lo);
  let lastFinite = 0;
  let prev = NaN;
  let run = 0;
  for (let bs = lo; bs < hi; bs += B) {
    const be = Math.min(bs + B, hi);
    const head = y[bs]!;
    let anchored = Number.isFinite(head); // the shift K: see windowSums.ts
    let K = anchored ? head : lastFinite;
    if (bs > lo) suffixSums(y, bs - B, B, K, suffix);
    let c = 0, sp = 0, spp = 0, sy = 0, syy = 0, spy = 0;
    for (let t = bs; t < be; t++) {
      const v = y[t]!;
      const pt = t - bs;
      if (Number.isFinite(v)) {
        if (!anchored) {
          anchored = true;
          if (v !== K) { K = v; if (bs > lo) suffixSums(y, bs - B, B, K, suffix); }
        }
        const d = v - K;
        c++; sp += pt; spp += pt * pt; sy += d; syy += d * d; spy += pt * d;
        if (v === prev) run++;
        else { run = 1; prev = v; }
        lastFinite = v;
      }
      let n = c, Sp = sp, Spp = spp, Sy = sy, Syy = syy, Spy = spy;
      const r = pt + 1;
      if (bs > lo && r < B) {
        n += suffix[r]!; Sp += suffix[B + r]!; Spp += suffix[2 * B + r]!;
        Sy += suffix[3 * B + r]!; Syy += suffix[4 * B + r]!; Spy += suffix[5 * B + r]!;
      }
      if (n < 2) {
        if (slopeOut !== null) slopeOut[t] = NaN;
        if (rsquareOut !== null) rsquareOut[t] = NaN;
        if (resiOut !== null) resiOut[t] = NaN;
        continue;
      }
      const constant = run >= n;
      if (rsquareOut !== null) {
        const dy = n * Syy - Sy * Sy;
        // constant windows: std is exactly 0 (pandas) and r^2 is 0/0
        if (constant || dy <= 0) rsquareOut[t] = NaN;
        else if (window > 0 && Math.sqrt(dy / (n * (n - 1))) <= STD_TOLERANCE) rsquareOut[t] = NaN;
        else {
          const cov = n * Spy - Sp * Sy;
          rsquareOut[t] = (cov * cov) / ((n * Spp - Sp * Sp) * dy);
        }
      }
      if (slopeOut !== null || resiOut !== null) {
        const slope = constant ? 0 : (n * Spy - Sp * Sy) / (n * Spp - Sp * Sp);
        if (slopeOut !== null) slopeOut[t] = slope;
        if (resiOut !== null) resiOut[t] = !Number.isFinite(v) ? NaN : constant ? 0 : v - K - (Sy / n + slope * (pt - Sp / n));
      }
    }
  }
}

/**
 * Suffix sums over the block [from, from + B) with positions relative to the
 * next block's start (-B .. -1) and values minus K:
 * [count | sum p | sum p^2 | sum y | sum y^2 | sum p*y], B each.
 */
function suffixSums(y: Float64Array, from: number, B: number, K: number, suffix: Float64Array): void {
  let c = 0, sp = 0, spp = 0, sy = 0, syy = 0, spy = 0;
  for (let r = B - 1; r >= 0; r--) {
    const v = y[from + r]!;
    if (Number.isFinite(v)) {
      const p = r - B, d = v - K;
      c++; sp += p; spp += p * p; sy += d; syy += d * d; spy += p * d;
    }
    suffix[r] = c; suffix[B + r] = sp; suffix[2 * B + r] = spp;
    suffix[3 * B + r] = sy; suffix[4 * B + r] = syy; suffix[5 * B + r] = spy;
  }
}

const MEMBERS: Readonly<Record<string, keyof Fits>> = { Slope: 'slope', Rsquare: 'rsquare', Resi: 'resi' };

/** Slope, Rsquare and Resi over the same series and window share every sum: one pass. */
export const REGRESSION_FAMILY: KernelFamily = {
  name: 'regression',
  shared: { Slope: 2, Rsquare: 2, Resi: 2 },
  kernel: (ctx, shared, requests) => {
    const op = requests[0]?.op ?? 'Slope';
    const y = seriesArg(ctx, shared, 0, op);
    const window = windowArg(shared, 1, op);
    const fits: { -readonly [K in keyof Fits]: Float64Array | null } = { slope: null, rsquare: null, resi: null };
    for (const r of requests) {
      const fit = MEMBERS[r.op];
      if (!fit || fits[fit]) throw new TypeError(`regression family: ${r.op} is not a member or is asked twice`);
      fits[fit] = r.out;
    }
    regressionPanel(ctx, y, window, fits.slope, fits.rsquare, fits.resi);
  },
};

function memberKernel(op: string): Kernel {
  return (ctx, args, out) => REGRESSION_FAMILY.kernel(ctx, args.slice(0, 2), [{ op, params: args.slice(2), out }]);
}

export const Slope = memberKernel('Slope');
export const Rsquare = memberKernel('Rsquare');
export const Resi = memberKernel('Resi');
