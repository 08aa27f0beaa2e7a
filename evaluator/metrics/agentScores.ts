/**
 * The scores agents see: train and valid only, computed from AgentSplits,
 * which hold no test period. Nothing here reads a cell on or after
 * `splits.lastDay` (tests/metrics/sealing.test.ts poisons those cells to prove it).
 */

import { type FitnessScore, fitnessWithContext } from './fitness.js';
import { type LabelContext, createLabelContext } from './labelContext.js';
import { scoreWithContext } from './score.js';
import type { AgentSplits } from './splits.js';
import type { FactorScore, ScoreOptions, ScoringInputs } from './types.js';

export interface AgentContexts {
  readonly splits: AgentSplits;
  readonly train: LabelContext;
  readonly valid: LabelContext;
}

export interface AgentScores {
  readonly train: FactorScore;
  readonly valid: FactorScore;
}

/** What selection reads, per agent-visible period (see fitness.ts). */
export interface AgentFitness {
  readonly train: FitnessScore;
  readonly valid: FitnessScore;
}

/** Label-side preparation, once per (label, universe, splits); reused for every candidate. */
export function createAgentContexts(inputs: ScoringInputs, splits: AgentSplits): AgentContexts {
  const { train, valid, lastDay } = splits;
  // AgentSplits may have crossed a process boundary: check it still keeps its promise.
  if (!(train.end <= valid.start && valid.end <= lastDay)) {
    throw new RangeError(
      `agent splits out of order: train [${train.start}, ${train.end}), valid [${valid.start}, ${valid.end}), lastDay ${lastDay}`,
    );
  }
  return { splits, train: createLabelContext(inputs, train), valid: createLabelContext(inputs, valid) };
}

export function scoreForAgents(factor: Float64Array, contexts: AgentContexts, options?: ScoreOptions): AgentScores {
  return {
    train: scoreWithContext(factor, contexts.train, options),
    valid: scoreWithContext(factor, contexts.valid, options),
  };
}

/** The selection scores only: the same values as scoreForAgents' fields, several times cheaper. */
export function fitnessForAgents(factor: Float64Array, contexts: AgentContexts, options?: ScoreOptions): AgentFitness {
  return {
    train: fitnessWithContext(factor, contexts.train, options),
    valid: fitnessWithContext(factor, contexts.valid, options),
  };
}
