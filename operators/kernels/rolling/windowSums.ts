/**
 * Rolling sums that never subtract.
 *
 * Add/remove running sums drift: once a huge value has entered and left the
 * window, its rounding error stays in the total for the rest of the series.
 * Instead the series is cut into blocks of the window's length; a window that
 * ends in block b is a suffix of block b-1 plus a prefix of block b, and both
 * are accumulated directly. Every output is a fresh sum of at most 2N terms
 * (as accurate as summing the window from scratch) at O(1) cost per day.
 *
 * Higher powers are summed around a shift K that is one of the values of
 * every window it serves (or irrelevant to it), so cancellation in
 * sum(d^2) - sum(d)^2/n is bounded by the window's own spread: K is the
 * block's first value; if that is missing, the latest earlier value (which
 * is either inside a window or after all of that window's past values) until
 * the block's first finite value arrives, when K moves there and the
 * previous block's suffix sums are recomputed (the block's prefix sums are
 * still empty, so nothing else changes). K depends only on past days, so
 * outputs never depend on the future, not even in their rounding.
 *
 * Missing values: pandas (so qlib's rolling operators) turns +-inf into NaN
 * before aggregating, so only finite values count.
 */

/** Power sums of one instrument's windows, indexed by day offset from the series start. */
export interface WindowMoments {
  /** Finite values in the window. */
  readonly n: Float64Array;
  /** Sums of (x - K)^p for p = 1..4 (s4 is 0 when only the 3rd order is asked for). */
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  readonly s3: Float64Array;
  readonly s4: Float64Array;
  /**
   * 1 when all finite values in the window are equal. pandas tracks this run
   * (GH 42064) and returns exact results for it (variance 0, skew 0, kurt -3),
   * which rounding in power sums would otherwise miss.
   */
  readonly same: Uint8Array;
}

/** Block length for a window: the window itself, or the whole series for expanding / long windows. */
export function blockLength(window: number, length: number): number {
  return window === 0 || window > length ? length : window;
}

/**
 * Fills `m` at offsets 0..hi-lo-1 with the power sums (up to the 3rd or 4th)
 * of x over each day's window [max(lo, t-window+1), t] (window 0 = from lo).
 * `suffix` is scratch of at least 5 * blockLength(window, hi - lo) elements.
 */
export function windowMoments(
  x: Float64Array, lo: number, hi: number, window: number, order: 3 | 4,
  m: WindowMoments, suffix: Float64Array,
): void {
  const B = blockLength(window, hi - lo);
  const { n: outN, s1: out1, s2: out2, s3: out3, s4: out4, same } = m;
  const b1 = B, b2 = 2 * B, b3 = 3 * B, b4 = 4 * B; // suffix layout: [count | s1 | s2 | s3 | s4]
  let lastFinite = 0;
  let prev = NaN;
  let run = 0;
  for (let bs = lo; bs < hi; bs += B) {
    const be = Math.min(bs + B, hi);
    const head = x[bs]!;
    let anchored = Number.isFinite(head);
    let K = anchored ? head : lastFinite;
    if (bs > lo) suffixPowerSums(x, bs - B, B, K, order, suffix);
    let c = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0;
    for (let t = bs; t < be; t++) {
      const v = x[t]!;
      if (Number.isFinite(v)) {
        if (!anchored) {
          anchored = true;
          if (v !== K) { K = v; if (bs > lo) suffixPowerSums(x, bs - B, B, K, order, suffix); }
        }
        const d = v - K, d2 = d * d;
        c++; p1 += d; p2 += d2; p3 += d2 * d;
        if (order === 4) p4 += d2 * d2;
        if (v === prev) run++;
        else { run = 1; prev = v; }
        lastFinite = v;
      }
      const o = t - lo;
      const r = t - bs + 1; // where this day's window starts inside the previous block
      if (bs > lo && r < B) {
        const n = c + suffix[r]!;
        outN[o] = n; out1[o] = p1 + suffix[b1 + r]!; out2[o] = p2 + suffix[b2 + r]!;
        out3[o] = p3 + suffix[b3 + r]!; out4[o] = p4 + suffix[b4 + r]!;
        same[o] = run >= n ? 1 : 0;
      } else {
        outN[o] = c; out1[o] = p1; out2[o] = p2; out3[o] = p3; out4[o] = p4;
        same[o] = run >= c ? 1 : 0;
      }
    }
  }
}

/** Where windowStatistics writes each statistic; null = not asked. */
export interface WindowStatistics {
  readonly sum: Float64Array | null;
  readonly mean: Float64Array | null;
  /** Sample variance (ddof=1). */
  readonly variance: Float64Array | null;
  /** Its square root. */
  readonly std: Float64Array | null;
}

/**
 * Sum, mean, sample variance and standard deviation of each window, written
 * to out[at + t - lo]: the order-2 case of windowMoments fused with pandas'
 * finish, no intermediate arrays (these are the hottest rolling operators,
 * and Corr's flatness test). Sum and mean are n*K + S1 and K + S1/n around
 * the shift K, which is inside every window that has a value (see above),
 * so they are as accurate as a fresh sum of the window. NaN without values
 * (variance: below 2); a window whose values are all equal gives exactly
 * value * n, value and 0, as pandas.
 *
 * Without variance or std asked, call windowSums: the same first-order
 * arithmetic (so the same sums and means, bit for bit) in a leaner loop.
 */
export function windowStatistics(
  x: Float64Array, lo: number, hi: number, window: number, outs: WindowStatistics, at: number, suffix: Float64Array,
): void {
  const { sum, mean, variance: varianceOut, std } = outs;
  const B = blockLength(window, hi - lo);
  let lastFinite = 0;
  let prev = NaN;
  let run = 0;
  for (let bs = lo; bs < hi; bs += B) {
    const be = Math.min(bs + B, hi);
    const head = x[bs]!;
    let anchored = head - head === 0;
    let K = anchored ? head : lastFinite;
    if (bs > lo) suffixSecondOrder(x, bs - B, B, K, suffix);
    let c = 0, p1 = 0, p2 = 0;
    for (let t = bs; t < be; t++) {
      const v = x[t]!;
      if (v - v === 0) {
        if (!anchored) {
          anchored = true;
          if (v !== K) { K = v; if (bs > lo) suffixSecondOrder(x, bs - B, B, K, suffix); }
        }
        const d = v - K;
        c++; p1 += d; p2 += d * d;
        if (v === prev) run++;
        else { run = 1; prev = v; }
        lastFinite = v;
      }
      let n = c, s1 = p1, s2 = p2;
      const r = t - bs + 1;
      if (bs > lo && r < B) { n += suffix[r]!; s1 += suffix[B + r]!; s2 += suffix[2 * B + r]!; }
      const o = at + t - lo;
      const constant = run >= n;
      if (sum !== null) sum[o] = n === 0 ? NaN : constant ? prev * n : n * K + s1;
      if (mean !== null) mean[o] = n === 0 ? NaN : constant ? prev : K + s1 / n;
      let variance = NaN;
      if (n >= 2) {
        variance = constant ? 0 : (s2 - (s1 * s1) / n) / (n - 1);
        if (variance < 0) variance = 0;
      }
      if (varianceOut !== null) varianceOut[o] = variance;
      if (std !== null) std[o] = Math.sqrt(variance);
    }
  }
}

/**
 * The first value of the current run of equal values, which an all-equal
 * window's sum and mean are made of: `latest` itself unless both are zeros,
 * whose sign the run's first one gives (-0 === 0, so a run can mix them).
 */
function runStart(latest: number, negativeZeroRun: number): number {
  return latest === 0 ? (negativeZeroRun === 1 ? -0 : 0) : latest;
}

/**
 * windowStatistics' sums and means alone. (A separate function the caller
 * picks: dispatching inside windowStatistics got this loop inlined into the
 * bigger one, which V8 compiled 50% slower.)
 */
export function windowSums(
  x: Float64Array, lo: number, hi: number, window: number, sum: Float64Array | null, mean: Float64Array | null, at: number, suffix: Float64Array,
): void {
  const B = blockLength(window, hi - lo);
  let lastFinite = 0;
  let prev = NaN; // the latest finite value
  let run = 0;
  let negativeZeroRun = 0; // 1 when the run of equal values began with -0 (see runStart)
  for (let bs = lo; bs < hi; bs += B) {
    const be = Math.min(bs + B, hi);
    const head = x[bs]!;
    let anchored = head - head === 0;
    let K = anchored ? head : lastFinite;
    if (bs > lo) suffixFirstOrder(x, bs - B, B, K, suffix);
    let c = 0, p1 = 0;
    for (let t = bs; t < be; t++) {
      const v = x[t]!;
      if (v - v === 0) {
        if (!anchored) {
          anchored = true;
          if (v !== K) { K = v; if (bs > lo) suffixFirstOrder(x, bs - B, B, K, suffix); }
        }
        c++; p1 += v - K;
        // The run without a branch: on 0/1 series (Mean($close>Ref($close,1))) and gains clipped at 0
        // (Sum(Greater($close-Ref($close,1), 0))) the comparison is a coin toss. (Measured slower in windowStatistics.)
        const same = Number(v === prev);
        run = run * same + 1;
        negativeZeroRun = (negativeZeroRun & -same) | ((Object.is(v, -0) ? 1 : 0) & (same - 1));
        prev = v;
        lastFinite = v;
      }
      let n = c, s1 = p1;
      const r = t - bs + 1;
      if (bs > lo && r < B) { n += suffix[r]!; s1 += suffix[B + r]!; }
      const o = at + t - lo;
      const constant = run >= n;
      if (sum !== null) sum[o] = n === 0 ? NaN : constant ? runStart(prev, negativeZeroRun) * n : n * K + s1;
      if (mean !== null) mean[o] = n === 0 ? NaN : constant ? runStart(prev, negativeZeroRun) : K + s1 / n;
    }
  }
}

/*
 * Suffix sums of powers of (x - K) over the block [from, from + B), indexed by
 * offset in it: suffix = [count | s1 | s2 | s3 | s4], B each. One function per
 * order: a shared loop that tests the order per value costs V8 half the time
 * of the whole window kernel.
 */

function suffixFirstOrder(x: Float64Array, from: number, B: number, K: number, suffix: Float64Array): void {
  let c = 0, a1 = 0;
  for (let r = B - 1; r >= 0; r--) {
    const v = x[from + r]!;
    if (v - v === 0) { c++; a1 += v - K; }
    suffix[r] = c; suffix[B + r] = a1;
  }
}

function suffixSecondOrder(x: Float64Array, from: number, B: number, K: number, suffix: Float64Array): void {
  const b2 = 2 * B;
  let c = 0, a1 = 0, a2 = 0;
  for (let r = B - 1; r >= 0; r--) {
    const v = x[from + r]!;
    if (v - v === 0) {
      const d = v - K;
      c++; a1 += d; a2 += d * d;
    }
    suffix[r] = c; suffix[B + r] = a1; suffix[b2 + r] = a2;
  }
}

function suffixPowerSums(x: Float64Array, from: number, B: number, K: number, order: 3 | 4, suffix: Float64Array): void {
  const b1 = B, b2 = 2 * B, b3 = 3 * B, b4 = 4 * B;
  let c = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
  for (let r = B - 1; r >= 0; r--) {
    const v = x[from + r]!;
    if (v - v === 0) {
      const d = v - K, d2 = d * d;
      c++; a1 += d; a2 += d2; a3 += d2 * d;
      if (order === 4) a4 += d2 * d2;
    }
    suffix[r] = c; suffix[b1 + r] = a1; suffix[b2 + r] = a2; suffix[b3 + r] = a3; suffix[b4 + r] = a4;
  }
}
