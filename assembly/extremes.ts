/**
 * extremes (operators/kernels/rolling/extremes.ts) for two
 * instruments at once, one per f64x2 lane: rolling maxima (sign 1) or
 * minima (sign -1) and their first positions, each lane making exactly the
 * twin's comparisons, so the same values (the chosen day's own bits, -0
 * included) and positions. The twin's data-dependent branches, taken about
 * every other day on prices, become selects.
 *
 * Values are carried as sign * x and given back as sign * (sign * x), which
 * is x bit for bit (multiplying by +-1 is exact). Days and positions are
 * offsets from the series' first day, held as doubles (exact integers).
 * Both series have the same length and block length (the caller pads the
 * shorter with NaN; outputs depend only on past days, and a block at least
 * as long as a series is the twin's single block). Memory is raw: the
 * caller lays out the arrays above heapBase().
 */

import { load2, store2 } from './lanes';

/** Where the caller may place its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function finiteMask(v: v128): v128 {
  return f64x2.eq(f64x2.sub(v, v), f64x2.splat(0));
}

/**
 * The twin's extremes: values (value0/value1) and 1-based positions
 * (position0/position1) of the extreme over windows in blocks of B days
 * (0 = not asked). `suffix` is scratch of 48 * B bytes.
 */
export function extremesPair(
  x0: usize, x1: usize, len: i32, B: i32, sign: f64,
  value0: usize, value1: usize, position0: usize, position1: usize, suffix: usize,
): void {
  const signs = f64x2.splat(sign);
  const none = f64x2.splat(-1);
  const minusInf = f64x2.splat(-Infinity);
  const nan = f64x2.splat(NaN);
  const one = f64x2.splat(1);
  for (let bs = 0; bs < len; bs += B) {
    const be = min(bs + B, len);
    let pBest = minusInf, pAt = none, pGap = none; // prefix [bs, t]
    for (let t = bs; t < be; t++) {
      const v = load2(x0, x1, t);
      const finite = finiteMask(v);
      const day = f64x2.splat(<f64>t);
      const sv = f64x2.mul(signs, v);
      const better = v128.and(finite, f64x2.gt(sv, pBest));
      pBest = v128.bitselect(sv, pBest, better);
      pAt = v128.bitselect(day, pAt, better);
      pGap = v128.bitselect(day, pGap, v128.andnot(f64x2.lt(pGap, f64x2.splat(0)), finite));
      // The window is [w, t]: the first block's windows start at 0, later ones at t - B + 1.
      let wBest = pBest, wAt = pAt, wGap = pGap, w = bs;
      if (bs > 0) {
        w = t - B + 1;
        if (w < bs) {
          const at = suffix + <usize>w * 48;
          const sBest = v128.load(at), sAt = v128.load(at, 16), sGap = v128.load(at, 32);
          const useSuffix = f64x2.ge(sBest, pBest);
          wBest = v128.bitselect(sBest, pBest, useSuffix);
          wAt = v128.bitselect(sAt, pAt, useSuffix);
          wGap = v128.bitselect(sGap, pGap, f64x2.ge(sGap, f64x2.splat(0)));
        }
      }
      const empty = f64x2.lt(wAt, f64x2.splat(0));
      if (value0 != 0) store2(value0, value1, t, v128.bitselect(nan, f64x2.mul(signs, wBest), empty));
      if (position0 != 0) {
        const first = v128.bitselect(wGap, wAt, f64x2.ge(wGap, f64x2.splat(0)));
        store2(position0, position1, t, v128.bitselect(nan, f64x2.add(f64x2.sub(first, f64x2.splat(<f64>w)), one), empty));
      }
    }
    if (be == len) break;
    // Suffixes of this block, for the windows ending in the next one.
    let sBest = minusInf, sAt = none, sGap = none;
    for (let t = be - 1; t >= bs; t--) {
      const v = load2(x0, x1, t);
      const finite = finiteMask(v);
      const day = f64x2.splat(<f64>t);
      const sv = f64x2.mul(signs, v);
      const better = v128.and(finite, f64x2.ge(sv, sBest));
      sBest = v128.bitselect(sv, sBest, better);
      sAt = v128.bitselect(day, sAt, better);
      sGap = v128.bitselect(sGap, day, finite);
      const at = suffix + <usize>t * 48;
      v128.store(at, sBest);
      v128.store(at, sAt, 16);
      v128.store(at, sGap, 32);
    }
  }
}
