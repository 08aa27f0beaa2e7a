/**
 * Gradient-boosted trees (XGBoost's C library) with early stopping on valid,
 * the way qlib's XGBModel trains its Alpha158 benchmark: squared error on the
 * CSRank label, RMSE on valid, at most 1000 rounds, stop after 50 without a
 * new best. The loop is ours (UpdateOneIter, then EvalOneIter on train and
 * valid); prediction keeps only the rounds up to the best valid RMSE, where
 * qlib's XGBModel predicts with every tree trained.
 */

import { availableParallelism } from 'node:os';

import type { FittedModel, TrainingSet, XgboostSummary } from '../model.js';
import { type BoosterHandle, type DMatrixHandle, XgboostError, xgboostLibrary } from './library.js';

export interface XgboostOptions {
  /** Learning rate. */
  readonly eta: number;
  readonly maxDepth: number;
  /** Row share sampled per tree. */
  readonly subsample: number;
  /** Feature share sampled per tree. */
  readonly colsampleByTree: number;
  /** L2 penalty on leaf weights. */
  readonly lambda: number;
  readonly minChildWeight: number;
  readonly maxRounds: number;
  /** Stop after this many rounds without a lower valid RMSE. */
  readonly earlyStoppingRounds: number;
  /** OpenMP threads; default every core. */
  readonly threads: number;
  readonly seed: number;
}

/**
 * qlib's examples/benchmarks/XGBoost/workflow_config_xgboost_Alpha158.yaml
 * (eta, max_depth, subsample, colsample_bytree; XGBoost's defaults for lambda
 * and min_child_weight) with XGBModel.fit's 1000 rounds and 50-round patience.
 */
export const QLIB_XGBOOST_OPTIONS: XgboostOptions = {
  eta: 0.0421,
  maxDepth: 8,
  subsample: 0.8789,
  colsampleByTree: 0.8879,
  lambda: 1,
  minChildWeight: 1,
  maxRounds: 1000,
  earlyStoppingRounds: 50,
  threads: availableParallelism(),
  seed: 0,
};

export function trainXgboost(train: TrainingSet, valid: TrainingSet, options: XgboostOptions = QLIB_XGBOOST_OPTIONS): FittedModel {
  checkOptions(options);
  if (train.rows === 0) throw new RangeError('xgboost: the train split has no rows with a finite label');
  if (valid.rows === 0) throw new RangeError('xgboost: the valid split has no rows with a finite label');
  if (valid.cols !== train.cols) throw new RangeError(`xgboost: valid has ${valid.cols} features, train ${train.cols}`);
  const xgb = xgboostLibrary();
  const params: Record<string, string> = {
    objective: 'reg:squarederror',
    eval_metric: 'rmse',
    // Histogram trees: the fast CPU method (XGBoost 2 made it the default).
    tree_method: 'hist',
    eta: String(options.eta),
    max_depth: String(options.maxDepth),
    subsample: String(options.subsample),
    colsample_bytree: String(options.colsampleByTree),
    lambda: String(options.lambda),
    min_child_weight: String(options.minChildWeight),
    nthread: String(options.threads),
    seed: String(options.seed),
    verbosity: '1',
  };

  const matrices: DMatrixHandle[] = [];
  let booster: BoosterHandle | null = null;
  try {
    const dtrain = labelled(train);
    matrices.push(dtrain);
    const dvalid = labelled(valid);
    matrices.push(dvalid);
    booster = xgb.createBooster([dtrain, dvalid]);
    for (const [name, value] of Object.entries(params)) xgb.setParam(booster, name, value);

    const trainRmse: number[] = [];
    const validRmse: number[] = [];
    let best = -1;
    for (let round = 0; round < options.maxRounds; round++) {
      xgb.updateOneIter(booster, round, dtrain);
      const line = xgb.evalOneIter(booster, round, [dtrain, dvalid], ['train', 'valid']);
      trainRmse.push(metricOf(line, 'train-rmse'));
      validRmse.push(metricOf(line, 'valid-rmse'));
      if (best < 0 || validRmse[round]! < validRmse[best]!) best = round;
      if (round - best >= options.earlyStoppingRounds) break;
    }
    const summary: XgboostSummary = {
      kind: 'xgboost',
      params,
      rounds: trainRmse.length,
      bestRounds: best + 1,
      stoppedEarly: trainRmse.length < options.maxRounds,
      trainRmse: Float64Array.from(trainRmse),
      validRmse: Float64Array.from(validRmse),
    };
    for (const matrix of matrices.splice(0)) xgb.freeDMatrix(matrix);
    return boosterModel(booster, train.cols, summary);
  } catch (error) {
    if (booster) xgb.freeBooster(booster);
    throw error;
  } finally {
    for (const matrix of matrices) xgb.freeDMatrix(matrix);
  }

  function labelled(set: TrainingSet): DMatrixHandle {
    const matrix = xgb.dmatrixFromDense(set.X, set.rows, set.cols);
    try {
      xgb.setLabel(matrix, set.label);
    } catch (error) {
      xgb.freeDMatrix(matrix);
      throw error;
    }
    return matrix;
  }
}

function boosterModel(booster: BoosterHandle, cols: number, summary: XgboostSummary): FittedModel {
  const xgb = xgboostLibrary();
  let live = true;
  return {
    summary,
    predict(X, rows) {
      if (!live) throw new XgboostError('xgboost: predict after dispose');
      const matrix = xgb.dmatrixFromDense(X, rows, cols);
      try {
        return Float64Array.from(xgb.predict(booster, matrix, summary.bestRounds));
      } finally {
        xgb.freeDMatrix(matrix);
      }
    },
    dispose() {
      if (!live) return;
      live = false;
      xgb.freeBooster(booster);
    },
  };
}

/** `[12]\ttrain-rmse:0.98\tvalid-rmse:1.01` -> the value named `name`. */
function metricOf(line: string, name: string): number {
  const match = new RegExp(`\\b${name}:([-+0-9.eE]+|nan|inf)`).exec(line);
  if (!match) throw new XgboostError(`xgboost: no ${name} in the evaluation line ${JSON.stringify(line)}`);
  return Number(match[1]);
}

function checkOptions(o: XgboostOptions): void {
  const fail = (what: string): never => {
    throw new RangeError(`xgboost: ${what}`);
  };
  if (!(o.eta > 0 && o.eta <= 1)) fail(`eta must be in (0, 1], got ${o.eta}`);
  if (!Number.isInteger(o.maxDepth) || o.maxDepth < 1 || o.maxDepth > 16) fail(`maxDepth must be an integer in [1, 16], got ${o.maxDepth}`);
  if (!(o.subsample > 0 && o.subsample <= 1)) fail(`subsample must be in (0, 1], got ${o.subsample}`);
  if (!(o.colsampleByTree > 0 && o.colsampleByTree <= 1)) fail(`colsampleByTree must be in (0, 1], got ${o.colsampleByTree}`);
  if (!(o.lambda >= 0)) fail(`lambda must be >= 0, got ${o.lambda}`);
  if (!(o.minChildWeight >= 0)) fail(`minChildWeight must be >= 0, got ${o.minChildWeight}`);
  if (!Number.isInteger(o.maxRounds) || o.maxRounds < 1) fail(`maxRounds must be a positive integer, got ${o.maxRounds}`);
  if (!Number.isInteger(o.earlyStoppingRounds) || o.earlyStoppingRounds < 1) fail(`earlyStoppingRounds must be a positive integer, got ${o.earlyStoppingRounds}`);
  if (!Number.isInteger(o.threads) || o.threads < 1) fail(`threads must be a positive integer, got ${o.threads}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) fail(`seed must be a non-negative integer, got ${o.seed}`);
}
