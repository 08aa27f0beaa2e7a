/**
 * pairRange (operators/kernels/pairRolling.ts): rolling Cov and Corr of
 * series a and b over their paired days (both finite), for two instruments
 * at once, one per f64x2 lane. Each lane performs exactly the twin's
 * floating-point operations in the same order, so results are equal bit for
 * bit; the twin's per-day branches become masks (a lane without a pair
 * today adds +0 to its sums, which leaves them exact: they start at +0, so
 * they are never -0).
 *
 * Corr's flatness test is chosen per lane, as the twin's `flatness`:
 * SAME_DAYS (the series are missing on the same days: own stds from the
 * paired sums) or BOUNDED (a lower bound on each own variance must clear
 * the tolerance; a lane where it cannot is reported undecided, and the
 * caller redoes that instrument with markedCorrPair, the twin's exact
 * marking: MARKED). Both series of a lane have the same length and block
 * length (the caller pads the shorter lane with NaN; outputs depend only on
 * past days). Memory is raw: the caller lays out the arrays above heapBase().
 */

import { load2, store2 } from './lanes';
import { windowStatisticsPair } from './rollingSums';

/** Where the caller may place its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function laneMask(lane0: bool, lane1: bool): v128 {
  return i64x2.replace_lane(i64x2.splat(lane0 ? -1 : 0), 1, lane1 ? -1 : 0);
}

/**
 * Cov (corr = 0) or Corr of (a0, b0) and (a1, b1), `len` days, windows of
 * `window` days (0 = expanding) in blocks of B; out0/out1 the answers;
 * bounded0/bounded1 whether a lane's Corr flatness test is BOUNDED (else
 * SAME_DAYS). `suffix` is scratch of 96 * B bytes. Returns the lanes whose
 * BOUNDED test could not decide a day (bit 0: lane 0, bit 1: lane 1); their
 * outputs are then partly wrong and must be redone.
 */
export function pairRangePair(
  a0: usize, a1: usize, b0: usize, b1: usize, len: i32, B: i32, window: i32, corr: bool,
  out0: usize, out1: usize, bounded0: bool, bounded1: bool, suffix: usize,
): i32 {
  return pairRange(a0, a1, b0, b1, len, B, window, corr, out0, out1, bounded0, bounded1, suffix, false, 0, 0, 0, 0);
}

/**
 * The twin's markedCorr for two instruments: each series' own rolling
 * standard deviation (windowStatisticsPair, the twin of markFlat's
 * windowStatistics) into stdA0/stdA1 and stdB0/stdB1, then Corr with both
 * lanes MARKED: flat where either is within the tolerance (a NaN std is
 * not). `suffix` is scratch of 96 * B bytes.
 */
export function markedCorrPair(
  a0: usize, a1: usize, b0: usize, b1: usize, len: i32, B: i32, window: i32,
  out0: usize, out1: usize, stdA0: usize, stdA1: usize, stdB0: usize, stdB1: usize, suffix: usize,
): void {
  windowStatisticsPair(a0, a1, len, B, 0, 0, 0, 0, 0, 0, stdA0, stdA1, suffix);
  windowStatisticsPair(b0, b1, len, B, 0, 0, 0, 0, 0, 0, stdB0, stdB1, suffix);
  pairRange(a0, a1, b0, b1, len, B, window, true, out0, out1, false, false, suffix, true, stdA0, stdA1, stdB0, stdB1);
}

function pairRange(
  a0: usize, a1: usize, b0: usize, b1: usize, len: i32, B: i32, window: i32, corr: bool,
  out0: usize, out1: usize, bounded0: bool, bounded1: bool, suffix: usize,
  marked: bool, stdA0: usize, stdA1: usize, stdB0: usize, stdB1: usize,
): i32 {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const two = f64x2.splat(2);
  const nan = f64x2.splat(NaN);
  const tolerance = f64x2.splat(2e-5); // the twin's STD_TOLERANCE
  const clear = f64x2.splat(4e-5 * 4e-5); // the twin's CLEAR_VARIANCE, (2 * STD_TOLERANCE)^2
  const bounded = laneMask(bounded0, bounded1);
  // Both lanes BOUNDED or MARKED: the own-std test (two divisions, two square roots a day) would be masked off anyway.
  const ownStdTest = !marked && !(bounded0 && bounded1);
  let failed = i64x2.splat(0);
  let lastA = zero, lastB = zero; // latest paired values
  let prevA = nan, prevB = nan, runA = zero, runB = zero;
  for (let bs = 0; bs < len; bs += B) {
    const be = min(bs + B, len);
    const headA = load2(a0, a1, bs), headB = load2(b0, b1, bs);
    let anchored = v128.and(f64x2.eq(f64x2.sub(headA, headA), zero), f64x2.eq(f64x2.sub(headB, headB), zero));
    let allAnchored = v128.all_true<i64>(anchored);
    let Ka = v128.bitselect(headA, lastA, anchored), Kb = v128.bitselect(headB, lastB, anchored);
    if (bs > 0) suffixPairSums(a0, a1, b0, b1, bs - B, B, Ka, Kb, suffix);
    let c = zero, sa = zero, sb = zero, saa = zero, sbb = zero, sab = zero;
    for (let t = bs; t < be; t++) {
      const va = load2(a0, a1, t), vb = load2(b0, b1, t);
      const paired = v128.and(f64x2.eq(f64x2.sub(va, va), zero), f64x2.eq(f64x2.sub(vb, vb), zero));
      if (!allAnchored) {
        const anchoring = v128.andnot(paired, anchored);
        if (v128.any_true(anchoring)) {
          anchored = v128.or(anchored, anchoring);
          allAnchored = v128.all_true<i64>(anchored);
          Ka = v128.bitselect(va, Ka, anchoring);
          Kb = v128.bitselect(vb, Kb, anchoring);
          if (bs > 0) suffixPairSums(a0, a1, b0, b1, bs - B, B, Ka, Kb, suffix);
        }
      }
      const da = v128.and(paired, f64x2.sub(va, Ka)), db = v128.and(paired, f64x2.sub(vb, Kb));
      c = f64x2.add(c, v128.and(paired, one));
      sa = f64x2.add(sa, da);
      sb = f64x2.add(sb, db);
      saa = f64x2.add(saa, f64x2.mul(da, da));
      sbb = f64x2.add(sbb, f64x2.mul(db, db));
      sab = f64x2.add(sab, f64x2.mul(da, db));
      // runs of equal values over the paired days (0 and -0 equal, as the twin's ===)
      runA = v128.bitselect(v128.bitselect(f64x2.add(runA, one), one, f64x2.eq(va, prevA)), runA, paired);
      runB = v128.bitselect(v128.bitselect(f64x2.add(runB, one), one, f64x2.eq(vb, prevB)), runB, paired);
      prevA = v128.bitselect(va, prevA, paired);
      prevB = v128.bitselect(vb, prevB, paired);
      lastA = prevA;
      lastB = prevB;
      let n = c, Sa = sa, Sb = sb, Saa = saa, Sbb = sbb, Sab = sab;
      const r = t - bs + 1;
      if (bs > 0 && r < B) {
        const at = suffix + <usize>r * 96;
        n = f64x2.add(n, v128.load(at));
        Sa = f64x2.add(Sa, v128.load(at, 16));
        Sb = f64x2.add(Sb, v128.load(at, 32));
        Saa = f64x2.add(Saa, v128.load(at, 48));
        Sbb = f64x2.add(Sbb, v128.load(at, 64));
        Sab = f64x2.add(Sab, v128.load(at, 80));
      }
      const few = f64x2.lt(n, two);
      const constant = v128.or(f64x2.ge(runA, n), f64x2.ge(runB, n));
      const centredAb = f64x2.sub(Sab, f64x2.div(f64x2.mul(Sa, Sb), n));
      let answer: v128;
      if (!corr) {
        answer = v128.bitselect(zero, f64x2.div(centredAb, f64x2.sub(n, one)), constant);
      } else {
        const va2 = f64x2.sub(Saa, f64x2.div(f64x2.mul(Sa, Sa), n));
        const vb2 = f64x2.sub(Sbb, f64x2.div(f64x2.mul(Sb, Sb), n));
        const flat = marked
          ? v128.or(f64x2.le(load2(stdA0, stdA1, t), tolerance), f64x2.le(load2(stdB0, stdB1, t), tolerance))
          : ownStdTest ? v128.andnot(v128.or(f64x2.le(ownStd(va2, n), tolerance), f64x2.le(ownStd(vb2, n), tolerance)), bounded) : zero;
        const span = f64x2.splat(<f64>((window > 0 && window <= t ? window : t + 1) - 1)); // >= own count - 1
        const bound = f64x2.mul(clear, span);
        const decided = v128.and(f64x2.gt(va2, bound), f64x2.gt(vb2, bound));
        failed = v128.or(failed, v128.andnot(v128.andnot(bounded, v128.or(few, constant)), decided));
        const defined = v128.and(f64x2.gt(va2, zero), f64x2.gt(vb2, zero));
        answer = v128.bitselect(f64x2.div(centredAb, f64x2.sqrt(f64x2.mul(va2, vb2))), nan, v128.andnot(defined, v128.or(constant, flat)));
      }
      store2(out0, out1, t, v128.bitselect(nan, answer, few));
    }
  }
  return (i64x2.extract_lane(failed, 0) != 0 ? 1 : 0) | (i64x2.extract_lane(failed, 1) != 0 ? 2 : 0);
}

/** The twin's ownStd: windowStatistics' standard deviation from a centred sum of squares. */
// @ts-ignore: decorator
@inline function ownStd(centred: v128, n: v128): v128 {
  const variance = f64x2.div(centred, f64x2.sub(n, f64x2.splat(1)));
  return f64x2.sqrt(v128.bitselect(f64x2.splat(0), variance, f64x2.lt(variance, f64x2.splat(0))));
}

/**
 * The twin's suffixPairSums, both lanes: suffix[r] = (count, sum da, sum db,
 * sum da^2, sum db^2, sum da*db) over paired days from offset r of the block, as six f64x2, 96 bytes per offset.
 */
function suffixPairSums(a0: usize, a1: usize, b0: usize, b1: usize, from: i32, B: i32, Ka: v128, Kb: v128, suffix: usize): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  let c = zero, sa = zero, sb = zero, saa = zero, sbb = zero, sab = zero;
  for (let r = B - 1; r >= 0; r--) {
    const va = load2(a0, a1, from + r), vb = load2(b0, b1, from + r);
    const paired = v128.and(f64x2.eq(f64x2.sub(va, va), zero), f64x2.eq(f64x2.sub(vb, vb), zero));
    const da = v128.and(paired, f64x2.sub(va, Ka)), db = v128.and(paired, f64x2.sub(vb, Kb));
    c = f64x2.add(c, v128.and(paired, one));
    sa = f64x2.add(sa, da);
    sb = f64x2.add(sb, db);
    saa = f64x2.add(saa, f64x2.mul(da, da));
    sbb = f64x2.add(sbb, f64x2.mul(db, db));
    sab = f64x2.add(sab, f64x2.mul(da, db));
    const at = suffix + <usize>r * 96;
    v128.store(at, c);
    v128.store(at, sa, 16);
    v128.store(at, sb, 32);
    v128.store(at, saa, 48);
    v128.store(at, sbb, 64);
    v128.store(at, sab, 80);
  }
}
