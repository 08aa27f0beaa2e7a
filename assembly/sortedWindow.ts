/**
 * slideSorted (operators/kernels/rolling/orderStatistics.ts) for one series:
 * Rank, Quantile and Med over a window of at most 64 days, every request
 * answered each day, bit for bit the twin's answers.
 *
 * The twin keeps the window's values sorted, equal values in the order they
 * arrived, and slides it by shifting the values between the leaving and the
 * arriving one. Here the values stay in a ring of `window` slots (day t in
 * slot t mod window) and each slot holds its value's position in that same
 * order, a byte: a value leaving moves every later position down by one,
 * a value arriving takes the position count(held <= value) (after its
 * equals, like the twin) and moves the positions from there up by one.
 * Both are a few SIMD compares over 64 bytes, and the counts are f64x2
 * compares over the ring: no data-dependent branch or loop, where the twin
 * mispredicted a few times a day. Order statistics are read by finding the
 * slot at a position (a byte compare and a count of trailing zeros).
 *
 * Memory is raw: the caller lays out the arrays above heapBase().
 */

/** Request kinds, as the twin numbers them. */
const RANK_KIND = 0;
const QUANTILE_KIND = 1;
/** The ring's capacity: positions are bytes, found with four 16-byte compares. */
const SLOTS = 64;
/** A slot's position when it holds no value. */
const EMPTY: i32 = 255;

/** Where the caller may place its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function at(s: usize, i: i32): f64 {
  return load<f64>(s + (<usize>i << 3));
}

/** Slot holding sorted position k (k < n): one byte of the four blocks equals k. */
// @ts-ignore: decorator
@inline function slotOf(p0: v128, p1: v128, p2: v128, p3: v128, k: i32): i32 {
  const key = i8x16.splat(<i8>k);
  const low = i8x16.bitmask(i8x16.eq(p0, key)) | (i8x16.bitmask(i8x16.eq(p1, key)) << 16);
  const high = i8x16.bitmask(i8x16.eq(p2, key)) | (i8x16.bitmask(i8x16.eq(p3, key)) << 16);
  return <i32>ctz((<u64>high << 32) | <u64>low);
}

/** Lanes of block b (slots 16b .. 16b + 15) equal to `slot`. */
// @ts-ignore: decorator
@inline function slotMask(b: i32, slot: i32): v128 {
  return i8x16.eq(v128(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), i8x16.splat(<i8>(slot - 16 * b)));
}

/** The byte at `slot` of the four blocks (a swizzle index out of a block's range reads 0). */
// @ts-ignore: decorator
@inline function byteAt(p0: v128, p1: v128, p2: v128, p3: v128, slot: i32): i32 {
  const picked = v128.or(
    v128.or(i8x16.swizzle(p0, i8x16.splat(<i8>slot)), i8x16.swizzle(p1, i8x16.splat(<i8>(slot - 16)))),
    v128.or(i8x16.swizzle(p2, i8x16.splat(<i8>(slot - 32))), i8x16.swizzle(p3, i8x16.splat(<i8>(slot - 48)))),
  );
  return <i32>i8x16.extract_lane_u(picked, 0);
}

/** Positions above p move down by one, EMPTY stays (it is above every position). */
// @ts-ignore: decorator
@inline function closeGap(q: v128, p: v128, empty: v128): v128 {
  return i8x16.add(q, v128.and(i8x16.gt_u(q, p), i8x16.ne(q, empty)));
}

/** Positions from p up move up by one, EMPTY stays. */
// @ts-ignore: decorator
@inline function openGap(q: v128, p: v128, empty: v128): v128 {
  return i8x16.sub(q, v128.and(i8x16.ge_u(q, p), i8x16.ne(q, empty)));
}

/**
 * Series x, `len` days, window 1 .. 64; m requests: kinds[j] (i32: rank,
 * quantile, median), levels[j] (f64, Quantile's q) and outs[j] (u32
 * pointer to len doubles). `ring` is scratch of 64 doubles. The positions
 * live in four SIMD registers; the ring is written a pair of slots at a time,
 * as the counts read it (a narrower store would stall the next day's load).
 */
export function slideSorted(x: usize, len: i32, window: i32, m: i32, kinds: usize, levels: usize, outs: usize, ring: usize): void {
  for (let i = 0; i < SLOTS; i++) store<f64>(ring + (<usize>i << 3), NaN);
  const empty = i8x16.splat(<i8>EMPTY);
  let p0 = empty, p1 = empty, p2 = empty, p3 = empty;
  const pairs = (window + 1) >> 1; // f64x2 vectors covering the ring's used slots
  let n = 0;
  let slot = 0; // t mod window
  for (let t = 0; t < len; t++) {
    // The value leaving (day t - window) sits in today's slot.
    const leavingPosition = byteAt(p0, p1, p2, p3, slot);
    const pairAt = ring + (<usize>(slot >> 1) << 4);
    const lane = (slot & 1) == 0 ? v128(-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0) : v128(0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1);
    if (leavingPosition != EMPTY) {
      const p = i8x16.splat(<i8>leavingPosition);
      p0 = closeGap(p0, p, empty);
      p1 = closeGap(p1, p, empty);
      p2 = closeGap(p2, p, empty);
      p3 = closeGap(p3, p, empty);
      n--;
    }
    const v = load<f64>(x + (<usize>t << 3));
    const arrives = v - v == 0; // finite
    let less = 0;
    let position = EMPTY;
    if (arrives) {
      // counts over the held values other than the leaving one (empty slots hold NaN, which compares false)
      const key = f64x2.splat(v);
      v128.store(pairAt, v128.bitselect(f64x2.splat(NaN), v128.load(pairAt), lane));
      let lt = i64x2.splat(0), le = i64x2.splat(0);
      for (let k = 0; k < pairs; k++) {
        const held = v128.load(ring + (<usize>k << 4));
        lt = i64x2.sub(lt, f64x2.lt(held, key));
        le = i64x2.sub(le, f64x2.le(held, key));
      }
      less = <i32>(i64x2.extract_lane(lt, 0) + i64x2.extract_lane(lt, 1));
      position = <i32>(i64x2.extract_lane(le, 0) + i64x2.extract_lane(le, 1));
      const p = i8x16.splat(<i8>position);
      p0 = openGap(p0, p, empty);
      p1 = openGap(p1, p, empty);
      p2 = openGap(p2, p, empty);
      p3 = openGap(p3, p, empty);
      n++;
    }
    // today's slot: today's value and position, or empty
    v128.store(pairAt, v128.bitselect(f64x2.splat(arrives ? v : NaN), v128.load(pairAt), lane));
    const mine = i8x16.splat(<i8>position);
    p0 = v128.bitselect(mine, p0, slotMask(0, slot));
    p1 = v128.bitselect(mine, p1, slotMask(1, slot));
    p2 = v128.bitselect(mine, p2, slotMask(2, slot));
    p3 = v128.bitselect(mine, p3, slotMask(3, slot));
    const count = <f64>n;
    for (let j = 0; j < m; j++) {
      const kind = load<i32>(kinds + (<usize>j << 2));
      let answer: f64;
      if (kind == RANK_KIND) {
        // the twin's (less + lessOrEqual + 1) / 2 / n: lessOrEqual counts today's value too
        answer = arrives ? (<f64>(less + position + 1) + 1) / 2 / count : NaN;
      } else if (n == 0) {
        answer = NaN;
      } else if (kind == QUANTILE_KIND) {
        const where = load<f64>(levels + (<usize>j << 3)) * <f64>(n - 1);
        const k = Math.floor(where);
        const low = at(ring, slotOf(p0, p1, p2, p3, <i32>k));
        answer = k == where ? low : low + (at(ring, slotOf(p0, p1, p2, p3, <i32>k + 1)) - low) * (where - k);
      } else {
        const mid = n >>> 1;
        const high = at(ring, slotOf(p0, p1, p2, p3, mid));
        answer = n % 2 == 1 ? high : (high + at(ring, slotOf(p0, p1, p2, p3, mid - 1))) / 2;
      }
      store<f64>(<usize>load<u32>(outs + (<usize>j << 2)) + (<usize>t << 3), answer);
    }
    slot = slot + 1 == window ? 0 : slot + 1;
  }
}
