/**
 * What every combiner fits on and what it hands back: a fitted model scores
 * processed feature rows; its summary says how it was chosen on valid.
 */

export interface TrainingSet {
  /** Row-major rows x cols processed features. */
  readonly X: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** The processed (CSRankNorm) label of each row. */
  readonly label: Float32Array;
}

export interface XgboostSummary {
  readonly kind: 'xgboost';
  /** Parameters passed to XGBoost, as strings. */
  readonly params: Readonly<Record<string, string>>;
  /** Rounds trained before stopping. */
  readonly rounds: number;
  /** Rounds kept: the best valid RMSE was after round bestRounds (1-based). */
  readonly bestRounds: number;
  readonly stoppedEarly: boolean;
  /** RMSE of the processed label after each round. */
  readonly trainRmse: Float64Array;
  readonly validRmse: Float64Array;
}

export interface RidgeSummary {
  readonly kind: 'ridge';
  /** Penalty chosen on valid (see ridge.ts for its scale). */
  readonly lambda: number;
  readonly intercept: number;
  readonly coefficients: Float64Array;
  /** Valid mean squared error for each penalty tried (NaN where the system was singular). */
  readonly path: readonly { readonly lambda: number; readonly validMse: number }[];
}

export type ModelSummary = XgboostSummary | RidgeSummary;

export interface FittedModel {
  readonly summary: ModelSummary;
  /** Scores rows x cols processed rows (the training column order). */
  predict(X: Float32Array, rows: number): Float64Array;
  /** Frees native memory (XGBoost's booster); the model cannot predict afterwards. */
  dispose(): void;
}
