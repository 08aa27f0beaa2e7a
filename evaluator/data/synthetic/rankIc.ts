/**
 * The daily cross-sectional rank IC the synthetic market calibrates its
 * planted signals against (Spearman correlation of signal and label across
 * instruments, ties averaged), over instrument-major N*T arrays.
 */

/** Days with fewer valid pairs than this have no IC (a rank correlation of a handful of points is noise). */
export const MIN_CROSS_SECTION = 10;

/**
 * For each signal, the mean over days of its daily rank IC with `label`
 * (pairs where both are finite; `members`, N*T with 1 = in, restricts each
 * day's cross-section). The label's ranks are shared by every signal that is
 * finite wherever the label is, which is most days.
 */
export function meanRankIcs(signals: readonly Float64Array[], label: Float64Array, N: number, T: number, members?: Uint8Array): number[] {
  const labelRows = new Int32Array(N);
  const labelValues = new Float64Array(N);
  const xs = new Float64Array(N);
  const ys = new Float64Array(N);
  const sums = signals.map(() => 0);
  const days = signals.map(() => 0);
  for (let t = 0; t < T; t++) {
    let m = 0;
    for (let i = 0; i < N; i++) {
      const y = label[i * T + t]!;
      if (Number.isFinite(y) && (!members || members[i * T + t] === 1)) {
        labelRows[m] = i;
        labelValues[m++] = y;
      }
    }
    if (m < MIN_CROSS_SECTION) continue;
    const labelRanks = averageRanks(labelValues.subarray(0, m));
    signals.forEach((signal, s) => {
      let n = 0;
      for (let j = 0; j < m; j++) {
        const x = signal[labelRows[j]! * T + t]!;
        if (!Number.isFinite(x)) continue;
        xs[n] = x;
        ys[n++] = labelValues[j]!;
      }
      if (n < MIN_CROSS_SECTION) return;
      const ic = pearson(averageRanks(xs.subarray(0, n)), n === m ? labelRanks : averageRanks(ys.subarray(0, n)));
      if (Number.isNaN(ic)) return;
      sums[s] += ic;
      days[s]++;
    });
  }
  return sums.map((sum, s) => (days[s] === 0 ? NaN : sum / days[s]!));
}

/** 1-based ranks, tied values sharing their average rank (values must be finite). */
export function averageRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  sortIndices(order, values, 0, n);
  const ranks = new Float64Array(n);
  for (let lo = 0; lo < n; ) {
    let hi = lo + 1;
    while (hi < n && values[order[hi]!] === values[order[lo]!]) hi++;
    const rank = (lo + 1 + hi) / 2; // mean of the 1-based ranks lo+1 .. hi
    for (let k = lo; k < hi; k++) ranks[order[k]!] = rank;
    lo = hi;
  }
  return ranks;
}

/**
 * Sorts order[lo, hi) by values[order[k]]: quicksort with a median-of-three
 * pivot, insertion sort for short runs. About twice as fast as
 * Int32Array.prototype.sort with a comparator, which dominates calibration.
 */
function sortIndices(order: Int32Array, values: Float64Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    const [a, b, c] = [values[order[lo]!]!, values[order[mid]!]!, values[order[hi - 1]!]!];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      while (values[order[i]!]! < pivot) i++;
      while (values[order[j]!]! > pivot) j--;
      if (i <= j) {
        const swap = order[i]!;
        order[i++] = order[j]!;
        order[j--] = swap;
      }
    }
    // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
    if (j + 1 - lo < hi - i) {
      sortIndices(order, values, lo, j + 1);
      lo = i;
    } else {
      sortIndices(order, values, i, hi);
      hi = j + 1;
    }
  }
  for (let k = lo + 1; k < hi; k++) {
    const index = order[k]!;
    const v = values[index]!;
    let j = k - 1;
    while (j >= lo && values[order[j]!]! > v) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = index;
  }
}

export function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < n; k++) {
    mx += x[k]!;
    my += y[k]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    sxy += (x[k]! - mx) * (y[k]! - my);
    sxx += (x[k]! - mx) ** 2;
    syy += (y[k]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}
