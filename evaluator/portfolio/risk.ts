/**
 * Risk metrics of a daily return series, in the two conventions the seeds
 * report:
 *
 *  - qlib's risk_analysis (qlib/contrib/evaluate.py, default mode "sum",
 *    freq "day"): returns accumulate by summation; annualised return =
 *    mean * 238, information ratio = mean / std * sqrt(238) (std with
 *    ddof = 1), max drawdown = min over t of (cumsum - running max of
 *    cumsum). R&D-Agent(Q)'s code reports exactly these for
 *    "1day.excess_return_with_cost" (its IMPORTANT_METRICS).
 *  - R&D-Agent(Q)'s paper, Appendix C.4: ARR = prod(1 + r)^(252 / T) - 1,
 *    IR = mean / std * sqrt(252), MDD = the largest fall of the compounded
 *    value from its running peak, as a fraction of the peak.
 *
 * Both report drawdown as a negative number and the Calmar ratio as
 * annualised return / |max drawdown| (the paper's CR).
 */

/** qlib's annualisation scaler for daily data. */
export const QLIB_DAYS_PER_YEAR = 238;
/** R&D-Agent(Q)'s (Appendix C.4). */
export const RDAGENT_DAYS_PER_YEAR = 252;

export interface RiskMetrics {
  readonly mean: number;
  /** Sample standard deviation (ddof = 1). */
  readonly std: number;
  readonly annualizedReturn: number;
  readonly informationRatio: number;
  /** <= 0. */
  readonly maxDrawdown: number;
  readonly calmar: number;
}

export function qlibRiskAnalysis(returns: Float64Array, daysPerYear = QLIB_DAYS_PER_YEAR): RiskMetrics {
  const { mean, std } = meanStd(returns);
  const annualizedReturn = mean * daysPerYear;
  let maxDrawdown = returns.length > 0 ? 0 : NaN;
  for (const drawdown of sumDrawdown(returns)) maxDrawdown = Math.min(maxDrawdown, drawdown);
  return {
    mean,
    std,
    annualizedReturn,
    informationRatio: (mean / std) * Math.sqrt(daysPerYear),
    maxDrawdown,
    calmar: annualizedReturn / Math.abs(maxDrawdown),
  };
}

export function rdAgentRisk(returns: Float64Array, daysPerYear = RDAGENT_DAYS_PER_YEAR): RiskMetrics {
  const { mean, std } = meanStd(returns);
  let value = 1;
  let peak = -Infinity;
  let worst = 0;
  for (const r of returns) {
    value *= 1 + r;
    peak = Math.max(peak, value);
    worst = Math.max(worst, (peak - value) / peak);
  }
  const annualizedReturn = returns.length > 0 ? value ** (daysPerYear / returns.length) - 1 : NaN;
  const maxDrawdown = returns.length > 0 ? -worst : NaN;
  return {
    mean,
    std,
    annualizedReturn,
    informationRatio: (mean / std) * Math.sqrt(daysPerYear),
    maxDrawdown,
    calmar: annualizedReturn / Math.abs(maxDrawdown),
  };
}

/** Running sum: qlib's cumulative (excess) return curve. */
export function cumulativeSum(returns: Float64Array): Float64Array {
  const out = new Float64Array(returns.length);
  let sum = 0;
  returns.forEach((r, d) => (out[d] = sum += r));
  return out;
}

/** cumsum - running max of cumsum, each day (<= 0): qlib's drawdown curve. */
export function sumDrawdown(returns: Float64Array): Float64Array {
  const out = new Float64Array(returns.length);
  let sum = 0;
  let peak = -Infinity;
  returns.forEach((r, d) => {
    sum += r;
    peak = Math.max(peak, sum);
    out[d] = sum - peak;
  });
  return out;
}

function meanStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = n > 0 ? sum / n : NaN;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(squares / (n - 1)) : NaN };
}
