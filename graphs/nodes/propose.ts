/**
 * propose: each specialist gets its slots as one `specialist.task`, with
 * Hubble's positive and negative retrieval from the librarian, CogAlpha's
 * adaptive feedback (analysed best and worst candidates of the last
 * generation) and a person's comments in its context. Each proposal starts a
 * trajectory: origin `init` in generation 0, `injection` later, `attached`
 * when the specialist was attached from outside the swarm.
 *
 * The task carries the brief twice (agents/specialistBehaviour.ts
 * specialistTask): structured for the default LLM-backed behaviour, and as
 * text in `context` for a module with its own propose().
 */
import type { Origin } from '../../agents/domain.js';
import { retrieveResultSchema } from '../../agents/protocol.js';
import { specialistTask } from '../../agents/specialistBehaviour.js';
import { SPECIALIST_TASK, specialistProposalsSchema, type SpecialistBrief } from '../../agents/specialistDefinition.js';
import type { SwarmDeps } from '../deps.js';
import type { Assignment, Incident } from '../state.js';
import { clip, newTrajectory, withStep } from '../trajectories.js';
import { mapLimit } from '../ask.js';
import { Changes, freshCheck, node } from './common.js';

/** One specialist task: identical slots grouped. */
export interface ProposalGroup {
  readonly index: number;
  readonly assignment: Assignment;
  readonly count: number;
}

/** Hubble's retrieval: the librarian's second task type on its queue. */
const LIBRARY_RETRIEVE = { queue: 'librarian', task: 'library.retrieve', reply: 'library.retrieved' } as const;

export function groupAssignments(assignments: readonly Assignment[]): ProposalGroup[] {
  const groups = new Map<string, { assignment: Assignment; count: number }>();
  for (const a of assignments) {
    const key = `${a.specialist}|${a.guidanceMode}|${a.direction}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { assignment: a, count: 1 });
  }
  return [...groups.values()].map((g, index) => ({ index, assignment: g.assignment, count: Math.min(16, g.count) }));
}

export function propose(deps: SwarmDeps) {
  return node(deps, 'propose', async (state, { calls, settings }) => {
    const changes = new Changes();
    const incidents: Incident[] = [];
    const origin: Origin = state.generation === 0 ? 'init' : 'injection';
    const ids: string[] = [];
    const groups = groupAssignments(state.assignments);
    const alive = new Set(deps.registry.agents({ role: 'specialist' }).map((r) => r.presence.name));
    const answers = await mapLimit(groups, settings.concurrency, async (group) => {
      const { assignment } = group;
      // A specialist that left since scheduling would leave its task unanswered until the timeout.
      if (!alive.has(assignment.specialist)) return { group, direction: null, answer: { ok: false as const, reason: `${assignment.specialist} left the run before its task` }, retrieval: { ok: true as const, value: { positives: [], negatives: [] } } };
      const prefix = `g${state.generation}-s${group.index}`;
      const retrieval = await calls.ask(LIBRARY_RETRIEVE, { about: assignment.specialist, positives: 4, negatives: 4 }, retrieveResultSchema, {
        id: [prefix, 'retrieve'],
        timeoutMs: deps.timeouts.model,
        retries: deps.timeouts.retries,
      });
      const direction = assignment.direction >= 0 ? (state.directions[assignment.direction] ?? null) : null;
      const brief: SpecialistBrief = {
        guidanceMode: assignment.guidanceMode,
        direction,
        positives: retrieval.ok ? retrieval.value.positives : [],
        negatives: retrieval.ok ? retrieval.value.negatives : [],
        feedback: state.feedback.slice(0, 8),
        humanComments: state.humanComments.slice(-8),
        count: group.count,
      };
      const answer = await calls.askQueue(assignment.specialist, SPECIALIST_TASK, specialistTask(brief), specialistProposalsSchema, {
        id: [prefix, 'propose'],
        timeoutMs: deps.timeouts.model,
        retries: deps.timeouts.retries,
      });
      return { group, direction, answer, retrieval };
    });
    for (const { group, direction, answer, retrieval } of answers) {
      const { assignment } = group;
      if (!retrieval.ok) incidents.push({ stage: 'propose', agent: 'librarian', reason: retrieval.reason });
      if (!answer.ok) {
        incidents.push({ stage: 'propose', agent: assignment.specialist, reason: answer.reason });
        continue;
      }
      answer.value.proposals.slice(0, group.count).forEach((proposal, k) => {
        const id = `g${state.generation}-s${group.index}-${k}`;
        const t = newTrajectory({
          id,
          generation: state.generation,
          origin: assignment.attached ? 'attached' : origin,
          specialist: assignment.specialist,
          level: assignment.level,
          guidanceMode: assignment.guidanceMode,
          direction: direction?.title ?? null,
          hypothesis: proposal.hypothesis,
          status: 'proposed',
        });
        const sketch = proposal.expression === undefined ? null : clip(proposal.expression, 2000);
        const step = { kind: 'propose' as const, agent: assignment.specialist, action: `proposed a hypothesis (${assignment.guidanceMode} guidance${direction ? `, direction "${direction.title}"` : ''})`, result: sketch === null ? proposal.hypothesis : `${proposal.hypothesis}\nsketch: ${sketch}`, ok: true };
        changes.set(withStep(t, step), freshCheck('build', sketch));
        ids.push(id);
      });
    }
    return { ...changes.update, active: [...state.active, ...ids], incidents: [...state.incidents, ...incidents] };
  });
}
