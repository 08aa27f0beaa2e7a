/**
 * Pearson correlation of the first n entries of two arrays.
 *
 * Two passes over centred values rather than one pass of raw sums: factor
 * values can carry a large common offset (prices, volumes), where raw-sum
 * formulas cancel catastrophically. Values so large or so small that their
 * squares leave the double range (LLM-written factors produce them) are
 * first scaled by an exact power of two.
 */
export function pearson(x: Float64Array, y: Float64Array, n: number): number {
  if (n < 2) return NaN;
  let xMin = x[0]!;
  let xMax = xMin;
  let yMin = y[0]!;
  let yMax = yMin;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < n; k++) {
    const xk = x[k]!;
    const yk = y[k]!;
    sx += xk;
    sy += yk;
    if (xk < xMin) xMin = xk;
    else if (xk > xMax) xMax = xk;
    if (yk < yMin) yMin = yk;
    else if (yk > yMax) yMax = yk;
  }
  // A constant side has no correlation (pandas gives NaN too). Tested exactly:
  // the rounded mean of equal values can differ from them, leaving noise.
  if (xMin === xMax || yMin === yMax) return NaN;
  const cx = powerOfTwoScale(Math.max(-xMin, xMax));
  const cy = powerOfTwoScale(Math.max(-yMin, yMax));
  if (cx !== 1 || cy !== 1) {
    // Rare: the sums above may have overflowed; redo them scaled.
    sx = 0;
    sy = 0;
    for (let k = 0; k < n; k++) {
      sx += x[k]! * cx;
      sy += y[k]! * cy;
    }
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = x[k]! * cx - mx;
    const dy = y[k]! * cy - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
}

/** 1 for ordinary magnitudes, else an exact power of two bringing `magnitude` near 1e±130. */
function powerOfTwoScale(magnitude: number): number {
  if (magnitude > 1e150) return 2 ** -600;
  if (magnitude < 1e-150) return 2 ** 600;
  return 1;
}

/**
 * Pearson correlation of two arrays of average ranks 1..n (Spearman's rho):
 * their means are exactly (n + 1) / 2, so one pass suffices.
 */
export function rankCorrelation(xRank: Float64Array, yRank: Float64Array, n: number): number {
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = xRank[k]! - mean;
    const dy = yRank[k]! - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // All tied on one side: no correlation.
  if (sxx === 0 || syy === 0) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}
