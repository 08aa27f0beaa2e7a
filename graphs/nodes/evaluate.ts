/**
 * evaluate: verified candidates go to the evaluator's work queue in batches
 * (one batch is one pass of the engine over the panel, sharing common
 * subexpressions), each answered with train and valid metrics and the
 * largest |correlation| with an accepted factor on valid. More evaluator
 * processes just join the queue.
 */
import type { Trajectory } from '../../agents/domain.js';
import { EVALUATOR, evaluateResultSchema } from '../../agents/protocol.js';
import { mapLimit } from '../ask.js';
import type { SwarmDeps } from '../deps.js';
import { rejected, withStep } from '../trajectories.js';
import { Changes, awaiting, node } from './common.js';

/** Candidates per evaluate.request. */
export const EVALUATION_BATCH = 48;

export function evaluate(deps: SwarmDeps) {
  return node(deps, 'evaluate', async (state, { calls }) => {
    const changes = new Changes();
    // An expression evaluated before in this run says nothing new: reject the copy, name the original.
    const seen = new Map<string, string>();
    for (const t of Object.values(state.trajectories)) if (t.metrics !== null && t.expression !== null) seen.set(t.expression, t.id);
    const pending: Trajectory[] = [];
    for (const t of awaiting(state, 'evaluate').sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const original = seen.get(t.expression!);
      if (original === undefined) {
        seen.set(t.expression!, t.id);
        pending.push(t);
        continue;
      }
      const reason = `the same expression as ${original}, evaluated before`;
      changes.set(rejected(withStep(t, { kind: 'evaluate', agent: 'supervisor', action: 'not evaluated again', result: reason, ok: false }), 'duplicate', reason), { ...state.checks[t.id]!, next: 'done' });
    }
    const batches: (typeof pending)[] = [];
    for (let k = 0; k < pending.length; k += EVALUATION_BATCH) batches.push(pending.slice(k, k + EVALUATION_BATCH));
    await mapLimit(batches, 2, async (batch, b) => {
      const answer = await calls.ask(
        EVALUATOR,
        { candidates: batch.map((t) => ({ id: t.id, expression: t.expression! })), correlateWithLibrary: true },
        evaluateResultSchema,
        { id: [`g${state.generation}`, 'evaluate', b], timeoutMs: deps.timeouts.evaluate, retries: deps.timeouts.retries },
      );
      const results = new Map(answer.ok ? answer.value.results.map((r) => [r.id, r]) : []);
      for (const t of batch) {
        const check = state.checks[t.id]!;
        const r = results.get(t.id);
        if (!answer.ok || r === undefined || !r.ok || r.metrics === null) {
          const reason = !answer.ok ? answer.reason : (r?.error ?? 'the evaluator returned no result for it');
          changes.set(rejected(withStep(t, { kind: 'evaluate', agent: EVALUATOR.queue, action: 'evaluate on train and valid', result: reason, ok: false }), 'evaluate', reason), { ...check, next: 'done' });
          continue;
        }
        const m = r.metrics;
        const result = `train RankIC ${fmt(m.train.rankIc)} IC ${fmt(m.train.ic)} MI ${fmt(m.train.mi)}; valid RankIC ${fmt(m.valid.rankIc)} IC ${fmt(m.valid.ic)}${r.libraryCorrelation ? `; |corr| ${Math.abs(r.libraryCorrelation.pearson).toFixed(2)} with ${r.libraryCorrelation.entry}` : ''}`;
        changes.set(withStep({ ...t, metrics: m, status: 'evaluated' }, { kind: 'evaluate', agent: EVALUATOR.queue, action: 'evaluated on train and valid', result, ok: true }), {
          ...check,
          next: 'done',
          libraryCorrelation: r.libraryCorrelation === null ? 0 : Math.abs(r.libraryCorrelation.pearson),
        });
      }
    });
    return changes.update;
  });
}

function fmt(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(4);
}
