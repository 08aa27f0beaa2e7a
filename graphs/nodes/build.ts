/**
 * build: the factor builder turns a hypothesis (and the proposer's sketch,
 * if any) into a name, a semantic description and an expression
 * (QuantaAlpha: hypothesis -> description -> expression). Library factors
 * may be reused by name; the verifier expands them.
 */
import type { LibraryEntry } from '../../agents/domain.js';
import { FACTOR_BUILDER, buildResultSchema } from '../../agents/protocol.js';
import { mapLimit } from '../ask.js';
import type { SwarmDeps } from '../deps.js';
import { clip, rejected, withStep } from '../trajectories.js';
import { Changes, awaiting, node } from './common.js';

export function build(deps: SwarmDeps) {
  return node(deps, 'build', async (state, { calls, settings }) => {
    const changes = new Changes();
    const pending = awaiting(state, 'build');
    if (pending.length === 0) return changes.update;
    const entries = await deps.outputs.readLibrary(deps.store);
    const best = [...entries].sort((a, b) => (b.metrics.valid.rankIc ?? -1) - (a.metrics.valid.rankIc ?? -1));
    await mapLimit(pending, settings.concurrency, async (t) => {
      const check = state.checks[t.id]!;
      const answer = await calls.ask(
        FACTOR_BUILDER,
        {
          trajectory: t.id,
          // A mutation that rewrote the description keeps it: the builder implements it.
          hypothesis: t.description ? clip(`${t.hypothesis}\n\nSemantic description to implement: ${t.description}`, 4000) : t.hypothesis,
          sketch: check.sketch,
          specialist: t.specialist,
          examples: examplesFor(best, t.specialist),
          reusable: best.slice(0, 32).map((e) => ({ name: e.name, expression: e.expression })),
        },
        buildResultSchema,
        { id: [t.id, 'build', check.round], trajectory: t.id, timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries },
      );
      if (!answer.ok) {
        changes.set(rejected(withStep(t, { kind: 'build', agent: FACTOR_BUILDER.queue, action: 'build the factor', result: answer.reason, ok: false }), 'build', answer.reason), { ...check, next: 'done' });
        return;
      }
      const { name, description, expression } = answer.value;
      const built = { ...t, name: clip(name, 120), description: clip(description, 4000), expression: clip(expression, 2000), status: 'built' as const };
      changes.set(withStep(built, { kind: 'build', agent: FACTOR_BUILDER.queue, action: `built ${name}`, result: `${description}\nexpression: ${expression}`, ok: true }), { ...check, next: 'verify' });
    });
    return changes.update;
  });
}

/** Accepted factors shown to the builder: the specialist's own best first, then the library's best. */
function examplesFor(best: readonly LibraryEntry[], specialist: string) {
  const own = best.filter((e) => e.specialist === specialist);
  const others = best.filter((e) => e.specialist !== specialist);
  return [...own.slice(0, 2), ...others]
    .slice(0, 4)
    .map((e) => ({ expression: e.expression, hypothesis: e.hypothesis, note: `accepted; valid RankIC ${e.metrics.valid.rankIc?.toFixed(4) ?? 'n/a'}` }));
}
