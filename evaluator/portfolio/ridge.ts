/**
 * The linear baseline: closed-form ridge regression on the processed
 * features, its penalty chosen on valid.
 *
 * For a penalty lambda it minimises
 *     (1/n) * sum (y - a - x.b)^2 + lambda * |b|^2
 * (intercept a unpenalised) by solving the centred normal equations
 *     (Cxx + lambda I) b = Cxy,   a = mean(y) - mean(x).b
 * with Cxx, Cxy the train covariances (float64), by Cholesky. lambda is on the
 * scale of a feature's variance, about 1 after the robust z-score. The
 * penalty with the smallest valid mean squared error wins (the smallest such
 * penalty on ties); lambda = 0 is ordinary least squares, skipped when singular.
 */

import { solveCholesky } from './cholesky.js';
import type { FittedModel, RidgeSummary, TrainingSet } from './model.js';

export const RIDGE_PENALTIES: readonly number[] = [0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];

/** Rows per block when accumulating cross-products (the block is held column-major in float64). */
const BLOCK = 256;

export function fitRidge(train: TrainingSet, valid: TrainingSet, penalties: readonly number[] = RIDGE_PENALTIES): FittedModel {
  if (train.rows === 0) throw new RangeError('ridge: the train split has no rows with a finite label');
  if (valid.rows === 0) throw new RangeError('ridge: the valid split has no rows with a finite label');
  const F = train.cols;
  const { meanX, meanY, cxx, cxy } = centredMoments(train);
  const system = new Float64Array(F * F);
  const path: { lambda: number; validMse: number }[] = [];
  let best: { lambda: number; validMse: number; coefficients: Float64Array; intercept: number } | null = null;
  for (const lambda of penalties) {
    system.set(cxx);
    for (let k = 0; k < F; k++) system[k * F + k]! += lambda;
    const coefficients = solveCholesky(system, cxy, F);
    if (!coefficients) {
      path.push({ lambda, validMse: NaN });
      continue;
    }
    let intercept = meanY;
    for (let k = 0; k < F; k++) intercept -= meanX[k]! * coefficients[k]!;
    const prediction = predictLinear(valid.X, valid.rows, F, intercept, coefficients);
    let squares = 0;
    for (let r = 0; r < valid.rows; r++) squares += (prediction[r]! - valid.label[r]!) ** 2;
    const validMse = squares / valid.rows;
    path.push({ lambda, validMse });
    if (!best || validMse < best.validMse) best = { lambda, validMse, coefficients, intercept };
  }
  if (!best) throw new RangeError(`ridge: the normal equations are singular for every penalty tried (${penalties.join(', ')})`);
  const summary: RidgeSummary = { kind: 'ridge', lambda: best.lambda, intercept: best.intercept, coefficients: best.coefficients, path };
  const { intercept, coefficients } = best;
  return {
    summary,
    predict: (X, rows) => predictLinear(X, rows, F, intercept, coefficients),
    dispose: () => {},
  };
}

export function predictLinear(X: Float32Array, rows: number, cols: number, intercept: number, coefficients: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = intercept;
    const base = r * cols;
    for (let k = 0; k < cols; k++) s += X[base + k]! * coefficients[k]!;
    out[r] = s;
  }
  return out;
}

interface Moments {
  readonly meanX: Float64Array;
  readonly meanY: number;
  /** Covariance of the features (divided by n), full symmetric F x F. */
  readonly cxx: Float64Array;
  /** Covariance of each feature with the label. */
  readonly cxy: Float64Array;
}

/** Two passes: means, then centred cross-products (no cancellation from subtracting large raw sums). */
function centredMoments(set: TrainingSet): Moments {
  const { X, rows: n, cols: F, label } = set;
  const meanX = new Float64Array(F);
  let meanY = 0;
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < F; k++) meanX[k]! += X[r * F + k]!;
    meanY += label[r]!;
  }
  for (let k = 0; k < F; k++) meanX[k]! /= n;
  meanY /= n;

  const cxx = new Float64Array(F * F);
  const cxy = new Float64Array(F);
  const block = new Float64Array(F * BLOCK);
  const y = new Float64Array(BLOCK);
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const m = Math.min(BLOCK, n - r0);
    for (let r = 0; r < m; r++) {
      const base = (r0 + r) * F;
      for (let k = 0; k < F; k++) block[k * BLOCK + r] = X[base + k]! - meanX[k]!;
      y[r] = label[r0 + r]! - meanY;
    }
    for (let k = 0; k < F; k++) {
      const a = k * BLOCK;
      for (let j = k; j < F; j++) cxx[k * F + j]! += dot(block, a, j * BLOCK, m);
      let s = 0;
      for (let r = 0; r < m; r++) s += block[a + r]! * y[r]!;
      cxy[k]! += s;
    }
  }
  for (let k = 0; k < F; k++) {
    cxy[k]! /= n;
    for (let j = k; j < F; j++) {
      const c = cxx[k * F + j]! / n;
      cxx[k * F + j] = c;
      cxx[j * F + k] = c;
    }
  }
  return { meanX, meanY, cxx, cxy };
}

/** Dot product of two length-m stretches of `v`, four accumulators for instruction-level parallelism. */
function dot(v: Float64Array, a: number, b: number, m: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let r = 0;
  for (; r + 3 < m; r += 4) {
    s0 += v[a + r]! * v[b + r]!;
    s1 += v[a + r + 1]! * v[b + r + 1]!;
    s2 += v[a + r + 2]! * v[b + r + 2]!;
    s3 += v[a + r + 3]! * v[b + r + 3]!;
  }
  for (; r < m; r++) s0 += v[a + r]! * v[b + r]!;
  return s0 + s1 + s2 + s3;
}
