import { describe, expect, it } from 'vitest';

import {
  XgboostError,
  fitRidge,
  locateXgboost,
  QLIB_XGBOOST_OPTIONS,
  trainXgboost,
  xgboostLibrary,
  type XgboostOptions,
} from '../../evaluator/portfolio/index.js';
import { meanSquaredError, syntheticSet, uniform } from './fixtures.js';

const FAST: XgboostOptions = { ...QLIB_XGBOOST_OPTIONS, eta: 0.3, maxDepth: 4, maxRounds: 200, earlyStoppingRounds: 10, threads: 2, seed: 7 };

// A relation no linear model can follow: a sine of one feature plus an interaction with zero linear correlation.
const nonlinear = (x: Float32Array): number => Math.sin(3 * x[0]!) + 2 * x[1]! * x[2]!;

describe('XGBoost through its C library', () => {
  it('learns a nonlinear relation that ridge cannot', () => {
    const train = syntheticSet(4000, 5, 1, nonlinear);
    const valid = syntheticSet(1000, 5, 2, nonlinear);
    const test = syntheticSet(2000, 5, 3, nonlinear);
    const xgb = trainXgboost(train, valid, FAST);
    const ridge = fitRidge(train, valid);
    try {
      const xgbMse = meanSquaredError(xgb.predict(test.X, test.rows), test.label);
      const ridgeMse = meanSquaredError(ridge.predict(test.X, test.rows), test.label);
      // Label variance is about 0.44 + 0.44; ridge captures only the sine's linear part.
      expect(ridgeMse).toBeGreaterThan(0.4);
      expect(xgbMse).toBeLessThan(0.05);
    } finally {
      xgb.dispose();
    }
  });

  it('stops early once valid RMSE has not improved for the patience, and predicts with the best rounds', () => {
    // Pure noise: the first rounds fit nothing real, so valid RMSE soon rises and training must stop.
    const noise = uniform(11);
    const train = syntheticSet(3000, 4, 4, () => noise() * 2 - 1);
    const valid = syntheticSet(1000, 4, 5, () => noise() * 2 - 1);
    const model = trainXgboost(train, valid, { ...FAST, maxRounds: 500, earlyStoppingRounds: 5 });
    try {
      const s = model.summary;
      if (s.kind !== 'xgboost') throw new Error('expected an XGBoost summary');
      expect(s.stoppedEarly).toBe(true);
      expect(s.rounds).toBe(s.bestRounds + 5);
      expect(s.rounds).toBeLessThan(500);
      const best = Math.min(...s.validRmse);
      expect(s.validRmse[s.bestRounds - 1]).toBe(best);
      // The model predicts with the first bestRounds trees: its valid RMSE is the best one, not the last.
      const rmse = Math.sqrt(meanSquaredError(model.predict(valid.X, valid.rows), valid.label));
      expect(rmse).toBeCloseTo(best, 5);
      expect(rmse).toBeLessThan(s.validRmse[s.rounds - 1]!);
    } finally {
      model.dispose();
    }
  });

  it('is deterministic for a seed, and the seed matters when rows and features are sampled', () => {
    const train = syntheticSet(2000, 5, 6, nonlinear);
    const valid = syntheticSet(500, 5, 7, nonlinear);
    const predictions = (seed: number): Float64Array => {
      const model = trainXgboost(train, valid, { ...FAST, maxRounds: 30, subsample: 0.7, colsampleByTree: 0.6, seed });
      try {
        return model.predict(valid.X, valid.rows);
      } finally {
        model.dispose();
      }
    };
    const a = predictions(3);
    expect(predictions(3)).toEqual(a);
    expect(predictions(4)).not.toEqual(a);
  });

  it('treats NaN features as missing', () => {
    const train = syntheticSet(2000, 3, 8, (x) => (Number.isNaN(x[0]!) ? 5 : x[0]!));
    for (let r = 0; r < train.rows; r += 4) {
      train.X[r * 3] = NaN;
      train.label[r] = 5;
    }
    const model = trainXgboost(train, train, { ...FAST, maxRounds: 100 });
    try {
      const probe = new Float32Array([NaN, 0, 0, 0.5, 0, 0]);
      const [missing, present] = model.predict(probe, 2);
      expect(missing).toBeCloseTo(5, 1);
      expect(present).toBeCloseTo(0.5, 1);
    } finally {
      model.dispose();
    }
  });

  it('says in one line where the library is missing and how to install it', () => {
    expect(() => locateXgboost({ ALPHASWARM_XGBOOST_LIB: '/nonexistent/libxgboost.so' })).toThrow(
      new XgboostError('ALPHASWARM_XGBOOST_LIB=/nonexistent/libxgboost.so: no such file'),
    );
    expect(locateXgboost({})).toMatch(/libxgboost\.so/);
  });

  it('turns an XGBoost error into one line naming the call', () => {
    const xgb = xgboostLibrary();
    const data = syntheticSet(50, 3, 9, nonlinear);
    const matrix = xgb.dmatrixFromDense(data.X, data.rows, data.cols);
    const booster = xgb.createBooster([matrix]);
    try {
      xgb.setLabel(matrix, data.label);
      // XGBoost validates parameters lazily, when the first round configures the learner.
      xgb.setParam(booster, 'tree_method', 'no-such-method');
      let message = '';
      try {
        xgb.updateOneIter(booster, 0, matrix);
      } catch (error) {
        expect(error).toBeInstanceOf(XgboostError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/^XGBoosterUpdateOneIter\(round 0\): .*no-such-method/);
      expect(message).not.toMatch(/\n|Stack trace/);
    } finally {
      xgb.freeBooster(booster);
      xgb.freeDMatrix(matrix);
    }
  });

  it('rejects options out of range before calling XGBoost', () => {
    const train = syntheticSet(200, 3, 9, nonlinear);
    expect(() => trainXgboost(train, train, { ...FAST, minChildWeight: -1 })).toThrow(/minChildWeight must be >= 0/);
    expect(() => trainXgboost(train, train, { ...FAST, maxRounds: 0 })).toThrow(/maxRounds must be a positive integer/);
  });
});

describe('ridge', () => {
  it('recovers the exact coefficients of a linear relation', () => {
    const linear = (x: Float32Array): number => 0.5 + 2 * x[0]! - 3 * x[1]! + 0.25 * x[2]!;
    const train = syntheticSet(3000, 4, 21, linear);
    const valid = syntheticSet(500, 4, 22, linear);
    const model = fitRidge(train, valid);
    const s = model.summary;
    if (s.kind !== 'ridge') throw new Error('expected a ridge summary');
    // Without noise any penalty only hurts on valid: least squares (lambda 0) wins.
    expect(s.lambda).toBe(0);
    expect(s.intercept).toBeCloseTo(0.5, 5);
    [2, -3, 0.25, 0].forEach((expected, k) => expect(s.coefficients[k]).toBeCloseTo(expected, 5));
  });

  it('chooses a positive penalty on valid when features are nearly collinear and the label noisy', () => {
    const noise = uniform(31);
    const set = (rows: number, seed: number) => {
      const s = syntheticSet(rows, 3, seed, () => 0);
      for (let r = 0; r < rows; r++) {
        // feature 1 is feature 0 plus a little noise: least squares splits the weight wildly between them
        s.X[r * 3 + 1] = s.X[r * 3]! + (noise() - 0.5) * 0.002;
        s.label[r] = s.X[r * 3]! + (noise() - 0.5) * 2;
      }
      return s;
    };
    const model = fitRidge(set(60, 32), set(2000, 33));
    const s = model.summary;
    if (s.kind !== 'ridge') throw new Error('expected a ridge summary');
    expect(s.lambda).toBeGreaterThan(0);
    const ols = s.path.find((p) => p.lambda === 0)!;
    expect(s.path.find((p) => p.lambda === s.lambda)!.validMse).toBeLessThan(ols.validMse);
  });

  it('skips a singular system (duplicate feature) for lambda 0 and still fits', () => {
    const train = syntheticSet(500, 3, 41, (x) => x[0]!);
    for (let r = 0; r < train.rows; r++) train.X[r * 3 + 1] = train.X[r * 3]!;
    const model = fitRidge(train, train);
    const s = model.summary;
    if (s.kind !== 'ridge') throw new Error('expected a ridge summary');
    expect(Number.isNaN(s.path[0]!.validMse)).toBe(true);
    expect(s.lambda).toBeGreaterThan(0);
    // The weight is shared between the two identical columns.
    expect(s.coefficients[0]! + s.coefficients[1]!).toBeCloseTo(1, 4);
  });
});
