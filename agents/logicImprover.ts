/**
 * Logic improvement (CogAlpha's Logic Improvement Agent, QuantaAlpha's
 * rewrite of the offending component): a candidate the judge failed, or whose
 * expression is too complex or too close to the library, is rewritten from
 * the failing step on. The steps before it stay as they were.
 *
 *   idle --improve.request--> improving --> checking --> answering --> idle
 *
 * The check restores the frozen prefix (a model that also "improved" the
 * hypothesis when asked to fix the expression is not followed there) and asks
 * again, once, when the failing step came back unchanged.
 */
import type { z } from 'zod';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { askModel, type ModelAccess } from './modelCall.js';
import { modelTaskMachine, type Verdict } from './modelTaskMachine.js';
import { LOGIC_IMPROVER, type improveTaskSchema } from './protocol.js';
import type { RoleReply } from './roles.js';

export type ImproveTask = z.infer<typeof improveTaskSchema>;
export type Improved = RoleReply<'improve'>;

const STEPS = ['hypothesis', 'description', 'expression'] as const;

export const LOGIC_IMPROVER_IDENTITY: AgentIdentity = {
  role: 'logic-improver',
  name: LOGIC_IMPROVER.queue,
  level: null,
  capabilities: ['logic-improvement'],
  version: '1.0.0',
};

const same = (a: string, b: string): boolean => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

export function checkImproved(task: ImproveTask, improved: Improved): Verdict<Improved> {
  const failing = STEPS.indexOf(task.failingStep);
  const result = { ...improved };
  for (const step of STEPS.slice(0, failing)) result[step] = task[step];
  if (same(result[task.failingStep], task[task.failingStep])) {
    return { ok: false, reason: `the improver returned the failing ${task.failingStep} unchanged` };
  }
  return { ok: true, reply: result };
}

export function logicImproverMachine(deps: { readonly model: ModelAccess }) {
  return modelTaskMachine<ImproveTask, Improved, Improved>({
    channel: LOGIC_IMPROVER,
    working: 'improving',
    maxAttempts: 2,
    ask: ({ trajectory: _trajectory, ...input }) => askModel(deps.model, 'improve', LOGIC_IMPROVER.queue, input),
    check: checkImproved,
  });
}
