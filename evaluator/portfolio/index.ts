/** The portfolio stage: combine a factor pool (XGBoost or ridge), then backtest TopkDropout as qlib does. */
export {
  runPortfolio,
  type Combiner,
  type FactorSeries,
  type PortfolioInput,
  type PortfolioResult,
  type PortfolioSplits,
  type PortfolioBacktest,
  type RowScores,
  type SignalQuality,
} from './runPortfolio.js';
export type { FittedModel, ModelSummary, RidgeSummary, TrainingSet, XgboostSummary } from './model.js';
export { fitRidge, predictLinear, RIDGE_PENALTIES } from './ridge.js';
export { trainXgboost, QLIB_XGBOOST_OPTIONS, type XgboostOptions } from './xgboost/train.js';
export { xgboostLibrary, locateXgboost, XgboostError, XGBOOST_INSTALL_HINT, XGBOOST_LIB_ENV } from './xgboost/library.js';
export { memberRows, rowsToSeries, type RowSet } from './rows.js';
export { fitRobustZScore, fitRobustZScoreFeature, robustZ, medianInPlace, type RobustZScore } from './robustZScore.js';
export { buildDesignMatrix, StreamedDesignMatrices, type DesignMatrix } from './designMatrix.js';
export { csRankLabel, CS_RANK_SCALE } from './csRankLabel.js';
export { qlibRiskAnalysis, rdAgentRisk, cumulativeSum, sumDrawdown, type RiskMetrics } from './risk.js';
export { runBacktest, QLIB_INITIAL_CASH, type BacktestInput, type BacktestRun, type BacktestDaily, type Trade } from './backtest/simulate.js';
export { topkDropoutDecision, QLIB_TOPK_DROPOUT, type TopkDropoutConfig, type DropoutDecision } from './backtest/topkDropout.js';
export { CHINA_A_SHARES, US_EQUITIES, dealBuy, dealSell, roundToTradeUnit, type ExchangeConfig, type Fill } from './backtest/exchange.js';
export { marketFromPanel, isSuspended, isTradable, closeChange, type BacktestMarket } from './backtest/market.js';
export { indexBenchmark, benchmarkReturns, type Benchmark } from './backtest/benchmark.js';
