/**
 * Scores one factor over one day range: a single pass over the days loads
 * each day's cross-section once and feeds every per-day metric.
 */

import { pearson, rankCorrelation } from './correlation.js';
import { CrossSection } from './crossSection.js';
import { summarizeDaily } from './dailySummary.js';
import { type LabelContext, createLabelContext } from './labelContext.js';
import { RankMutualInformation } from './mutualInformation.js';
import { checkSeries, resolveScoreOptions } from './options.js';
import { PersistenceAccumulator } from './persistence.js';
import { QuantileAccumulator } from './quantiles.js';
import type { DayRange, FactorScore, ScoreOptions, ScoringInputs } from './types.js';

/**
 * Scores `factor` against a prepared label context. Reads only factor cells
 * of the context's members on days inside its range.
 */
export function scoreWithContext(factor: Float64Array, context: LabelContext, options?: ScoreOptions): FactorScore {
  checkSeries('factor', factor, context);
  const { minNames, quantiles, hacLags, miBins } = resolveScoreOptions(options);
  const days = context.range.end - context.range.start;
  const cs = new CrossSection(context.maxMembers);
  const icPerDay = new Float64Array(days).fill(NaN);
  const rankIcPerDay = new Float64Array(days).fill(NaN);
  const buckets = new QuantileAccumulator(quantiles, days);
  const persistence = new PersistenceAccumulator(context.N, context.maxMembers, days, quantiles, minNames);
  const mi = new RankMutualInformation(miBins);
  let members = 0;
  let missing = 0;
  let scoredDays = 0;
  for (let d = 0; d < days; d++) {
    const scored = cs.load(context, factor, d, minNames);
    members += cs.members;
    missing += cs.missingFactor;
    if (!scored) continue;
    scoredDays++;
    icPerDay[d] = pearson(cs.factor, cs.label, cs.n);
    rankIcPerDay[d] = rankCorrelation(cs.factorRank, cs.labelRank, cs.n);
    buckets.addDay(d, cs);
    persistence.addDay(d, cs);
    mi.addDay(cs);
  }
  return {
    range: context.range,
    icPerDay,
    rankIcPerDay,
    ic: summarizeDaily(icPerDay, hacLags),
    rankIc: summarizeDaily(rankIcPerDay, hacLags),
    mutualInformation: mi.value(),
    quantiles: buckets.summary(hacLags),
    autocorrelation: meanOfFinite(persistence.autocorrelationPerDay),
    turnover: meanOfFinite(persistence.turnoverPerDay),
    nanRatio: members > 0 ? missing / members : NaN,
    dayCoverage: days > 0 ? scoredDays / days : NaN,
  };
}

/** One call: prepares the label context and scores. Prefer a reused context when scoring many factors. */
export function scoreFactor(
  factor: Float64Array,
  inputs: ScoringInputs,
  range: DayRange,
  options?: ScoreOptions,
): FactorScore {
  return scoreWithContext(factor, createLabelContext(inputs, range), options);
}

/** Scores one factor over several named ranges. */
export function scoreSplits<K extends string>(
  factor: Float64Array,
  inputs: ScoringInputs,
  ranges: Readonly<Record<K, DayRange>>,
  options?: ScoreOptions,
): Record<K, FactorScore> {
  const scores = {} as Record<K, FactorScore>;
  for (const name of Object.keys(ranges) as K[]) scores[name] = scoreFactor(factor, inputs, ranges[name], options);
  return scores;
}

function meanOfFinite(series: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (const v of series) {
    if (!Number.isFinite(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}
