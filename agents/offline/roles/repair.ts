/** Code repair: repairExpression with the input's similar fixes first; an unrepairable expression is said to be one. */
import type { RoleInput, RoleReply } from '../../roles.js';
import type { OfflineEnvironment } from '../environment.js';
import { repairExpression } from '../repairExpression.js';

export function answerRepair(input: RoleInput<'repair'>, env: OfflineEnvironment): RoleReply<'repair'> {
  const outcome = repairExpression(input.expression, env, input.similarFixes);
  if (outcome.ok) {
    const how = outcome.notes.length > 0 ? outcome.notes.join('; ') : `the expression already compiles as ${outcome.expression}; the error (${input.error.slice(0, 200)}) is not one a code change fixes`;
    const source = outcome.fromKnowledge ? ' (using a fix that worked for a similar error)' : '';
    return { expression: outcome.expression, explanation: `Fixed${source}: ${how}`.slice(0, 2000) };
  }
  return {
    expression: input.expression.slice(0, 2000),
    explanation: `Cannot repair without changing the meaning: ${outcome.problems.join('; ')}${outcome.notes.length > 0 ? ` (other fixes tried: ${outcome.notes.join('; ')})` : ''}. The expression is returned unchanged.`.slice(0, 2000),
  };
}
