/**
 * A period's scores (evaluator/metrics: FactorScore, or the cheaper
 * FitnessScore with the same values) to what agents see (agents/domain.ts):
 * the five selection metrics (IC, ICIR, RankIC, RankICIR, MI), the RankIC's
 * Newey-West t, the NaN ratio and the days scored; undefined values are null.
 */
import type { AgentMetrics, SplitMetrics } from '../domain.js';
import type { FactorScore } from '../../evaluator/metrics/index.js';

type PeriodScore = Pick<FactorScore, 'ic' | 'rankIc' | 'mutualInformation' | 'nanRatio'>;

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function splitMetricsOf(score: PeriodScore): SplitMetrics {
  return {
    ic: finite(score.ic.mean),
    icir: finite(score.ic.ir),
    rankIc: finite(score.rankIc.mean),
    rankIcir: finite(score.rankIc.ir),
    mi: finite(score.mutualInformation),
    rankIcT: finite(score.rankIc.hacT),
    nanRatio: finite(score.nanRatio),
    days: score.rankIc.days,
  };
}

export function agentMetricsOf(scores: { readonly train: PeriodScore; readonly valid: PeriodScore }): AgentMetrics {
  return { train: splitMetricsOf(scores.train), valid: splitMetricsOf(scores.valid) };
}
