/**
 * Redundancy of a candidate against a factor library, as R&D-Agent(Q)'s
 * de-duplication: for each library factor, the cross-sectional correlation
 * with the candidate each day, averaged over days; the library factor with
 * the largest absolute mean (IC_max) identifies what the candidate repeats
 * (R&D-Agent(Q) drops IC_max >= 0.99). Absolute, because a negated factor
 * carries the same information. Spearman is reported beside Pearson: a
 * monotone transform of a library factor is redundant too.
 *
 * A day counts for a pair when at least minNames universe members have both
 * values finite; the label plays no part.
 */

import { pearson, rankCorrelation } from './correlation.js';
import { checkSeries, resolveScoreOptions } from './options.js';
import { RankScratch, rankValues } from '../../operators/kernels/ranking.js';
import type { NamedFactor, ScoreOptions } from './types.js';
import type { UniverseIndex } from './universe.js';

export interface FactorCorrelation {
  readonly name: string;
  /** Mean over days of the cross-sectional Pearson correlation with the candidate. */
  readonly pearson: number;
  /** Mean over days of the cross-sectional Spearman correlation with the candidate. */
  readonly spearman: number;
  /** Days on which the pair had at least minNames names. */
  readonly days: number;
}

export interface MostCorrelated {
  readonly name: string;
  /** Index into the library. */
  readonly index: number;
  /** Signed mean correlation; the largest in absolute value. */
  readonly correlation: number;
}

export interface Redundancy {
  readonly correlations: readonly FactorCorrelation[];
  /** null when no library factor shares a scored day with the candidate. */
  readonly maxAbsPearson: MostCorrelated | null;
  readonly maxAbsSpearman: MostCorrelated | null;
}

export function correlateWithLibrary(
  candidate: Float64Array,
  library: readonly NamedFactor[],
  universe: UniverseIndex,
  options?: Pick<ScoreOptions, 'minNames'>,
): Redundancy {
  const { minNames } = resolveScoreOptions(options);
  checkSeries('candidate', candidate, universe);
  for (const f of library) checkSeries(`library factor '${f.name}'`, f.values, universe);
  const { T, dayStart, instrument, maxMembers, range } = universe;
  const days = range.end - range.start;
  const scratch = new RankScratch(maxMembers);
  const order = new Int32Array(maxMembers);
  const candCell = new Int32Array(maxMembers);
  const candValue = new Float64Array(maxMembers);
  const candRank = new Float64Array(maxMembers);
  const x = new Float64Array(maxMembers);
  const y = new Float64Array(maxMembers);
  const xRank = new Float64Array(maxMembers);
  const yRank = new Float64Array(maxMembers);
  const pearsonSum = new Float64Array(library.length);
  const spearmanSum = new Float64Array(library.length);
  const pearsonDays = new Int32Array(library.length);
  const spearmanDays = new Int32Array(library.length);
  const pairDays = new Int32Array(library.length);
  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    let c = 0;
    for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) {
      const cell = instrument[s]! * T + t;
      const v = candidate[cell]!;
      if (!Number.isFinite(v)) continue;
      candCell[c] = cell;
      candValue[c++] = v;
    }
    if (c < minNames) continue;
    rankValues(candValue, c, candRank, order, scratch);
    for (let j = 0; j < library.length; j++) {
      const values = library[j]!.values;
      let m = 0;
      for (let k = 0; k < c; k++) {
        const v = values[candCell[k]!]!;
        if (!Number.isFinite(v)) continue;
        x[m] = candValue[k]!;
        xRank[m] = candRank[k]!;
        y[m++] = v;
      }
      if (m < minNames) continue;
      pairDays[j]!++;
      const r = pearson(x, y, m);
      if (Number.isFinite(r)) {
        pearsonSum[j] += r;
        pearsonDays[j]!++;
      }
      // The candidate's ranks over its own finite names hold for this pair only if the library factor misses none of them.
      if (m !== c) rankValues(x, m, xRank, order, scratch);
      rankValues(y, m, yRank, order, scratch);
      const rho = rankCorrelation(xRank, yRank, m);
      if (Number.isFinite(rho)) {
        spearmanSum[j] += rho;
        spearmanDays[j]!++;
      }
    }
  }
  const correlations = library.map((f, j) => ({
    name: f.name,
    pearson: pearsonDays[j]! > 0 ? pearsonSum[j]! / pearsonDays[j]! : NaN,
    spearman: spearmanDays[j]! > 0 ? spearmanSum[j]! / spearmanDays[j]! : NaN,
    days: pairDays[j]!,
  }));
  return {
    correlations,
    maxAbsPearson: mostCorrelated(correlations, (c) => c.pearson),
    maxAbsSpearman: mostCorrelated(correlations, (c) => c.spearman),
  };
}

function mostCorrelated(
  correlations: readonly FactorCorrelation[],
  value: (c: FactorCorrelation) => number,
): MostCorrelated | null {
  let best: MostCorrelated | null = null;
  correlations.forEach((c, index) => {
    const correlation = value(c);
    if (Number.isFinite(correlation) && (best === null || Math.abs(correlation) > Math.abs(best.correlation))) {
      best = { name: c.name, index, correlation };
    }
  });
  return best;
}
