/**
 * Mutation (QuantaAlpha's self-reflective mutation, CogAlpha's Mutation
 * Agent): localise the step of a trajectory most responsible for its low
 * reward and rewrite only that step; the supervisor keeps the prefix and has
 * the builder regenerate what follows a rewritten hypothesis or description.
 *
 *   idle --mutate.request--> mutating --> checking --> answering --> idle
 *
 * The check makes sure the rewrite is what was asked: it changes the
 * localised step, and it is of that step's kind (an expression that parses
 * for `expression`, prose rather than an expression for the other two).
 * Otherwise the model is asked again, once.
 */
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { parseFactor } from '../operators/parser.js';
import { askModel, type ModelAccess } from './modelCall.js';
import { modelTaskMachine, type Verdict } from './modelTaskMachine.js';
import { MUTATION } from './protocol.js';
import type { RoleInput, RoleReply } from './roles.js';

export type MutateTask = RoleInput<'mutation'>;
export type Mutation = RoleReply<'mutation'>;

export const MUTATION_IDENTITY: AgentIdentity = {
  role: 'mutation',
  name: MUTATION.queue,
  level: null,
  capabilities: ['failure-localisation', 'local-rewrite'],
  version: '1.0.0',
};

/** Text compared for "unchanged": expressions without any spaces, prose with runs of spaces as one, case ignored. */
const squash = (text: string, step: Mutation['localisedStep']): string => (step === 'expression' ? text.replace(/\s+/g, '') : text.replace(/\s+/g, ' ').trim().toLowerCase());

export function checkMutation(task: MutateTask, mutation: Mutation): Verdict<Mutation> {
  const step = mutation.localisedStep;
  const original = task.trajectory[step];
  if (squash(mutation.rewrite, step) === squash(original, step)) return { ok: false, reason: `the mutation left the localised ${step} unchanged` };
  const parsed = parseFactor(mutation.rewrite.trim());
  if (step === 'expression' && !parsed.ok) return { ok: false, reason: `the rewritten expression does not parse: ${parsed.error.message}` };
  if (step !== 'expression' && parsed.ok) return { ok: false, reason: `the rewrite of the ${step} is an expression, not a ${step}` };
  return { ok: true, reply: step === 'expression' ? { ...mutation, rewrite: mutation.rewrite.trim() } : mutation };
}

export function mutationMachine(deps: { readonly model: ModelAccess }) {
  return modelTaskMachine<MutateTask, Mutation, Mutation>({
    channel: MUTATION,
    working: 'mutating',
    maxAttempts: 2,
    ask: (task) => askModel(deps.model, 'mutation', MUTATION.queue, task),
    check: checkMutation,
  });
}
