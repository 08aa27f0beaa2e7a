/**
 * slideSorted (operators/kernels/rolling/orderStatistics.ts) for one series:
 * Rank, Quantile and Med over a short window kept sorted, every request
 * answered each day. It performs exactly the twin's steps (the same slots
 * shifted, the same values in the same places, the same arithmetic on
 * them), so results are equal bit for bit, zeros' signs included.
 *
 * Where it differs is how it gets there: the leaving value's slot is found
 * by a branch-free binary search (a `select` per halving, where the twin's
 * data-dependent branch was mispredicted about every other step), and the
 * day's answers come from a loop without calls. Memory is raw: the caller
 * lays out the arrays above heapBase().
 */

/** Request kinds, as the twin numbers them. */
const RANK_KIND = 0;
const QUANTILE_KIND = 1;

/** Where the caller may place its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function at(s: usize, i: i32): f64 {
  return load<f64>(s + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function put(s: usize, i: i32, v: f64): void {
  store<f64>(s + (<usize>i << 3), v);
}

/**
 * First slot of s[0..n) whose value is not below `key` (the twin's binary
 * search, same answer), without branches on data: the halving steps depend
 * on n alone, and each keeps or moves the base with a `select`.
 */
// @ts-ignore: decorator
@inline function lowerBound(s: usize, n: i32, key: f64): i32 {
  if (n == 0) return 0;
  let base = 0;
  let size = n;
  while (size > 1) {
    const half = size >>> 1;
    base = select<i32>(base + half, base, at(s, base + half) < key);
    size -= half;
  }
  return base + <i32>(at(s, base) < key);
}

/**
 * Series x, `len` days, window `window` (1 .. capacity of `s`, which holds
 * window + 1 doubles of scratch); m requests: kinds[j] (i32: rank,
 * quantile, median), levels[j] (f64, Quantile's q) and outs[j] (u32
 * pointer to len doubles).
 */
export function slideSorted(x: usize, len: i32, window: i32, m: i32, kinds: usize, levels: usize, outs: usize, s: usize): void {
  let n = 0;
  for (let t = 0; t < len; t++) {
    const v = at(x, t);
    const leaving = t >= window ? at(x, t - window) : NaN;
    const arrives = v - v == 0; // finite
    let inserted = -1;
    if (leaving - leaving == 0) {
      let i = lowerBound(s, n, leaving);
      if (arrives) {
        if (v >= leaving) {
          for (; i + 1 < n && at(s, i + 1) < v; i++) put(s, i, at(s, i + 1));
        } else {
          for (; i > 0 && at(s, i - 1) > v; i--) put(s, i, at(s, i - 1));
        }
        put(s, i, v);
        inserted = i;
      } else {
        for (; i < n - 1; i++) put(s, i, at(s, i + 1));
        n--;
      }
    } else if (arrives) {
      let i = n;
      for (; i > 0 && at(s, i - 1) > v; i--) put(s, i, at(s, i - 1));
      put(s, i, v);
      n++;
      inserted = i;
    }
    const count = <f64>n;
    for (let j = 0; j < m; j++) {
      const kind = load<i32>(kinds + (<usize>j << 2));
      let answer: f64;
      if (kind == RANK_KIND) {
        if (inserted < 0) {
          answer = NaN;
        } else {
          // the twin's lessPlusLessEqualAtInserted: the ends of today's run of ties
          let a = inserted, b = inserted;
          while (a > 0 && at(s, a - 1) == v) a--;
          while (b + 1 < n && at(s, b + 1) == v) b++;
          answer = (<f64>(a + b + 1) + 1) / 2 / count;
        }
      } else if (n == 0) {
        answer = NaN;
      } else if (kind == QUANTILE_KIND) {
        const position = load<f64>(levels + (<usize>j << 3)) * <f64>(n - 1);
        const k = Math.floor(position);
        const low = at(s, <i32>k);
        answer = k == position ? low : low + (at(s, <i32>k + 1) - low) * (position - k);
      } else {
        const mid = n >>> 1;
        answer = n % 2 == 1 ? at(s, mid) : (at(s, mid) + at(s, mid - 1)) / 2;
      }
      put(<usize>load<u32>(outs + (<usize>j << 2)), t, answer);
    }
  }
}
