/**
 * How an agent asks its model for a role's reply: the input checked against
 * the role's input schema (it is built from other agents' text, so it may not
 * fit), the prompt rendered by prompts/, the call made through LlmClient
 * (which validates the reply and never throws on model misbehaviour), and a
 * failed call turned into a ModelCallError whose one-line message says which
 * role failed and why, ready to be a task failure's reason.
 */
import type { z } from 'zod';
import type { LlmClient } from './llm/index.js';
import { ROLES, type RoleInput, type RoleName, type RoleReply } from './roles.js';
import type { FactorLimits } from '../operators/limits.js';
import { resolveLimits } from '../operators/limits.js';
import { dslSpecification } from '../operators/dslSpec.js';
import { describeIssues } from '../runtime/schemas.js';
import { renderPrompt, type PromptEnvironment } from '../prompts/index.js';

/** What agents need of LlmClient (tests may hand in a client over a scripted model). */
export type ModelClient = Pick<LlmClient, 'complete'>;

/** The data the swarm mines, as agents see it: the factor language text, the fields and the limits. */
export interface SwarmEnvironment extends PromptEnvironment {
  readonly fields: readonly string[];
  readonly limits: FactorLimits;
}

export function swarmEnvironment(fields: readonly string[], limits: Partial<FactorLimits> = {}): SwarmEnvironment {
  const resolved = resolveLimits(limits);
  return { fields: [...fields], limits: resolved, dsl: dslSpecification({ fields: new Set(fields), limits: resolved }) };
}

/** Compile options for the environment's data. */
export function compileOptionsOf(env: SwarmEnvironment): { fields: ReadonlySet<string>; limits: FactorLimits } {
  return { fields: new Set(env.fields), limits: env.limits };
}

export interface ModelAccess {
  readonly llm: ModelClient;
  readonly env: SwarmEnvironment;
}

export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
}

/** The role's reply to `input`, or a ModelCallError saying why there is none. */
export async function askModel<R extends RoleName>(model: ModelAccess, role: R, agent: string, input: RoleInput<R>, signal?: AbortSignal): Promise<RoleReply<R>> {
  const contract = ROLES[role];
  const checked = contract.input.safeParse(input);
  if (!checked.success) throw new ModelCallError(`cannot ask the ${role} model: its input does not fit: ${describeIssues(checked.error.issues)}`);
  const result = await model.llm.complete({
    role,
    agent,
    messages: renderPrompt(role, checked.data as RoleInput<R>, model.env),
    schema: contract.reply as unknown as z.ZodType<RoleReply<R>>,
    ...(signal ? { signal } : {}),
  });
  if (!result.ok) throw new ModelCallError(`the ${role} model failed (${result.reason}): ${oneLine(result.detail, 400)}`);
  return result.value;
}

export function oneLine(text: string, max = 1000): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

export function errorMessage(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}
