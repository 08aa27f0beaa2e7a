/**
 * Types shared by the factor metrics.
 *
 * Every series is in the panel layout (operators/kernels/types.ts): a
 * Float64Array of N*T with instrument i on day t at `i * T + t`. Non-finite
 * values (NaN, ±Infinity) are missing everywhere.
 */

/** Half-open range of day indices `[start, end)` over the panel calendar. */
export interface DayRange {
  readonly start: number;
  readonly end: number;
}

export interface PanelShape {
  /** Number of instruments. */
  readonly N: number;
  /** Number of calendar days. */
  readonly T: number;
}

/** Everything the metrics read besides the factor. */
export interface ScoringInputs extends PanelShape {
  /** The label (forward return), N*T. */
  readonly label: Float64Array;
  /** Point-in-time membership, N*T, 1 = member that day; null = every instrument on every day. */
  readonly universe: Uint8Array | null;
}

/** A factor's values with the name reports use for it. */
export interface NamedFactor {
  readonly name: string;
  readonly values: Float64Array;
}

export interface ScoreOptions {
  /** A day counts only with at least this many names having both factor and label finite. Default 10. */
  readonly minNames?: number;
  /** Number of equal-count factor buckets for the quantile diagnostics and turnover. Default 5. */
  readonly quantiles?: number;
  /** Newey–West lag; default floor(4 * (n / 100)^(2/9)) for a series of n observations. */
  readonly hacLags?: number;
  /** Equal-frequency bins per axis for mutual information. Default 20. */
  readonly miBins?: number;
}

/** Statistics of a daily series (IC, RankIC, long-short spread) over the days it is defined. */
export interface DailySummary {
  readonly mean: number;
  /** Sample standard deviation (ddof = 1, as pandas). */
  readonly std: number;
  /** mean / std, not annualised (qlib's ICIR). */
  readonly ir: number;
  /** Newey–West HAC t-statistic of the mean. */
  readonly hacT: number;
  /** Lag used for hacT. */
  readonly hacLags: number;
  /** Days on which the series is defined. */
  readonly days: number;
  /** Share of those days with a value above zero. */
  readonly positiveShare: number;
}

export interface QuantileSummary {
  readonly groups: number;
  /** Mean label of each group (lowest factor first), averaged over days. */
  readonly meanLabel: Float64Array;
  /** Top group's mean label minus bottom group's, per day of the range (NaN when not scored). */
  readonly spreadPerDay: Float64Array;
  readonly spread: DailySummary;
  /** Spearman correlation of group number with `meanLabel`: 1 = label rises monotonically with the factor. */
  readonly monotonicity: number;
}

export interface FactorScore {
  readonly range: DayRange;
  /** Cross-sectional Pearson IC per day of the range; NaN on days not scored. */
  readonly icPerDay: Float64Array;
  /** Cross-sectional Spearman RankIC per day of the range; NaN on days not scored. */
  readonly rankIcPerDay: Float64Array;
  readonly ic: DailySummary;
  readonly rankIc: DailySummary;
  /** Mutual information (nats) of per-day factor and label ranks, pooled; see mutualInformation.ts. */
  readonly mutualInformation: number;
  readonly quantiles: QuantileSummary;
  /** Mean over days of the correlation of today's cross-sectional factor ranks with yesterday's. */
  readonly autocorrelation: number;
  /** Mean over days of the share of the top group that was not in yesterday's top group. */
  readonly turnover: number;
  /** Share of universe cells in the range whose factor value is missing. */
  readonly nanRatio: number;
  /** Share of days in the range that were scored (at least minNames names). */
  readonly dayCoverage: number;
}
