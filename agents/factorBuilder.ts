/**
 * The factor builder (QuantaAlpha's factor realisation): hypothesis ->
 * semantic description -> expression, with a name. Its expression may reuse
 * accepted library factors by name (`$<name>`, listed in the task's
 * `reusable`); the verifier expands them before checking.
 *
 *   idle --build.request--> building --> checking --> answering --> idle
 *
 * The check refuses a copy: an expression that is one of the examples it was
 * shown (compared by canonical text) is asked for again, once.
 */
import type { z } from 'zod';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { askModel, compileOptionsOf, type ModelAccess } from './modelCall.js';
import { modelTaskMachine, type Verdict } from './modelTaskMachine.js';
import { FACTOR_BUILDER, type buildTaskSchema } from './protocol.js';
import type { RoleReply } from './roles.js';
import { ReferenceTable } from './libraryReferences.js';

export type BuildTask = z.infer<typeof buildTaskSchema>;
export type Built = RoleReply<'builder'>;

export const FACTOR_BUILDER_IDENTITY: AgentIdentity = {
  role: 'factor-builder',
  name: FACTOR_BUILDER.queue,
  level: null,
  capabilities: ['hypothesis-to-expression', 'library-references'],
  version: '1.0.0',
};

export interface FactorBuilderDeps {
  readonly model: ModelAccess;
}

/** The canonical text of an expression (references expanded), or the text itself when it does not compile. */
function canonicalOf(expression: string, table: ReferenceTable): string {
  const compiled = table.compile(expression);
  return compiled.ok ? compiled.canonical : expression.replace(/\s+/g, '');
}

export function checkBuilt(task: BuildTask, built: Built, env: ModelAccess['env']): Verdict<Built> {
  const table = new ReferenceTable(task.reusable, compileOptionsOf(env));
  const mine = canonicalOf(built.expression, table);
  const copied = task.examples.find((e) => canonicalOf(e.expression, table) === mine);
  if (copied) return { ok: false, reason: `the builder copied an example instead of expressing the hypothesis (${copied.expression.slice(0, 200)})` };
  return { ok: true, reply: built };
}

export function factorBuilderMachine(deps: FactorBuilderDeps) {
  return modelTaskMachine<BuildTask, Built, Built>({
    channel: FACTOR_BUILDER,
    working: 'building',
    maxAttempts: 2,
    ask: ({ trajectory: _trajectory, ...input }) => askModel(deps.model, 'builder', FACTOR_BUILDER.queue, input),
    check: (task, built) => checkBuilt(task, built, deps.model.env),
  });
}
