/** Small deterministic inputs for the portfolio tests. */

import type { TrainingSet } from '../../evaluator/portfolio/index.js';
import { mulberry32 } from '../../agents/mulberry32.js';

/** A tiny seeded uniform [0, 1) generator, so every test input is reproducible. */
export const uniform = mulberry32;

/** rows x cols features uniform on [-1, 1] and a label computed from each row. */
export function syntheticSet(rows: number, cols: number, seed: number, label: (x: Float32Array, r: number) => number): TrainingSet {
  const next = uniform(seed);
  const X = new Float32Array(rows * cols);
  for (let k = 0; k < X.length; k++) X[k] = next() * 2 - 1;
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) y[r] = label(X.subarray(r * cols, (r + 1) * cols), r);
  return { X, rows, cols, label: y };
}

export function meanSquaredError(prediction: ArrayLike<number>, label: ArrayLike<number>): number {
  let s = 0;
  for (let r = 0; r < label.length; r++) s += (prediction[r]! - label[r]!) ** 2;
  return s / label.length;
}
