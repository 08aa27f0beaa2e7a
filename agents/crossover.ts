/**
 * Crossover (QuantaAlpha's segment recombination, CogAlpha's Crossover
 * Agent): a child built from the high-reward segments of k parents, with the
 * lineage of each inherited segment.
 *
 *   idle --crossover.request--> recombining --> checking --> answering --> idle
 *
 * The check makes sure the lineage is real: every inherited segment names one
 * of the parents given, at least two parents contribute, and the child's
 * expression is not one parent's expression (compared as text without
 * spaces). Otherwise the model is asked again, once.
 */
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { askModel, type ModelAccess } from './modelCall.js';
import { modelTaskMachine, type Verdict } from './modelTaskMachine.js';
import { CROSSOVER } from './protocol.js';
import type { RoleInput, RoleReply } from './roles.js';

export type CrossoverTask = RoleInput<'crossover'>;
export type Child = RoleReply<'crossover'>;

export const CROSSOVER_IDENTITY: AgentIdentity = {
  role: 'crossover',
  name: CROSSOVER.queue,
  level: null,
  capabilities: ['recombination', 'lineage'],
  version: '1.0.0',
};

const compact = (expression: string): string => expression.replace(/\s+/g, '');

export function checkChild(task: CrossoverTask, child: Child): Verdict<Child> {
  const parents = new Set(task.parents.map((p) => p.id));
  const unknown = child.inherited.find((i) => !parents.has(i.parent));
  if (unknown) return { ok: false, reason: `the crossover names '${unknown.parent}' as a parent, which is not one of ${[...parents].join(', ')}` };
  const contributing = new Set(child.inherited.map((i) => i.parent));
  if (contributing.size < 2) return { ok: false, reason: `the crossover inherits from ${contributing.size} parent; a crossover needs at least two` };
  const copied = task.parents.find((p) => compact(p.expression) === compact(child.expression));
  if (copied) return { ok: false, reason: `the crossover child's expression is parent ${copied.id}'s` };
  return { ok: true, reply: child };
}

export function crossoverMachine(deps: { readonly model: ModelAccess }) {
  return modelTaskMachine<CrossoverTask, Child, Child>({
    channel: CROSSOVER,
    working: 'recombining',
    maxAttempts: 2,
    ask: (task) => askModel(deps.model, 'crossover', CROSSOVER.queue, task),
    check: checkChild,
  });
}
