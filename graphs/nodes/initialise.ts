/**
 * initialise: score the seed pool (Alpha20) through the evaluator, so the
 * planner starts from known train/valid performance. The bus, the data and
 * the agents are up before the graph runs (bin/commands/swarm.ts); a resumed
 * run never comes back here.
 */
import { EVALUATOR, evaluateResultSchema } from '../../agents/protocol.js';
import type { SwarmDeps } from '../deps.js';
import type { SeedFactor } from '../state.js';
import { node } from './common.js';

export function initialise(deps: SwarmDeps) {
  return node(deps, 'initialise', async (_state, { calls }) => {
    const candidates = deps.seedPool.map((f) => ({ id: `seed-${f.name}`, expression: f.expression }));
    const answer =
      candidates.length === 0
        ? null
        : await calls.ask(EVALUATOR, { candidates, correlateWithLibrary: false }, evaluateResultSchema, {
            id: ['seed', 'evaluate'],
            timeoutMs: deps.timeouts.evaluate,
            retries: deps.timeouts.retries,
          });
    const results = new Map(answer?.ok ? answer.value.results.map((r) => [r.id, r]) : []);
    const seedPool: SeedFactor[] = deps.seedPool.map((f) => ({ name: f.name, expression: f.expression, metrics: results.get(`seed-${f.name}`)?.metrics ?? null }));
    return {
      seedPool,
      generation: 0,
      generationStartedAt: Date.now(),
      incidents: answer && !answer.ok ? [{ stage: 'initialise', agent: EVALUATOR.queue, reason: answer.reason }] : [],
    };
  });
}
