/**
 * One answer of the offline research model: the role and input come from
 * the context block, the input is validated against the role's schema, the
 * role's answer is computed with a generator keyed by (seed, role, input),
 * and checked against the role's reply schema before it leaves.
 */
import { ROLES, type RoleInput, type RoleName, type RoleReply } from '../roles.js';
import type { OfflineEnvironment } from './environment.js';
import { Rng, stableStringify } from './random.js';
import { answerAnalyst } from './roles/analyst.js';
import { answerBuilder } from './roles/builder.js';
import { answerCrossover } from './roles/crossover.js';
import { answerImprove } from './roles/improve.js';
import { answerJudge } from './roles/judge.js';
import { answerModel } from './roles/model.js';
import { answerMutation } from './roles/mutation.js';
import { answerPlanner } from './roles/planner.js';
import { answerRepair } from './roles/repair.js';
import { answerSpecialist } from './roles/specialist.js';

type Answer<R extends RoleName> = (input: RoleInput<R>, rng: Rng, env: OfflineEnvironment) => RoleReply<R>;

const ANSWERS: { readonly [R in RoleName]: Answer<R> } = {
  planner: answerPlanner,
  specialist: answerSpecialist,
  builder: answerBuilder,
  judge: (input, _rng, env) => answerJudge(input, env),
  repair: (input, _rng, env) => answerRepair(input, env),
  improve: answerImprove,
  mutation: answerMutation,
  crossover: answerCrossover,
  analyst: (input) => answerAnalyst(input),
  model: (input, rng) => answerModel(input, rng),
};

export type Response = { readonly ok: true; readonly reply: unknown } | { readonly ok: false; readonly reason: string };

function isRole(role: string): role is RoleName {
  return Object.hasOwn(ROLES, role);
}

export function respond(seed: number, role: string, input: unknown, env: OfflineEnvironment): Response {
  if (!isRole(role)) return { ok: false, reason: `unknown role '${role.slice(0, 40)}'` };
  const contract = ROLES[role];
  const parsed = contract.input.safeParse(input);
  if (!parsed.success) return { ok: false, reason: `the ${role} input does not match its schema: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
  const rng = Rng.keyed(seed, role, stableStringify(parsed.data));
  try {
    const reply = (ANSWERS[role] as Answer<RoleName>)(parsed.data as RoleInput<RoleName>, rng, env);
    const checked = contract.reply.safeParse(reply);
    if (!checked.success) return { ok: false, reason: `internal: the ${role} answer broke its reply schema: ${checked.error.issues[0]?.message ?? ''}` };
    return { ok: true, reply: checked.data };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
