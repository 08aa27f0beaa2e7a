/**
 * combine: R&D-Agent(Q)'s model arm, when the scheduler chose model work for
 * this generation. The model agent proposes a combiner configuration from
 * the library's shape and the trials so far; the evaluator trains it on
 * train and scores it on valid (combine.request; never test). The trial joins
 * the performance state the scheduler's bandit reads.
 */
import { EVALUATOR, MODEL_AGENT, combineResultSchema } from '../../agents/protocol.js';
import { modelReplySchema } from '../../agents/roles.js';
import type { SwarmDeps } from '../deps.js';
import type { ModelTrial } from '../state.js';
import { node } from './common.js';

const COMBINE = { queue: EVALUATOR.queue, task: 'combine.request', reply: 'combine.result' } as const;

export function combine(deps: SwarmDeps) {
  return node(deps, 'combine', async (state, { calls }) => {
    const entries = await deps.outputs.readLibrary(deps.store);
    const timeout = { timeoutMs: deps.timeouts.evaluate, retries: deps.timeouts.retries };
    const proposal = await calls.ask(
      MODEL_AGENT,
      {
        factors: entries.length,
        families: Object.entries(state.library.families).slice(0, 32).map(([family, count]) => ({ family, count })),
        trials: state.modelTrials.slice(-32).map((t) => ({ config: t.config, validIc: t.validIc, validRankIc: t.validRankIc })),
      },
      modelReplySchema,
      { id: [`g${state.generation}`, 'model'], ...timeout },
    );
    if (!proposal.ok) return { incidents: [...state.incidents, { stage: 'combine', agent: MODEL_AGENT.queue, reason: proposal.reason }] };
    const trial = await calls.ask(COMBINE, { config: proposal.value.config, entries: entries.slice(0, 512).map((e) => e.id) }, combineResultSchema, { id: [`g${state.generation}`, 'combine'], ...timeout });
    if (!trial.ok) return { incidents: [...state.incidents, { stage: 'combine', agent: EVALUATOR.queue, reason: trial.reason }] };
    const record: ModelTrial = { generation: state.generation, config: proposal.value.config, factors: entries.length, validIc: trial.value.validIc, validRankIc: trial.value.validRankIc };
    return { modelTrials: [...state.modelTrials, record] };
  });
}
