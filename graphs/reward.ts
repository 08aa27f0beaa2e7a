/**
 * The trajectory reward R(τ) (QuantaAlpha): the terminal state's fit minus a
 * regulariser, R(τ) = L(f) - λ·R(f), with
 *
 *   L(f) = (oriented train RankIC + oriented valid RankIC) / 2
 *          orientation = sign of the train RankIC (graphs/selection.ts); a
 *          missing RankIC counts as 0. Valid is in because agents may see
 *          it and a factor that only fits train should rank below one that
 *          generalises; test never appears.
 *   λ·R(f) = λ_C · C(f)                 QuantaAlpha's complexity score (operators/complexity.ts)
 *          + λ_S · S(f)                 largest common subtree with the library, normalised to 0..1 (Hubble's formula similarity)
 *          + λ_ρ · |ρ(f)|               largest |correlation| with a library factor on valid (functional redundancy)
 *          + λ_F · share(family(f))     share of the library already in the factor's family (Hubble's family-aware penalty)
 *
 * The weights are in RankIC units: a factor of complexity 50 loses 0.005, a
 * structural copy of a library entry 0.01, a perfectly correlated one 0.01,
 * one of a family holding the whole library 0.01. Typical daily RankICs are
 * 0.02 to 0.06, so the penalties reorder close candidates without swamping
 * real differences in fit.
 */
import type { AgentMetrics } from '../agents/domain.js';
import { orientationOf } from './selection.js';

export interface RewardWeights {
  /** Per unit of C(f). */
  readonly complexity: number;
  readonly similarity: number;
  readonly correlation: number;
  readonly family: number;
}

export const REWARD_WEIGHTS: RewardWeights = { complexity: 0.0001, similarity: 0.01, correlation: 0.01, family: 0.01 };

export interface RewardInputs {
  readonly metrics: AgentMetrics;
  /** C(f), QuantaAlpha's complexity score. */
  readonly complexity: number;
  /** Normalised largest common subtree with the library (0 when the library is empty). */
  readonly similarity: number;
  /** Largest |correlation| with a library factor on valid (0 when the library is empty). */
  readonly libraryCorrelation: number;
  /** Share (0..1) of the library in the factor's family. */
  readonly familyShare: number;
}

export interface Reward {
  readonly reward: number;
  readonly fit: number;
  readonly penalties: { readonly complexity: number; readonly similarity: number; readonly correlation: number; readonly family: number };
}

export function trajectoryReward(inputs: RewardInputs, weights: RewardWeights = REWARD_WEIGHTS): Reward {
  const orientation = orientationOf(inputs.metrics) ?? 1;
  const oriented = (v: number | null): number => (v === null || !Number.isFinite(v) ? 0 : orientation * v);
  const fit = (oriented(inputs.metrics.train.rankIc) + oriented(inputs.metrics.valid.rankIc)) / 2;
  const unit = (v: number): number => Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  const penalties = {
    complexity: weights.complexity * Math.max(0, inputs.complexity),
    similarity: weights.similarity * unit(inputs.similarity),
    correlation: weights.correlation * unit(Math.abs(inputs.libraryCorrelation)),
    family: weights.family * unit(inputs.familyShare),
  };
  return { reward: fit - penalties.complexity - penalties.similarity - penalties.correlation - penalties.family, fit, penalties };
}
