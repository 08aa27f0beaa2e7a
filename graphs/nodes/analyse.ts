/**
 * analyse (R&D-Agent(Q)'s analysis unit, CogAlpha's adaptive generation):
 * the analyst reads the parents (who will be evolved and need feedback for
 * mutation's failure localisation), the generation's best valid candidates
 * and its worst invalid ones, and says whether the result supports the
 * hypothesis and what to try next. The feedback is stored as a step of the
 * trajectory; the summaries of the top two valid and the two worst invalid
 * candidates go into the next prompts.
 */
import type { Trajectory } from '../../agents/domain.js';
import { ANALYST } from '../../agents/protocol.js';
import { analystReplySchema } from '../../agents/roles.js';
import { mapLimit } from '../ask.js';
import type { SwarmDeps } from '../deps.js';
import type { SwarmStateType } from '../state.js';
import { clip, withStep } from '../trajectories.js';
import { Changes, node } from './common.js';

/** CogAlpha's two best valid and two worst invalid candidates of the generation. */
export function guidingSamples(state: SwarmStateType): { best: Trajectory[]; worst: Trajectory[] } {
  const mine = state.active.map((id) => state.trajectories[id]!).filter((t) => t !== undefined);
  const byReward = (a: Trajectory, b: Trajectory) => (b.reward ?? -Infinity) - (a.reward ?? -Infinity) || (a.id < b.id ? -1 : 1);
  const valid = mine.filter((t) => t.status === 'qualified' || t.status === 'elite').sort(byReward);
  // Invalid: evaluated but not qualified (worst reward first), then rejected before evaluation.
  const invalidEvaluated = mine.filter((t) => t.reward !== null && !(t.status === 'qualified' || t.status === 'elite')).sort(byReward).reverse();
  const invalidEarly = mine.filter((t) => t.status === 'rejected' && t.reward === null && t.expression !== null);
  return { best: valid.slice(0, 2), worst: [...invalidEvaluated, ...invalidEarly].slice(0, 2) };
}

export function analyse(deps: SwarmDeps) {
  return node(deps, 'analyse', async (state, { calls, settings }) => {
    const changes = new Changes();
    const { best, worst } = guidingSamples(state);
    // Carried elites were analysed in their own generation.
    const targets = [...new Map([...state.parents, ...state.toLibrary].map((id) => state.trajectories[id]!).concat(best, worst).filter((t) => t?.expression && t.generation === state.generation).map((t) => [t.id, t])).values()];
    const feedback: string[] = [];
    const summaries = new Map<string, string>();
    await mapLimit(targets, settings.concurrency, async (t) => {
      const outcome = t.rejection ? `${t.status}: ${t.rejection.stage}: ${t.rejection.reason}` : t.status;
      const answer = await calls.ask(
        ANALYST,
        { trajectory: t.id, hypothesis: t.hypothesis, expression: t.expression!, metrics: t.metrics, outcome: clip(outcome, 1000) },
        analystReplySchema,
        { id: [t.id, 'analyse'], trajectory: t.id, timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries },
      );
      if (!answer.ok) {
        changes.set(withStep(t, { kind: 'analyse', agent: ANALYST.queue, action: 'analyse the result', result: answer.reason, ok: false }));
        return;
      }
      const a = answer.value;
      const text = `${a.observation} ${a.evaluation} Supports the hypothesis: ${a.supportsHypothesis ? 'yes' : 'no'}. Next: ${a.nextStep}`;
      summaries.set(t.id, text);
      changes.set(withStep(t, { kind: 'analyse', agent: ANALYST.queue, action: a.supportsHypothesis ? 'the result supports the hypothesis' : 'the result does not support the hypothesis', result: text, ok: true }));
    });
    for (const [label, list] of [['valid', best], ['invalid', worst]] as const) {
      for (const t of list) {
        const summary = summaries.get(t.id);
        if (summary === undefined) continue;
        const valid = t.metrics?.valid.rankIc;
        feedback.push(clip(`[${label}] ${t.expression} (valid RankIC ${valid === null || valid === undefined ? 'n/a' : valid.toFixed(4)}; ${t.rejection?.reason ?? t.status}): ${summary}`, 2000));
      }
    }
    return { ...changes.update, feedback };
  });
}
