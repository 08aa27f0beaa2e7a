/** Mean, spread and significance of a daily series over the days it is defined. */

import { neweyWestT } from './hac.js';
import type { DailySummary } from './types.js';

export function summarizeDaily(series: Float64Array, hacLags?: number): DailySummary {
  let days = 0;
  let sum = 0;
  let positive = 0;
  for (const v of series) {
    if (!Number.isFinite(v)) continue;
    days++;
    sum += v;
    if (v > 0) positive++;
  }
  const mean = days > 0 ? sum / days : NaN;
  let squares = 0;
  for (const v of series) if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
  const std = days > 1 ? Math.sqrt(squares / (days - 1)) : NaN;
  const hac = neweyWestT(series, hacLags);
  return {
    mean,
    std,
    ir: std > 0 ? mean / std : NaN,
    hacT: hac.t,
    hacLags: hac.lags,
    days,
    positiveShare: days > 0 ? positive / days : NaN,
  };
}
