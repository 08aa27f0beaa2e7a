/**
 * The portfolio stage: judge a factor pool by what it earns once combined,
 * as QuantaAlpha, CogAlpha and R&D-Agent(Q) do with qlib.
 *
 *  1. Rows: universe members per day; train and valid keep rows with a
 *     finite label (DropnaLabel), test keeps every member row.
 *  2. Features: RobustZScoreNorm fitted on train rows only, clipped to
 *     [-3, 3], then Fillna(0). Label (train and valid): CSRankNorm.
 *  3. Combiner: XGBoost with early stopping on valid RMSE, or the ridge
 *     baseline with its penalty chosen on valid MSE.
 *  4. Signal quality per split: daily IC and RankIC of the prediction
 *     against the raw label over universe members.
 *  5. Test only: TopkDropout backtest and risk of the excess return.
 *
 * Test labels are read only in step 4, after the model is fixed.
 */

import { performance } from 'node:perf_hooks';

import { scoreFactor } from '../metrics/score.js';
import type { DailySummary, DayRange, PanelShape } from '../metrics/types.js';
import type { Panel } from '../panel.js';
import { type Benchmark, benchmarkName, benchmarkReturns } from './backtest/benchmark.js';
import { CHINA_A_SHARES, type ExchangeConfig } from './backtest/exchange.js';
import { marketFromPanel } from './backtest/market.js';
import { type BacktestRun, QLIB_INITIAL_CASH, runBacktest } from './backtest/simulate.js';
import { QLIB_TOPK_DROPOUT, type TopkDropoutConfig } from './backtest/topkDropout.js';
import { csRankLabel } from './csRankLabel.js';
import { type DesignMatrix, StreamedDesignMatrices } from './designMatrix.js';
import type { FittedModel, ModelSummary, TrainingSet } from './model.js';
import { fitRidge } from './ridge.js';
import { type RiskMetrics, cumulativeSum, qlibRiskAnalysis, rdAgentRisk, sumDrawdown } from './risk.js';
import { type RowSet, memberRows, rowsToSeries } from './rows.js';
import { QLIB_XGBOOST_OPTIONS, type XgboostOptions, trainXgboost } from './xgboost/train.js';

export type Combiner = 'xgboost' | 'ridge';

export interface PortfolioSplits {
  readonly train: DayRange;
  readonly valid: DayRange;
  readonly test: DayRange;
}

/**
 * Factor series, one N*T array each (panel layout), in order: an array of
 * them, or a source that hands each over once, such as the engine's
 * evaluateBatch, whose buffer need only be valid during the call. Either way
 * the features are processed as they arrive (StreamedDesignMatrices), so a
 * streamed library is never held whole.
 */
export interface FactorSeries {
  readonly length: number;
  forEach(visit: (values: Float64Array, k: number) => void): void;
}

export interface PortfolioInput {
  readonly panel: Panel;
  readonly factorValues: FactorSeries;
  readonly factorNames: readonly string[];
  /** Forward return, N*T (qlib's Ref($close, -2) / Ref($close, -1) - 1). */
  readonly label: Float64Array;
  /** Point-in-time universe membership, N*T. */
  readonly universeMask: Uint8Array;
  readonly splits: PortfolioSplits;
  readonly benchmark: Benchmark;
  readonly model: Combiner;
  readonly seed: number;
  /** Overrides of QLIB_XGBOOST_OPTIONS (the seed comes from `seed`). */
  readonly xgboost?: Partial<Omit<XgboostOptions, 'seed'>>;
  /** Default QLIB_TOPK_DROPOUT. */
  readonly strategy?: TopkDropoutConfig;
  /** Default CHINA_A_SHARES. */
  readonly exchange?: ExchangeConfig;
  /** Default 100 million, as qlib's examples. */
  readonly initialCash?: number;
}

/** How well the prediction ranks the label over one split. */
export interface SignalQuality {
  readonly range: DayRange;
  /** Rows predicted. */
  readonly rows: number;
  /** Daily Pearson IC: mean, std, ir (= ICIR), ... */
  readonly ic: DailySummary;
  /** Daily Spearman RankIC: mean, std, ir (= RankICIR), ... */
  readonly rankIc: DailySummary;
  readonly icPerDay: Float64Array;
  readonly rankIcPerDay: Float64Array;
}

export interface PortfolioBacktest {
  /** Trade dates, one per day of the test range. */
  readonly dates: readonly string[];
  readonly benchmark: string;
  readonly run: BacktestRun;
  /** return - benchmark, per day. */
  readonly excessWithoutCost: Float64Array;
  /** return - benchmark - cost, per day. */
  readonly excessWithCost: Float64Array;
  /** qlib's risk_analysis (sum, 238 days a year): what qlib and R&D-Agent(Q)'s code report. */
  readonly qlib: { readonly withoutCost: RiskMetrics; readonly withCost: RiskMetrics };
  /** R&D-Agent(Q) Appendix C.4 (compounded, 252 days a year). */
  readonly rdAgent: { readonly withoutCost: RiskMetrics; readonly withCost: RiskMetrics };
  /** Mean daily turnover: value traded (both sides) per account value. */
  readonly turnover: number;
  /** Charts: cumulative (summed) excess return with cost and its drawdown, per day. */
  readonly cumulativeExcessWithCost: Float64Array;
  readonly drawdownWithCost: Float64Array;
}

/** The model's score of each row of a split. */
export interface RowScores {
  readonly rows: RowSet;
  readonly score: Float64Array;
}

export interface PortfolioResult {
  readonly factorNames: readonly string[];
  readonly model: ModelSummary;
  readonly signal: { readonly train: SignalQuality; readonly valid: SignalQuality; readonly test: SignalQuality };
  /** Train and valid: the labelled rows the model fitted and stopped on; test: every member row. */
  readonly predictions: { readonly train: RowScores; readonly valid: RowScores; readonly test: RowScores };
  readonly backtest: PortfolioBacktest;
  /** prepare: features received (computed, when streamed) and processed into the design matrices. */
  readonly timingsMs: { readonly prepare: number; readonly fit: number; readonly predict: number; readonly backtest: number };
}

export function runPortfolio(input: PortfolioInput): PortfolioResult {
  checkInput(input);
  const { panel, factorValues, label, universeMask: universe, splits } = input;
  const shape: PanelShape = { N: panel.N, T: panel.T };
  const T = panel.T;
  const clock = stopwatch();

  const trainRows = memberRows(universe, shape, splits.train, label);
  const validRows = memberRows(universe, shape, splits.valid, label);
  const testRows = memberRows(universe, shape, splits.test, null);
  // Fitted on every train member row, label or not: qlib fits infer processors before DropnaLabel.
  const design = new StreamedDesignMatrices(factorValues.length, memberRows(universe, shape, splits.train, null), [trainRows, validRows, testRows], T);
  const cells = panel.N * T;
  factorValues.forEach((values, k) => {
    if (values.length !== cells) throw new RangeError(`portfolio: factor ${input.factorNames[k]} has length ${values.length}, expected N*T = ${cells}`);
    design.add(values);
  });
  const [trainX, validX, testX] = design.finish().matrices as [DesignMatrix, DesignMatrix, DesignMatrix];
  const labelled = (matrix: DesignMatrix): TrainingSet => ({
    X: matrix.X,
    rows: matrix.rows.count,
    cols: matrix.cols,
    label: csRankLabel(label, matrix.rows, T),
  });
  const train = labelled(trainX);
  const valid = labelled(validX);
  const prepare = clock();

  const model = fit(input, train, valid);
  const fitMs = clock();
  try {
    const trainScore = model.predict(train.X, train.rows);
    const validScore = model.predict(valid.X, valid.rows);
    const testScore = model.predict(testX.X, testRows.count);
    const predict = clock();

    const testSignal = rowsToSeries(testRows, testScore, shape);
    const quality = (rows: RowSet, score: Float64Array, range: DayRange): SignalQuality => {
      const s = scoreFactor(rowsToSeries(rows, score, shape), { N: shape.N, T, label, universe }, range);
      return { range, rows: rows.count, ic: s.ic, rankIc: s.rankIc, icPerDay: s.icPerDay, rankIcPerDay: s.rankIcPerDay };
    };
    const signal = {
      train: quality(trainRows, trainScore, splits.train),
      valid: quality(validRows, validScore, splits.valid),
      test: quality(testRows, testScore, splits.test),
    };
    const backtest = backtestTest(input, testSignal);
    return {
      factorNames: [...input.factorNames],
      model: model.summary,
      signal,
      predictions: {
        train: { rows: trainRows, score: trainScore },
        valid: { rows: validRows, score: validScore },
        test: { rows: testRows, score: testScore },
      },
      backtest,
      timingsMs: { prepare, fit: fitMs, predict, backtest: clock() },
    };
  } finally {
    model.dispose();
  }
}

function fit(input: PortfolioInput, train: TrainingSet, valid: TrainingSet): FittedModel {
  if (input.model === 'ridge') return fitRidge(train, valid);
  return trainXgboost(train, valid, { ...QLIB_XGBOOST_OPTIONS, ...input.xgboost, seed: input.seed });
}

function backtestTest(input: PortfolioInput, scores: Float64Array): PortfolioBacktest {
  const { panel, splits } = input;
  const market = marketFromPanel(panel);
  const range = splits.test;
  const run = runBacktest({
    market,
    scores,
    range,
    benchmark: benchmarkReturns(input.benchmark, market, input.universeMask, range),
    strategy: input.strategy ?? QLIB_TOPK_DROPOUT,
    exchange: input.exchange ?? CHINA_A_SHARES,
    initialCash: input.initialCash ?? QLIB_INITIAL_CASH,
  });
  const { daily } = run;
  const days = range.end - range.start;
  const excessWithoutCost = new Float64Array(days);
  const excessWithCost = new Float64Array(days);
  let turnover = 0;
  for (let d = 0; d < days; d++) {
    excessWithoutCost[d] = daily.return[d]! - daily.benchmark[d]!;
    excessWithCost[d] = excessWithoutCost[d]! - daily.cost[d]!;
    turnover += daily.turnover[d]!;
  }
  return {
    dates: panel.calendar.slice(range.start, range.end),
    benchmark: benchmarkName(input.benchmark),
    run,
    excessWithoutCost,
    excessWithCost,
    qlib: { withoutCost: qlibRiskAnalysis(excessWithoutCost), withCost: qlibRiskAnalysis(excessWithCost) },
    rdAgent: { withoutCost: rdAgentRisk(excessWithoutCost), withCost: rdAgentRisk(excessWithCost) },
    turnover: turnover / days,
    cumulativeExcessWithCost: cumulativeSum(excessWithCost),
    drawdownWithCost: sumDrawdown(excessWithCost),
  };
}

function checkInput(input: PortfolioInput): void {
  const { panel, factorValues, factorNames, splits } = input;
  const cells = panel.N * panel.T;
  const fail = (what: string): never => {
    throw new RangeError(`portfolio: ${what}`);
  };
  if (factorValues.length === 0) fail('no factors to combine');
  if (factorNames.length !== factorValues.length) fail(`${factorValues.length} factor series but ${factorNames.length} names`);
  if (input.label.length !== cells) fail(`label has length ${input.label.length}, expected N*T = ${cells}`);
  if (input.universeMask.length !== cells) fail(`universe mask has length ${input.universeMask.length}, expected N*T = ${cells}`);
  for (const [name, range] of Object.entries(splits) as [string, DayRange][]) {
    if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 0 || range.end > panel.T || range.start >= range.end) {
      fail(`${name} days [${range.start}, ${range.end}) are not a non-empty range inside [0, ${panel.T})`);
    }
  }
  if (splits.train.end > splits.valid.start || splits.valid.end > splits.test.start) {
    fail('splits must be ordered train < valid < test without overlap');
  }
}

/** Milliseconds since the previous call (or since creation). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
}
