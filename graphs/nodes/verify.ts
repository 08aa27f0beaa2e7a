/**
 * verify and the repair loop (QuantaAlpha's three gates + CogAlpha's
 * quality checker): the verifier runs the deterministic gates (compile,
 * look-ahead, limits, complexity, structural redundancy) and the judge.
 * A failure goes back for one more round, bounded by `maxRounds`:
 *
 *   compile (parse, type, look-ahead, limits)   -> code repair (keep the meaning, fix the code)
 *   complexity, redundancy, judge               -> logic improvement of the failing step
 *
 * After the last round a candidate that still fails is rejected with the
 * gate's reason. Code repair's outcome is published (repair.outcome) when the
 * repaired expression is verified again, so its knowledge base keeps what
 * worked (Co-STEER).
 */
import { CODE_REPAIR, LOGIC_IMPROVER, REPAIR_OUTCOME, VERIFIER, repairResultSchema, verifyResultSchema } from '../../agents/protocol.js';
import { improveReplySchema } from '../../agents/roles.js';
import { mapLimit } from '../ask.js';
import type { SwarmDeps } from '../deps.js';
import type { SwarmStateType } from '../state.js';
import { clip, rejected, withStep } from '../trajectories.js';
import { Changes, awaiting, node } from './common.js';

export function verify(deps: SwarmDeps) {
  return node(deps, 'verify', async (state, { calls, settings }) => {
    const changes = new Changes();
    await mapLimit(awaiting(state, 'verify'), settings.concurrency, async (t) => {
      const check = state.checks[t.id]!;
      const answer = await calls.ask(
        VERIFIER,
        { trajectory: t.id, hypothesis: t.hypothesis, description: t.description || t.hypothesis, expression: t.expression ?? '' },
        verifyResultSchema,
        { id: [t.id, 'verify', check.round], trajectory: t.id, timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries },
      );
      if (!answer.ok) {
        changes.set(rejected(withStep(t, { kind: 'verify', agent: VERIFIER.queue, action: 'verify', result: answer.reason, ok: false }), 'verify', answer.reason), { ...check, next: 'done' });
        return;
      }
      const v = answer.value;
      // The repair worked when the expression now compiles (a later gate may still fail it).
      if (check.repaired !== null) publishOutcome(deps, { ...check.repaired, worked: v.ok || v.stage !== 'compile' });
      const reasons = v.reasons.length > 0 ? v.reasons : [v.stage === null ? 'failed verification' : `failed the ${v.stage} gate`];
      if (v.ok && v.canonical !== null) {
        const verified = { ...t, expression: v.canonical, status: 'verified' as const };
        const result = `canonical: ${v.canonical}; complexity ${v.complexity?.toFixed(1) ?? 'n/a'}${v.similarity ? `; most similar library entry ${v.similarity.entry} (${v.similarity.normalized.toFixed(2)})` : ''}`;
        changes.set(withStep(verified, { kind: 'verify', agent: VERIFIER.queue, action: 'passed every gate', result, ok: true }), {
          ...check,
          next: 'evaluate',
          repaired: null,
          reasons: [],
          failingStep: null,
          complexity: v.complexity,
          similarity: v.similarity?.normalized ?? 0,
        });
        return;
      }
      const failed = withStep(t, { kind: 'verify', agent: VERIFIER.queue, action: `failed the ${v.stage ?? 'verification'} gate`, result: reasons.join('\n'), ok: false });
      if (check.round >= settings.maxRounds) {
        changes.set(rejected(failed, v.stage ?? 'verify', `${reasons[0]} (after ${check.round} repair round${check.round === 1 ? '' : 's'})`), { ...check, next: 'done', repaired: null });
        return;
      }
      const next = v.stage === 'compile' ? 'repair' : 'improve';
      changes.set(failed, { ...check, next, reasons: reasons.map((r) => clip(r, 1000)), failingStep: v.failingStep ?? 'expression', repaired: null, complexity: v.complexity, similarity: v.similarity?.normalized ?? 0 });
    });
    return changes.update;
  });
}

function publishOutcome(deps: SwarmDeps, outcome: { error: string; before: string; after: string; worked: boolean }): void {
  try {
    deps.bus.publish(REPAIR_OUTCOME, outcome);
  } catch (err) {
    deps.bus.log(`alphaswarm: could not publish a repair outcome: ${(err as Error).message}`);
  }
}

/** Where the verify loop goes next: repair and improvement (in parallel when both are needed), or on to evaluation. */
export function afterVerify(state: SwarmStateType): Array<'repair' | 'improve'> | 'evaluate' {
  const next = new Set(state.active.map((id) => state.checks[id]?.next));
  const loop = (['repair', 'improve'] as const).filter((n) => next.has(n));
  return loop.length > 0 ? loop : 'evaluate';
}

export function repair(deps: SwarmDeps) {
  return node(deps, 'repair', async (state, { calls, settings }) => {
    const changes = new Changes();
    await mapLimit(awaiting(state, 'repair'), settings.concurrency, async (t) => {
      const check = state.checks[t.id]!;
      const error = check.reasons[0] ?? 'the expression does not compile';
      const before = t.expression ?? '';
      const answer = await calls.ask(
        CODE_REPAIR,
        { trajectory: t.id, hypothesis: t.hypothesis, description: t.description ?? '', expression: before || t.hypothesis.slice(0, 100), error },
        repairResultSchema,
        { id: [t.id, 'repair', check.round], trajectory: t.id, timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries },
      );
      if (!answer.ok) {
        changes.set(rejected(withStep(t, { kind: 'repair', agent: CODE_REPAIR.queue, action: `repair: ${error}`, result: answer.reason, ok: false }), 'repair', answer.reason), { ...check, next: 'done' });
        return;
      }
      const { expression, explanation, fromKnowledge } = answer.value;
      const step = { kind: 'repair' as const, agent: CODE_REPAIR.queue, action: `fixed "${error}"${fromKnowledge ? ' (from the knowledge base)' : ''}`, result: `${expression}\n${explanation}`, ok: true };
      changes.set(withStep({ ...t, expression }, step), { ...check, round: check.round + 1, next: 'verify', repaired: { error, before: before || '(none)', after: expression } });
    });
    return changes.update;
  });
}

export function improve(deps: SwarmDeps) {
  return node(deps, 'improve', async (state, { calls, settings }) => {
    const changes = new Changes();
    await mapLimit(awaiting(state, 'improve'), settings.concurrency, async (t) => {
      const check = state.checks[t.id]!;
      const failingStep = check.failingStep ?? 'expression';
      const answer = await calls.ask(
        LOGIC_IMPROVER,
        {
          trajectory: t.id,
          hypothesis: t.hypothesis,
          description: t.description || t.hypothesis,
          expression: t.expression || 'missing',
          reasons: check.reasons.length > 0 ? check.reasons.slice(0, 8) : ['failed verification'],
          failingStep,
        },
        improveReplySchema,
        { id: [t.id, 'improve', check.round], trajectory: t.id, timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries },
      );
      if (!answer.ok) {
        changes.set(rejected(withStep(t, { kind: 'improve', agent: LOGIC_IMPROVER.queue, action: `improve the ${failingStep}`, result: answer.reason, ok: false }), 'improve', answer.reason), { ...check, next: 'done' });
        return;
      }
      const { hypothesis, description, expression, explanation } = answer.value;
      const improved = { ...t, hypothesis, description, expression };
      const step = { kind: 'improve' as const, agent: LOGIC_IMPROVER.queue, action: `rewrote the ${failingStep}: ${check.reasons[0] ?? ''}`, result: `${expression}\n${explanation}`, ok: true };
      changes.set(withStep(improved, step), { ...check, round: check.round + 1, next: 'verify' });
    });
    return changes.update;
  });
}
