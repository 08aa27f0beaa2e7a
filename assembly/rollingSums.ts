/**
 * windowSums and windowStatistics (operators/kernels/rolling/windowSums.ts),
 * and regressionRange (operators/kernels/rolling/regression.ts),
 * for two instruments at once, one per f64x2 lane: each lane performs exactly its TypeScript
 * twin's floating-point operations in the same order, so results are equal
 * bit for bit. (Two days of one instrument per vector would reorder the sums.)
 *
 * Per-lane branches of the twin become masks: a lane without a finite value
 * today adds +0 to its sums, which leaves them exact (they start at +0, so
 * they are never -0).
 * A lane whose shift K moves (first finite value of a block that began with a
 * missing one) recomputes the block's suffix sums for both lanes; the other
 * lane's K is unchanged, so its sums come out the same.
 *
 * Both series have the same length and block length (the caller pads the
 * shorter with NaN; outputs depend only on past days, and a block at least
 * as long as a series is the twin's single block). Memory is raw: the caller
 * lays out the arrays above heapBase().
 */

import { load2, store2 } from './lanes';

/** Where the caller may place its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Sums (sum0/sum1) and means (mean0/mean1; 0 = not asked) of series x0 and
 * x1, `len` days each, over windows in blocks of B days (blockLength of the
 * twin). `suffix` is scratch of 32 * B bytes.
 */
export function windowSumsPair(
  x0: usize, x1: usize, len: i32, B: i32, sum0: usize, sum1: usize, mean0: usize, mean1: usize, suffix: usize,
): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const nan = f64x2.splat(NaN);
  const wantSum = sum0 != 0, wantMean = mean0 != 0;
  let lastFinite = zero;
  let prev = nan; // the latest finite value
  // The twin's run of equal values, rewritten with fewer dependent operations (same values):
  // run = count - countBeforeRun, and its first value (the twin's runStart: prev, or the
  // first zero's sign when the run is of zeros) is kept as it begins.
  let count = zero; // finite values so far
  let countBeforeRun = zero;
  let runStart = nan;
  for (let bs = 0; bs < len; bs += B) {
    const be = min(bs + B, len);
    const head = load2(x0, x1, bs);
    let anchored = f64x2.eq(f64x2.sub(head, head), zero);
    let allAnchored = v128.all_true<i64>(anchored);
    let K = v128.bitselect(head, lastFinite, anchored);
    if (bs > 0) suffixFirstOrder(x0, x1, bs - B, B, K, suffix);
    let c = zero, p1 = zero;
    for (let t = bs; t < be; t++) {
      const v = load2(x0, x1, t);
      const finite = f64x2.eq(f64x2.sub(v, v), zero);
      if (!allAnchored) {
        const anchoring = v128.andnot(finite, anchored);
        if (v128.any_true(anchoring)) {
          anchored = v128.or(anchored, anchoring);
          allAnchored = v128.all_true<i64>(anchored);
          const moved = v128.and(anchoring, f64x2.ne(v, K));
          if (v128.any_true(moved)) {
            K = v128.bitselect(v, K, moved);
            if (bs > 0) suffixFirstOrder(x0, x1, bs - B, B, K, suffix);
          }
        }
      }
      const counted = v128.and(finite, one);
      c = f64x2.add(c, counted); // + 0 where missing: exact, c is never -0
      p1 = f64x2.add(p1, v128.and(finite, f64x2.sub(v, K))); // likewise for p1, which starts at +0
      const newRun = v128.andnot(finite, f64x2.eq(v, prev));
      countBeforeRun = v128.bitselect(count, countBeforeRun, newRun);
      runStart = v128.bitselect(v, runStart, newRun);
      count = f64x2.add(count, counted);
      prev = v128.bitselect(v, prev, finite);
      lastFinite = prev;
      let n = c, s1 = p1;
      const r = t - bs + 1;
      if (bs > 0 && r < B) {
        const at = suffix + (<usize>r << 5);
        n = f64x2.add(n, v128.load(at));
        s1 = f64x2.add(s1, v128.load(at, 16));
      }
      const empty = f64x2.eq(n, zero);
      const constant = f64x2.ge(f64x2.sub(count, countBeforeRun), n);
      if (wantSum) {
        const s = v128.bitselect(f64x2.mul(runStart, n), f64x2.add(f64x2.mul(n, K), s1), constant);
        store2(sum0, sum1, t, v128.bitselect(nan, s, empty));
      }
      if (wantMean) {
        const m = v128.bitselect(runStart, f64x2.add(K, f64x2.div(s1, n)), constant);
        store2(mean0, mean1, t, v128.bitselect(nan, m, empty));
      }
    }
  }
}

/** The twin's suffixFirstOrder, both lanes; suffix[r] = (count, s1) as two f64x2, 32 bytes per offset. */
function suffixFirstOrder(x0: usize, x1: usize, from: i32, B: i32, K: v128, suffix: usize): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  let c = zero, a1 = zero;
  for (let r = B - 1; r >= 0; r--) {
    const v = load2(x0, x1, from + r);
    const finite = f64x2.eq(f64x2.sub(v, v), zero);
    c = f64x2.add(c, v128.and(finite, one));
    a1 = f64x2.add(a1, v128.and(finite, f64x2.sub(v, K)));
    const at = suffix + (<usize>r << 5);
    v128.store(at, c);
    v128.store(at, a1, 16);
  }
}

/**
 * The twin's windowStatistics for two series: sums, means, sample variances
 * and standard deviations (0 = not asked). `suffix` is scratch of 48 * B bytes.
 */
export function windowStatisticsPair(
  x0: usize, x1: usize, len: i32, B: i32, sum0: usize, sum1: usize, mean0: usize, mean1: usize,
  var0: usize, var1: usize, std0: usize, std1: usize, suffix: usize,
): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const two = f64x2.splat(2);
  const nan = f64x2.splat(NaN);
  let lastFinite = zero;
  let prev = nan; // the latest finite value (the twin's prev is the run's first: runStart)
  let count = zero; // finite values so far; run = count - countBeforeRun (see windowSumsPair)
  let countBeforeRun = zero;
  let runStart = nan;
  for (let bs = 0; bs < len; bs += B) {
    const be = min(bs + B, len);
    const head = load2(x0, x1, bs);
    let anchored = f64x2.eq(f64x2.sub(head, head), zero);
    let allAnchored = v128.all_true<i64>(anchored);
    let K = v128.bitselect(head, lastFinite, anchored);
    if (bs > 0) suffixSecondOrder(x0, x1, bs - B, B, K, suffix);
    let c = zero, p1 = zero, p2 = zero;
    for (let t = bs; t < be; t++) {
      const v = load2(x0, x1, t);
      const finite = f64x2.eq(f64x2.sub(v, v), zero);
      if (!allAnchored) {
        const anchoring = v128.andnot(finite, anchored);
        if (v128.any_true(anchoring)) {
          anchored = v128.or(anchored, anchoring);
          allAnchored = v128.all_true<i64>(anchored);
          const moved = v128.and(anchoring, f64x2.ne(v, K));
          if (v128.any_true(moved)) {
            K = v128.bitselect(v, K, moved);
            if (bs > 0) suffixSecondOrder(x0, x1, bs - B, B, K, suffix);
          }
        }
      }
      const counted = v128.and(finite, one);
      const d = v128.and(finite, f64x2.sub(v, K)); // +0 where missing: adds leave the sums exact (never -0)
      c = f64x2.add(c, counted);
      p1 = f64x2.add(p1, d);
      p2 = f64x2.add(p2, f64x2.mul(d, d));
      const newRun = v128.andnot(finite, f64x2.eq(v, prev));
      countBeforeRun = v128.bitselect(count, countBeforeRun, newRun);
      runStart = v128.bitselect(v, runStart, newRun);
      count = f64x2.add(count, counted);
      prev = v128.bitselect(v, prev, finite);
      lastFinite = prev;
      let n = c, s1 = p1, s2 = p2;
      const r = t - bs + 1;
      if (bs > 0 && r < B) {
        const at = suffix + <usize>r * 48;
        n = f64x2.add(n, v128.load(at));
        s1 = f64x2.add(s1, v128.load(at, 16));
        s2 = f64x2.add(s2, v128.load(at, 32));
      }
      const empty = f64x2.eq(n, zero);
      const constant = f64x2.ge(f64x2.sub(count, countBeforeRun), n);
      if (sum0 != 0) {
        const s = v128.bitselect(f64x2.mul(runStart, n), f64x2.add(f64x2.mul(n, K), s1), constant);
        store2(sum0, sum1, t, v128.bitselect(nan, s, empty));
      }
      if (mean0 != 0) {
        const m = v128.bitselect(runStart, f64x2.add(K, f64x2.div(s1, n)), constant);
        store2(mean0, mean1, t, v128.bitselect(nan, m, empty));
      }
      let variance = f64x2.div(f64x2.sub(s2, f64x2.div(f64x2.mul(s1, s1), n)), f64x2.sub(n, one));
      variance = v128.bitselect(zero, variance, v128.or(constant, f64x2.lt(variance, zero)));
      variance = v128.bitselect(variance, nan, f64x2.ge(n, two));
      if (var0 != 0) store2(var0, var1, t, variance);
      if (std0 != 0) store2(std0, std1, t, f64x2.sqrt(variance));
    }
  }
}

/** The twin's suffixSecondOrder, both lanes; suffix[r] = (count, s1, s2) as three f64x2, 48 bytes per offset. */
function suffixSecondOrder(x0: usize, x1: usize, from: i32, B: i32, K: v128, suffix: usize): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  let c = zero, a1 = zero, a2 = zero;
  for (let r = B - 1; r >= 0; r--) {
    const v = load2(x0, x1, from + r);
    const finite = f64x2.eq(f64x2.sub(v, v), zero);
    const d = v128.and(finite, f64x2.sub(v, K));
    c = f64x2.add(c, v128.and(finite, one));
    a1 = f64x2.add(a1, d);
    a2 = f64x2.add(a2, f64x2.mul(d, d));
    const at = suffix + <usize>r * 48;
    v128.store(at, c);
    v128.store(at, a1, 16);
    v128.store(at, a2, 32);
  }
}

/**
 * The twin's regressionRange (operators/kernels/rolling/regression.ts) for two
 * series: slopes, r-squares and residuals (0 = not asked); `window` only for
 * r-squared's std tolerance (none when expanding, 0). `suffix` is scratch of 96 * B bytes.
 */
export function regressionPair(
  x0: usize, x1: usize, len: i32, B: i32, window: i32,
  slope0: usize, slope1: usize, rsquare0: usize, rsquare1: usize, resi0: usize, resi1: usize, suffix: usize,
): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const two = f64x2.splat(2);
  const nan = f64x2.splat(NaN);
  const tolerance = f64x2.splat(2e-5); // the twin's STD_TOLERANCE
  const wantFit = slope0 != 0 || resi0 != 0;
  let lastFinite = zero;
  let prev = nan; // the latest finite value
  let count = zero; // finite values so far; run = count - countBeforeRun (see windowSumsPair)
  let countBeforeRun = zero;
  for (let bs = 0; bs < len; bs += B) {
    const be = min(bs + B, len);
    const head = load2(x0, x1, bs);
    let anchored = f64x2.eq(f64x2.sub(head, head), zero);
    let allAnchored = v128.all_true<i64>(anchored);
    let K = v128.bitselect(head, lastFinite, anchored);
    if (bs > 0) suffixRegression(x0, x1, bs - B, B, K, suffix);
    let c = zero, sp = zero, spp = zero, sy = zero, syy = zero, spy = zero;
    for (let t = bs; t < be; t++) {
      const v = load2(x0, x1, t);
      const finite = f64x2.eq(f64x2.sub(v, v), zero);
      if (!allAnchored) {
        const anchoring = v128.andnot(finite, anchored);
        if (v128.any_true(anchoring)) {
          anchored = v128.or(anchored, anchoring);
          allAnchored = v128.all_true<i64>(anchored);
          const moved = v128.and(anchoring, f64x2.ne(v, K));
          if (v128.any_true(moved)) {
            K = v128.bitselect(v, K, moved);
            if (bs > 0) suffixRegression(x0, x1, bs - B, B, K, suffix);
          }
        }
      }
      const pt = f64x2.splat(<f64>(t - bs));
      const counted = v128.and(finite, one);
      // +0 where missing: adds leave the sums exact (they start at +0, so they are never -0)
      const p = v128.and(finite, pt), d = v128.and(finite, f64x2.sub(v, K));
      c = f64x2.add(c, counted);
      sp = f64x2.add(sp, p);
      spp = f64x2.add(spp, f64x2.mul(p, p));
      sy = f64x2.add(sy, d);
      syy = f64x2.add(syy, f64x2.mul(d, d));
      spy = f64x2.add(spy, f64x2.mul(p, d));
      const newRun = v128.andnot(finite, f64x2.eq(v, prev));
      countBeforeRun = v128.bitselect(count, countBeforeRun, newRun);
      count = f64x2.add(count, counted);
      prev = v128.bitselect(v, prev, finite);
      lastFinite = prev;
      let n = c, Sp = sp, Spp = spp, Sy = sy, Syy = syy, Spy = spy;
      const r = t - bs + 1;
      if (bs > 0 && r < B) {
        const at = suffix + <usize>r * 96;
        n = f64x2.add(n, v128.load(at));
        Sp = f64x2.add(Sp, v128.load(at, 16));
        Spp = f64x2.add(Spp, v128.load(at, 32));
        Sy = f64x2.add(Sy, v128.load(at, 48));
        Syy = f64x2.add(Syy, v128.load(at, 64));
        Spy = f64x2.add(Spy, v128.load(at, 80));
      }
      const few = f64x2.lt(n, two);
      const constant = f64x2.ge(f64x2.sub(count, countBeforeRun), n);
      const cov = f64x2.sub(f64x2.mul(n, Spy), f64x2.mul(Sp, Sy));
      const dp = f64x2.sub(f64x2.mul(n, Spp), f64x2.mul(Sp, Sp));
      if (rsquare0 != 0) {
        const dy = f64x2.sub(f64x2.mul(n, Syy), f64x2.mul(Sy, Sy));
        let undefinedR = v128.or(few, v128.or(constant, f64x2.le(dy, zero)));
        if (window > 0) {
          const std = f64x2.sqrt(f64x2.div(dy, f64x2.mul(n, f64x2.sub(n, one))));
          undefinedR = v128.or(undefinedR, f64x2.le(std, tolerance));
        }
        const rsquare = f64x2.div(f64x2.mul(cov, cov), f64x2.mul(dp, dy));
        store2(rsquare0, rsquare1, t, v128.bitselect(nan, rsquare, undefinedR));
      }
      if (wantFit) {
        const slope = v128.bitselect(zero, f64x2.div(cov, dp), constant);
        if (slope0 != 0) store2(slope0, slope1, t, v128.bitselect(nan, slope, few));
        if (resi0 != 0) {
          const fitted = f64x2.add(f64x2.div(Sy, n), f64x2.mul(slope, f64x2.sub(pt, f64x2.div(Sp, n))));
          const resi = v128.bitselect(zero, f64x2.sub(f64x2.sub(v, K), fitted), constant);
          store2(resi0, resi1, t, v128.bitselect(resi, nan, v128.andnot(finite, few)));
        }
      }
    }
  }
}

/**
 * The twin's suffixSums, both lanes: positions relative to the next block's start,
 * suffix[r] = (count, sum p, sum p^2, sum y, sum y^2, sum p*y) as six f64x2, 96 bytes per offset.
 */
function suffixRegression(x0: usize, x1: usize, from: i32, B: i32, K: v128, suffix: usize): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  let c = zero, sp = zero, spp = zero, sy = zero, syy = zero, spy = zero;
  for (let r = B - 1; r >= 0; r--) {
    const v = load2(x0, x1, from + r);
    const finite = f64x2.eq(f64x2.sub(v, v), zero);
    const p = v128.and(finite, f64x2.splat(<f64>(r - B))), d = v128.and(finite, f64x2.sub(v, K));
    c = f64x2.add(c, v128.and(finite, one));
    sp = f64x2.add(sp, p);
    spp = f64x2.add(spp, f64x2.mul(p, p));
    sy = f64x2.add(sy, d);
    syy = f64x2.add(syy, f64x2.mul(d, d));
    spy = f64x2.add(spy, f64x2.mul(p, d));
    const at = suffix + <usize>r * 96;
    v128.store(at, c);
    v128.store(at, sp, 16);
    v128.store(at, spp, 32);
    v128.store(at, sy, 48);
    v128.store(at, syy, 64);
    v128.store(at, spy, 80);
  }
}
