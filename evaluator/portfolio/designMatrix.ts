/**
 * The model's input: one float32 row per sample, features processed as
 * qlib's Alpha158 infer processors do (RobustZScoreNorm fitted on train,
 * clipped, then Fillna(0)). Float32 because that is what XGBoost takes and
 * half the memory: 157 features x 574k train rows (CSI 300, 2010-2018) is 360 MB.
 */

import { ROBUST_CLIP, type RobustZScore, fitRobustZScoreFeature } from './robustZScore.js';
import type { RowSet } from './rows.js';

export interface DesignMatrix {
  readonly rows: RowSet;
  readonly cols: number;
  /** Row-major, rows.count x cols. */
  readonly X: Float32Array;
}

/** Features filled per pass: 16 float32 values are one 64-byte cache line of a row. */
const FEATURE_BLOCK = 16;

export function buildDesignMatrix(features: readonly Float64Array[], rows: RowSet, T: number, norm: RobustZScore): DesignMatrix {
  const cols = features.length;
  const X = new Float32Array(rows.count * cols);
  const { instrument, day, count } = rows;
  const { center, scale } = norm;
  const clip = ROBUST_CLIP; // a local: V8 reloads an imported binding on every access (2.4x slower here)
  // Rows are day-major, features instrument-major: a block of features per pass keeps both the
  // row's cache line being written and the features' current days in cache.
  for (let k0 = 0; k0 < cols; k0 += FEATURE_BLOCK) {
    const k1 = Math.min(cols, k0 + FEATURE_BLOCK);
    for (let r = 0; r < count; r++) {
      const cell = instrument[r]! * T + day[r]!;
      for (let k = k0; k < k1; k++) {
        // robustZ inlined (this runs once per cell of the matrix), then Fillna(0)
        let z = (features[k]![cell]! - center[k]!) / scale[k]!;
        if (z > clip) z = clip;
        else if (z < -clip) z = -clip;
        else if (z !== z) z = 0;
        X[r * cols + k] = z;
      }
    }
  }
  return { rows, cols, X };
}

/**
 * The design matrices of several row sets, built from features handed over
 * one at a time, so a library's values are never held whole (Alpha158 over
 * CSI 300 is 157 x 17 MB of float64; its matrices are a third of that).
 *
 * Each feature's robust z-score is fitted on `fitRows` (train member rows)
 * when the feature arrives; its processed values are staged per row set, a
 * column at a time, and written into the row-major matrices a block of
 * FEATURE_BLOCK features at a time (one cache line per row per pass), as
 * buildDesignMatrix writes them. The result equals fitRobustZScore +
 * buildDesignMatrix on the same features.
 */
export class StreamedDesignMatrices {
  private readonly X: Float32Array[];
  /** Per row set: FEATURE_BLOCK columns of processed values, column-major. */
  private readonly staged: Float32Array[];
  private readonly fitScratch: Float64Array;
  private readonly center: Float64Array;
  private readonly scale: Float64Array;
  private added = 0;

  constructor(
    readonly cols: number,
    private readonly fitRows: RowSet,
    private readonly targets: readonly RowSet[],
    private readonly T: number,
  ) {
    if (!Number.isInteger(cols) || cols < 1) throw new RangeError(`design matrix: cols must be a positive integer, got ${cols}`);
    this.X = targets.map((rows) => new Float32Array(rows.count * cols));
    this.staged = targets.map((rows) => new Float32Array(rows.count * Math.min(FEATURE_BLOCK, cols)));
    this.fitScratch = new Float64Array(fitRows.count);
    this.center = new Float64Array(cols);
    this.scale = new Float64Array(cols);
  }

  /** The next feature (N*T, panel layout); read only during this call. */
  add(values: Float64Array): void {
    const k = this.added;
    if (k >= this.cols) throw new RangeError(`design matrix: feature ${k + 1} given, only ${this.cols} expected`);
    const { center, scale } = fitRobustZScoreFeature(values, this.fitRows, this.T, this.fitScratch);
    this.center[k] = center;
    this.scale[k] = scale;
    const j = k % FEATURE_BLOCK;
    const clip = ROBUST_CLIP;
    const T = this.T;
    this.targets.forEach((rows, s) => {
      const staged = this.staged[s]!;
      const { instrument, day, count } = rows;
      const base = j * count;
      for (let r = 0; r < count; r++) {
        let z = (values[instrument[r]! * T + day[r]!]! - center) / scale;
        if (z > clip) z = clip;
        else if (z < -clip) z = -clip;
        else if (z !== z) z = 0;
        staged[base + r] = z;
      }
    });
    this.added++;
    if (j === FEATURE_BLOCK - 1 || this.added === this.cols) this.flush(k - j, k + 1);
  }

  /** One matrix per row set (in the constructor's order) and the fitted transform; after the last feature. */
  finish(): { readonly matrices: readonly DesignMatrix[]; readonly norm: RobustZScore } {
    if (this.added !== this.cols) throw new RangeError(`design matrix: ${this.added} of ${this.cols} features given`);
    return {
      matrices: this.targets.map((rows, s) => ({ rows, cols: this.cols, X: this.X[s]! })),
      norm: { center: this.center, scale: this.scale },
    };
  }

  private flush(k0: number, k1: number): void {
    const cols = this.cols;
    const width = k1 - k0;
    this.targets.forEach((rows, s) => {
      const X = this.X[s]!;
      const staged = this.staged[s]!;
      const count = rows.count;
      for (let r = 0; r < count; r++) {
        const row = r * cols + k0;
        for (let j = 0; j < width; j++) X[row + j] = staged[j * count + r]!;
      }
    });
  }
}
