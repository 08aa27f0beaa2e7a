/**
 * What `alphaswarm backtest --json` prints and `alphaswarm report` reads
 * back: one JSON document per backtest. The zod schema is the format's single
 * definition; reading a file validates it, so a hand-edited or truncated file
 * is a one-line error, not a broken report.
 *
 * Layout: the headline numbers first (top-level `train`, `valid`, `test`:
 * the library's; `baseline` beside them when asked for), then what the
 * report draws (`series`, `quantiles`, `ic_decay`, `factors`,
 * `multiple_testing`). Numbers that are undefined (NaN) are null. Field
 * names are snake_case; `test` is the sealed test period, read only after
 * the model was fixed on train and valid.
 */
import { z } from 'zod';

/** A number, or null where it is undefined (JSON has no NaN). */
const num = z.number().nullable();
const numbers = z.array(num);

export const periodSchema = z.object({ first: z.string(), last: z.string(), days: z.number().int() });

/** How well the model's prediction ranks the label over one period. */
export const signalSchema = z.object({
  first: z.string(),
  last: z.string(),
  /** Days scored (at least 10 names with a prediction and a label). */
  days: z.number().int(),
  /** Rows predicted. */
  rows: z.number().int(),
  ic: num,
  /** mean / std of the daily IC, not annualised (qlib's ICIR). */
  icir: num,
  rank_ic: num,
  rank_icir: num,
  /** Newey-West t-statistics of the mean daily IC and RankIC. */
  ic_hac_t: num,
  rank_ic_hac_t: num,
});

export const riskSchema = z.object({
  annualized_return: num,
  information_ratio: num,
  /** <= 0. */
  max_drawdown: num,
  calmar: num,
  /** Daily mean and sample std of the return series. */
  mean: num,
  std: num,
});

export const QLIB_CONVENTION =
  "qlib risk_analysis of the daily excess return over the benchmark: returns summed, 238 days a year, IR = mean/std*sqrt(238), MDD on the summed curve (what qlib and R&D-Agent(Q)'s code report)";
export const RDAGENT_CONVENTION = 'R&D-Agent(Q) paper, Appendix C.4: compounded, 252 days a year, MDD on the compounded value';

export const testSchema = signalSchema.extend({
  /** Headline: qlib's risk_analysis of the excess return with cost (see metric_convention). */
  arr: num,
  ir: num,
  mdd: num,
  calmar: num,
  metric_convention: z.string(),
  excess_return_with_cost: riskSchema,
  excess_return_without_cost: riskSchema,
  rdagent: z.object({ convention: z.string(), excess_return_with_cost: riskSchema, excess_return_without_cost: riskSchema }),
  /** Sum of the daily excess returns over the test period (qlib's cumulative curve at its end). */
  cumulative_excess_return_with_cost: num,
  cumulative_excess_return_without_cost: num,
  /** Mean daily value traded (both sides) per account value. */
  turnover: num,
  /** Trading days backtested. */
  trade_days: z.number().int(),
});

export const modelSchema = z.object({
  kind: z.enum(['xgboost', 'ridge']),
  seed: z.number().int(),
  /** XGBoost: rounds kept (best valid RMSE) and trained. */
  best_rounds: z.number().int().nullable(),
  rounds: z.number().int().nullable(),
  /** Ridge: the penalty chosen on valid. */
  lambda: num,
  params: z.record(z.string(), z.string()),
});

/** The per-day curves of one strategy over the test period. */
export const strategySeriesSchema = z.object({
  ic: numbers,
  rank_ic: numbers,
  excess_with_cost: numbers,
  excess_without_cost: numbers,
  /** Summed (qlib) excess return with cost, and its drawdown from the running peak. */
  cumulative_excess_with_cost: numbers,
  drawdown_with_cost: numbers,
});

export const strategyResultSchema = z.object({
  name: z.string(),
  factors: z.number().int(),
  model: modelSchema,
  train: signalSchema,
  valid: signalSchema,
  test: testSchema,
  series: strategySeriesSchema,
  /** Mean label per quantile of the test prediction, lowest prediction first. */
  quantiles: numbers,
  /** IC and RankIC of the test prediction against the return over h days from the next close. */
  ic_decay: z.array(z.object({ horizon: z.number().int(), label: z.string(), ic: num, rank_ic: num })),
});

export const factorRowSchema = z.object({
  name: z.string(),
  expression: z.string(),
  family: z.string(),
  valid: z.object({ rank_ic: num, rank_icir: num, rank_ic_hac_t: num }),
  test: z.object({ rank_ic: num, rank_icir: num, rank_ic_hac_t: num }),
});

export const multipleTestingSchema = z.object({
  /** Strategy: daily excess return with cost over the test period. */
  observations: z.number().int(),
  sharpe: num,
  sharpe_annualized: num,
  skewness: num,
  kurtosis: num,
  trials: z.number().int(),
  trials_source: z.string(),
  trial_sharpe_variance: num,
  trial_sharpe_variance_source: z.string(),
  expected_max_sharpe: num,
  deflated_sharpe_ratio: num,
  /** |t| a factor's test RankIC needs to pass a 5 % Bonferroni test over `factor_tests` tests. */
  bonferroni_t: num,
  factor_tests: z.number().int(),
  factors_passing_bonferroni: z.number().int(),
});

/**
 * Library minus baseline, day by day over the days both were scored: the
 * mean daily IC and RankIC differences and their Newey-West t-statistics.
 * Both predictions are scored on the same days and names, so the paired
 * difference is far less noisy than either mean: this is the test of
 * "beats the baseline".
 */
export const pairedDifferenceSchema = z.object({
  days: z.number().int(),
  ic_difference: num,
  ic_difference_hac_t: num,
  rank_ic_difference: num,
  rank_ic_difference_hac_t: num,
});

export const backtestDocumentSchema = z.object({
  kind: z.literal('alphaswarm.backtest'),
  version: z.literal(1),
  created: z.string(),
  data: z.string(),
  universe: z.string(),
  market: z.enum(['cn', 'us']),
  exchange: z.object({
    open_cost: z.number(),
    close_cost: z.number(),
    min_cost: z.number(),
    trade_unit: z.number().nullable(),
    limit_threshold: z.number().nullable(),
  }),
  strategy: z.object({ topk: z.number().int(), n_drop: z.number().int(), hold_thresh: z.number().int(), risk_degree: z.number() }),
  benchmark: z.object({ name: z.string(), kind: z.enum(['index', 'universe-mean']) }),
  label: z.string(),
  periods: z.object({ train: periodSchema, valid: periodSchema, test: periodSchema }),
  /** The library's headline numbers (the same as library.train, library.valid, library.test). */
  train: signalSchema,
  valid: signalSchema,
  test: testSchema,
  library: strategyResultSchema.extend({
    /** The --library argument: a file or a built-in library's name. */
    source: z.string(),
    /** The mining run the library came from (its directory), when it sits in one. */
    run_dir: z.string().nullable(),
  }),
  baseline: strategyResultSchema.nullable(),
  /** With a baseline: library minus baseline on valid and test (documents written before it existed read as null). */
  versus_baseline: z.object({ valid: pairedDifferenceSchema, test: pairedDifferenceSchema }).nullable().default(null),
  transfer: z.object({ from: z.string(), to: z.string(), note: z.string() }).nullable(),
  notes: z.array(z.string()),
  /** Trade dates of the test period (the x axis of every series). */
  dates: z.array(z.string()),
  factors: z.array(factorRowSchema),
  multiple_testing: multipleTestingSchema,
  /** Wall time per stage: load, library (its features, fit, predict, backtest), baseline, diagnostics, output, report, total. */
  seconds: z.record(z.string(), z.number()),
  peak_rss_mib: z.number(),
});

export type BacktestDocument = z.infer<typeof backtestDocumentSchema>;
export type PairedDifference = z.infer<typeof pairedDifferenceSchema>;
export type StrategyResult = z.infer<typeof strategyResultSchema>;
export type SignalSummary = z.infer<typeof signalSchema>;
export type TestSummary = z.infer<typeof testSchema>;
export type RiskSummary = z.infer<typeof riskSchema>;
export type FactorRow = z.infer<typeof factorRowSchema>;
export type MultipleTesting = z.infer<typeof multipleTestingSchema>;

/** Parses a backtest document, or says in one line what is wrong with it. */
export function parseBacktestDocument(value: unknown, where: string): BacktestDocument {
  const parsed = backtestDocumentSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  throw new TypeError(`${where} is not an alphaswarm backtest document: ${path}: ${issue.message}`);
}

/** NaN and +-Infinity become null (JSON has neither). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function finiteArray(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, finiteOrNull);
}
