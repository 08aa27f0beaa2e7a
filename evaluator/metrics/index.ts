/**
 * Factor metrics for agents and the engine. The test period's custody,
 * finalReport.ts, is deliberately not re-exported: agent-side code imports
 * this index, and must not be able to reach it.
 */

export type { AgentContexts, AgentFitness, AgentScores } from './agentScores.js';
export { createAgentContexts, fitnessForAgents, scoreForAgents } from './agentScores.js';
export { type FitnessScore, fitnessWithContext } from './fitness.js';
export { pearson } from './correlation.js';
export { summarizeDaily } from './dailySummary.js';
export { type HacResult, defaultHacLags, neweyWestT } from './hac.js';
export { type LabelContext, createLabelContext } from './labelContext.js';
export { millerMadowMutualInformation } from './mutualInformation.js';
export { DEFAULT_MI_BINS, DEFAULT_MIN_NAMES, DEFAULT_QUANTILES } from './options.js';
export { type FactorCorrelation, type MostCorrelated, type Redundancy, correlateWithLibrary } from './redundancy.js';
export { scoreFactor, scoreSplits, scoreWithContext } from './score.js';
export type { AgentSplits, SplitDates, SplitRange } from './splits.js';
export type {
  DailySummary,
  DayRange,
  FactorScore,
  NamedFactor,
  PanelShape,
  QuantileSummary,
  ScoreOptions,
  ScoringInputs,
} from './types.js';
export { type UniverseIndex, indexUniverse } from './universe.js';
