/**
 * From a portfolio run (evaluator/portfolio) to the parts of a backtest
 * document: the numbers of each period, the test curves, and the model.
 */
import { neweyWestT } from '../metrics/hac.js';
import type { ModelSummary, PortfolioBacktest, PortfolioResult, RiskMetrics, SignalQuality } from '../portfolio/index.js';
import {
  type PairedDifference,
  QLIB_CONVENTION,
  RDAGENT_CONVENTION,
  type RiskSummary,
  type SignalSummary,
  type StrategyResult,
  type TestSummary,
  finiteArray,
  finiteOrNull as f,
} from './backtestDocument.js';

export function signalSummary(signal: SignalQuality, calendar: readonly string[]): SignalSummary {
  return {
    first: calendar[signal.range.start]!,
    last: calendar[signal.range.end - 1]!,
    days: signal.rankIc.days,
    rows: signal.rows,
    ic: f(signal.ic.mean),
    icir: f(signal.ic.ir),
    rank_ic: f(signal.rankIc.mean),
    rank_icir: f(signal.rankIc.ir),
    ic_hac_t: f(signal.ic.hacT),
    rank_ic_hac_t: f(signal.rankIc.hacT),
  };
}

/** Library minus baseline over the days both were scored (pairedDifferenceSchema). */
export function pairedDifference(library: SignalQuality, baseline: SignalQuality): PairedDifference {
  const difference = (a: Float64Array, b: Float64Array): Float64Array => {
    const d = new Float64Array(a.length).fill(NaN);
    for (let k = 0; k < a.length; k++) if (Number.isFinite(a[k]!) && Number.isFinite(b[k]!)) d[k] = a[k]! - b[k]!;
    return d;
  };
  const mean = (x: Float64Array): number => {
    const finite = x.filter(Number.isFinite);
    return finite.length > 0 ? finite.reduce((s, v) => s + v, 0) / finite.length : NaN;
  };
  const ic = difference(library.icPerDay, baseline.icPerDay);
  const rankIc = difference(library.rankIcPerDay, baseline.rankIcPerDay);
  return {
    days: rankIc.filter(Number.isFinite).length,
    ic_difference: f(mean(ic)),
    ic_difference_hac_t: f(neweyWestT(ic).t),
    rank_ic_difference: f(mean(rankIc)),
    rank_ic_difference_hac_t: f(neweyWestT(rankIc).t),
  };
}

function riskSummary(risk: RiskMetrics): RiskSummary {
  return {
    annualized_return: f(risk.annualizedReturn),
    information_ratio: f(risk.informationRatio),
    max_drawdown: f(risk.maxDrawdown),
    calmar: f(risk.calmar),
    mean: f(risk.mean),
    std: f(risk.std),
  };
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function testSummary(signal: SignalQuality, backtest: PortfolioBacktest, calendar: readonly string[]): TestSummary {
  const withCost = backtest.qlib.withCost;
  return {
    ...signalSummary(signal, calendar),
    arr: f(withCost.annualizedReturn),
    ir: f(withCost.informationRatio),
    mdd: f(withCost.maxDrawdown),
    calmar: f(withCost.calmar),
    metric_convention: `arr, ir, mdd, calmar: ${QLIB_CONVENTION}, with cost`,
    excess_return_with_cost: riskSummary(backtest.qlib.withCost),
    excess_return_without_cost: riskSummary(backtest.qlib.withoutCost),
    rdagent: {
      convention: RDAGENT_CONVENTION,
      excess_return_with_cost: riskSummary(backtest.rdAgent.withCost),
      excess_return_without_cost: riskSummary(backtest.rdAgent.withoutCost),
    },
    cumulative_excess_return_with_cost: f(sum(backtest.excessWithCost)),
    cumulative_excess_return_without_cost: f(sum(backtest.excessWithoutCost)),
    turnover: f(backtest.turnover),
    trade_days: backtest.dates.length,
  };
}

export function modelDescription(model: ModelSummary, seed: number): StrategyResult['model'] {
  if (model.kind === 'xgboost') {
    return { kind: 'xgboost', seed, best_rounds: model.bestRounds, rounds: model.rounds, lambda: null, params: { ...model.params } };
  }
  return { kind: 'ridge', seed, best_rounds: null, rounds: null, lambda: f(model.lambda), params: {} };
}

export interface StrategyExtras {
  /** Mean label per quantile of the test prediction, lowest first. */
  readonly quantiles: ArrayLike<number>;
  readonly icDecay: readonly { readonly horizon: number; readonly label: string; readonly ic: number; readonly rankIc: number }[];
}

export function strategyResult(name: string, result: PortfolioResult, seed: number, calendar: readonly string[], extras: StrategyExtras): StrategyResult {
  const { signal, backtest } = result;
  // The test signal is scored on every test day; the backtest trades the same days.
  return {
    name,
    factors: result.factorNames.length,
    model: modelDescription(result.model, seed),
    train: signalSummary(signal.train, calendar),
    valid: signalSummary(signal.valid, calendar),
    test: testSummary(signal.test, backtest, calendar),
    series: {
      ic: finiteArray(signal.test.icPerDay),
      rank_ic: finiteArray(signal.test.rankIcPerDay),
      excess_with_cost: finiteArray(backtest.excessWithCost),
      excess_without_cost: finiteArray(backtest.excessWithoutCost),
      cumulative_excess_with_cost: finiteArray(backtest.cumulativeExcessWithCost),
      drawdown_with_cost: finiteArray(backtest.drawdownWithCost),
    },
    quantiles: finiteArray(extras.quantiles),
    ic_decay: extras.icDecay.map((d) => ({ horizon: d.horizon, label: d.label, ic: f(d.ic), rank_ic: f(d.rankIc) })),
  };
}
