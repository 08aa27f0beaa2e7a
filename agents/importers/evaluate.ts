/**
 * Train and valid metrics of imported factors, recomputed with our engine
 * and metrics exactly as the swarm scores its own candidates: the engine
 * clipped at the end of valid (nothing later is read), agent-side splits
 * only, the label given by the caller. Their reported backtests are not
 * carried over: they come from another pipeline (and are per experiment,
 * not per factor).
 */
import { FactorEngine } from '../../evaluator/engine.js';
import { createAgentContexts, scoreForAgents, type AgentSplits, type FactorScore } from '../../evaluator/metrics/index.js';
import type { Panel, Universe } from '../../evaluator/panel.js';
import { compileLabel, type Node } from '../../operators/index.js';
import type { AgentMetrics, SplitMetrics } from '../domain.js';
import { ImportError } from './quantaalpha/libraryFile.js';

export interface ScoringSetup {
  readonly panel: Panel;
  readonly universe: Universe;
  readonly splits: AgentSplits;
  /** The label expression, e.g. qlib's Ref($close,-2)/Ref($close,-1)-1. */
  readonly label: string;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

const RESULT_BUDGET_BYTES = 128 * 1024 * 1024;

/** The numbers of one period that library entries keep. */
export function splitMetricsOf(score: FactorScore): SplitMetrics {
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

/** Metrics of each factor, in order; the batch shares common subexpressions. */
export function scoreFactors(asts: readonly Node[], setup: ScoringSetup): AgentMetrics[] {
  const { panel, universe, splits } = setup;
  const label = compileLabel(setup.label, { fields: new Set(Object.keys(panel.fields)) });
  if (!label.ok) throw new ImportError(`label ${label.error.message}`);
  // Results are scored and dropped one by one, so a small result budget costs no time and halves the peak memory
  // (DeepSeek's 113 factors on cn_csi300: 1.1 GB -> 0.56 GB).
  const engine = new FactorEngine(panel, { universe: universe.mask, lastDay: splits.lastDay, resultBudgetBytes: RESULT_BUDGET_BYTES });
  const contexts = createAgentContexts({ N: panel.N, T: panel.T, label: engine.evaluate(label.ast), universe: universe.mask }, splits);
  const metrics: AgentMetrics[] = [];
  engine.evaluateBatch(asts, (index, values) => {
    const scores = scoreForAgents(values, contexts);
    metrics[index] = { train: splitMetricsOf(scores.train), valid: splitMetricsOf(scores.valid) };
  });
  return metrics;
}
