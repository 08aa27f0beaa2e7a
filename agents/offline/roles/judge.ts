/** The judge: the deterministic verdict of verdict.ts on a compiled expression; an expression that does not compile fails at the expression. */
import type { RoleInput, RoleReply } from '../../roles.js';
import { compileIn, type OfflineEnvironment } from '../environment.js';
import { verdict } from '../verdict.js';

export function answerJudge(input: RoleInput<'judge'>, env: OfflineEnvironment): RoleReply<'judge'> {
  const compiled = compileIn(env, input.expression);
  if (!compiled.ok) {
    return { consistent: false, sound: false, failingStep: 'expression', reasons: [`the expression does not compile: ${compiled.error.message}`.slice(0, 1000)] };
  }
  const { consistent, sound, failingStep, reasons } = verdict(input.hypothesis, input.description, compiled.ast);
  return { consistent, sound, failingStep, reasons: [...reasons] };
}
