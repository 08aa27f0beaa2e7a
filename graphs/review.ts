/**
 * Human in the loop (AlphaGPT 2.0): after selection, a person may see the
 * generation's candidates, approve or veto them, comment on them and add
 * research directions. The graph stops at an interrupt (LangGraph); the
 * `alphaswarm review` command sends the decision to the waiting supervisor
 * as a `review.submit` task on the `supervisor` queue, and the supervisor
 * resumes the graph with it (Command({resume})). The decision is part of the
 * checkpoint from then on, so a resumed run never asks twice.
 *
 *   approve    an evaluated candidate goes to the librarian even if it is not elite
 *              (the librarian's redundancy checks still apply)
 *   veto       a candidate is rejected: not in the library, not a parent
 *   comment    reaches the specialists' prompts (humanComments) and the trajectory
 *   direction  joins the planner's human directions; the next injection plans again
 */
import { z } from 'zod';
import type { Trajectory } from '../agents/domain.js';
import type { AgentChannel } from '../agents/protocol.js';
import { messageSchemas, type Bus } from '../runtime/index.js';
import type { RunOutputs } from './outputs.js';
import type { ReviewDecision, SwarmStateType, SwarmUpdate } from './state.js';
import { clip, rejected, withStep } from './trajectories.js';

const id = z.string().min(1).max(64);

export const reviewDecisionSchema = z.strictObject({
  approve: z.array(id).max(256),
  veto: z.array(id).max(256),
  comments: z.array(z.strictObject({ id, text: z.string().min(1).max(1000) })).max(64),
  directions: z.array(z.string().min(1).max(1000)).max(16),
});

export const reviewTaskSchema = reviewDecisionSchema.extend({ generation: z.number().int().nonnegative() });
export type ReviewTask = z.infer<typeof reviewTaskSchema>;
export const reviewResultSchema = z.strictObject({ applied: z.boolean(), detail: z.string().min(1).max(1000) });

function channel(queue: string, task: string, taskSchema: z.ZodType, reply: string, replySchema: z.ZodType): AgentChannel {
  messageSchemas.register(task, taskSchema);
  messageSchemas.register(reply, replySchema);
  return { queue, task, reply };
}

/** The supervisor's review queue: `alphaswarm review` asks, the waiting swarm answers. */
export const SUPERVISOR_REVIEW = channel('supervisor', 'review.submit', reviewTaskSchema, 'review.received', reviewResultSchema);

/** One candidate as the review shows it. */
export interface ReviewCandidate {
  readonly id: string;
  readonly status: Trajectory['status'];
  /** Selection offers it to the librarian. */
  readonly toLibrary: boolean;
  readonly origin: Trajectory['origin'];
  readonly specialist: string;
  readonly name: string | null;
  readonly expression: string | null;
  readonly hypothesis: string;
  readonly trainRankIc: number | null;
  readonly validRankIc: number | null;
  readonly trainIc: number | null;
  readonly reward: number | null;
  readonly why: string | null;
}

export interface PendingReview {
  readonly generation: number;
  readonly candidates: readonly ReviewCandidate[];
}

/** What the interrupt shows: every candidate this generation that was evaluated, best reward first. */
export function pendingReview(state: SwarmStateType): PendingReview {
  const toLibrary = new Set(state.toLibrary);
  const candidates = state.active
    .map((tid) => state.trajectories[tid]!)
    .filter((t) => t !== undefined && t.metrics !== null && t.reward !== null)
    .sort((a, b) => b.reward! - a.reward! || (a.id < b.id ? -1 : 1))
    .map((t) => ({
      id: t.id,
      status: t.status,
      toLibrary: toLibrary.has(t.id),
      origin: t.origin,
      specialist: t.specialist,
      name: t.name,
      expression: t.expression,
      hypothesis: clip(t.hypothesis, 400),
      trainRankIc: t.metrics!.train.rankIc,
      validRankIc: t.metrics!.valid.rankIc,
      trainIc: t.metrics!.train.ic,
      reward: t.reward,
      why: t.rejection?.reason ?? null,
    }));
  return { generation: state.generation, candidates };
}

/** The state after a person's decision (pure). Unknown ids are ignored; a veto wins over an approval. */
export function applyReview(state: SwarmStateType, decision: ReviewDecision): SwarmUpdate {
  const reviewable = new Set(pendingReview(state).candidates.filter((c) => c.status !== 'rejected').map((c) => c.id));
  const veto = new Set(decision.veto.filter((v) => reviewable.has(v)));
  const approve = decision.approve.filter((a) => reviewable.has(a) && !veto.has(a));
  const changed: Record<string, Trajectory> = {};
  const current = (tid: string): Trajectory => changed[tid] ?? state.trajectories[tid]!;
  for (const tid of veto) {
    changed[tid] = rejected(withStep(current(tid), { kind: 'review', agent: 'human', action: 'vetoed', result: 'vetoed by a person', ok: false }), 'review', 'vetoed by a person');
  }
  for (const tid of approve) {
    changed[tid] = withStep(current(tid), { kind: 'review', agent: 'human', action: 'approved', result: 'approved for the library by a person', ok: true });
  }
  const comments = decision.comments.filter((c) => state.trajectories[c.id] !== undefined);
  for (const c of comments) {
    changed[c.id] = withStep(current(c.id), { kind: 'review', agent: 'human', action: 'commented', result: c.text, ok: true });
  }
  const commentLines = comments.map((c) => clip(`On ${current(c.id).expression ?? c.id}: ${c.text}`, 1000));
  return {
    trajectories: changed,
    toLibrary: [...new Set([...state.toLibrary.filter((t) => !veto.has(t)), ...approve])],
    parents: state.parents.filter((p) => !veto.has(p)),
    carried: state.carried.filter((c) => !veto.has(c)),
    humanComments: [...state.humanComments, ...commentLines].slice(-8),
    humanDirections: [...state.humanDirections, ...decision.directions.map((d) => clip(d, 1000))],
    reviewDecision: { approve, veto: [...veto], comments, directions: decision.directions },
  };
}

/** review.json while the swarm waits, and after: what `alphaswarm review` shows. */
export interface ReviewFile extends PendingReview {
  readonly waiting: boolean;
  readonly decision: ReviewDecision | null;
}

/**
 * Waits for a person's decision on `pending`: writes review.json, takes
 * `review.submit` tasks from the supervisor queue until one is for this
 * generation (others are answered with why not), records the decision in
 * review.json and returns it.
 */
export async function waitForReview(bus: Bus, outputs: RunOutputs, pending: PendingReview, notify: (line: string) => void): Promise<ReviewDecision> {
  outputs.writeJson('review', { ...pending, waiting: true, decision: null } satisfies ReviewFile);
  notify(`generation ${pending.generation + 1}: waiting for a review of ${pending.candidates.length} candidates: npx alphaswarm review --run-dir ${outputs.runDir}`);
  let settle!: (decision: ReviewDecision) => void;
  const decided = new Promise<ReviewDecision>((resolve) => (settle = resolve));
  const server = await bus.serve(SUPERVISOR_REVIEW.queue, async (task) => {
    const submitted = task.payload as ReviewTask;
    if (submitted.generation !== pending.generation) {
      throw new Error(`the swarm is waiting for a review of generation ${pending.generation + 1}, not ${submitted.generation + 1}`);
    }
    const { generation: _, ...decision } = submitted;
    settle(decision);
    return { type: SUPERVISOR_REVIEW.reply, payload: { applied: true, detail: `generation ${pending.generation + 1}: ${describeDecision(decision)}` } };
  });
  const decision = await decided;
  await server.stop();
  outputs.writeJson('review', { ...pending, waiting: false, decision } satisfies ReviewFile);
  return decision;
}

export function describeDecision(d: ReviewDecision): string {
  return `${d.approve.length} approved, ${d.veto.length} vetoed, ${d.comments.length} comments, ${d.directions.length} new directions`;
}
