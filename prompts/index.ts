/**
 * Every role's prompt, as chat messages:
 *
 *   system  the role as the seed papers frame it; the factor language (for
 *           roles that write expressions, generated from the operator
 *           registry); the exact reply shape (derived from the role's zod
 *           reply schema); the rules
 *   user    one line of request, then the input as the context block
 *
 * The system message depends only on the role and the environment, so it is
 * built once and reused (and an endpoint's prompt cache can reuse it too).
 */
import type { LlmMessage } from '../agents/llm/index.js';
import { ROLES, type RoleInput, type RoleName } from '../agents/roles.js';
import { analystPrompt } from './analyst.js';
import { builderPrompt } from './builder.js';
import { contextBlock } from './context.js';
import { crossoverPrompt } from './crossover.js';
import { improvePrompt } from './improve.js';
import { judgePrompt } from './judge.js';
import { modelPrompt } from './model.js';
import { mutationPrompt } from './mutation.js';
import { plannerPrompt } from './planner.js';
import { repairPrompt } from './repair.js';
import { replyShape } from './replyShape.js';
import type { RolePrompt } from './rolePrompt.js';
import { specialistPrompt } from './specialist.js';

export { contextBlock, readContextBlock } from './context.js';
export { replyShape } from './replyShape.js';
export type { RolePrompt } from './rolePrompt.js';

export interface PromptEnvironment {
  /** dslSpecification({ fields, limits }) for the data the swarm mines. */
  readonly dsl: string;
}

export const ROLE_PROMPTS: { readonly [R in RoleName]: RolePrompt<R> } = {
  planner: plannerPrompt,
  specialist: specialistPrompt,
  builder: builderPrompt,
  judge: judgePrompt,
  repair: repairPrompt,
  improve: improvePrompt,
  mutation: mutationPrompt,
  crossover: crossoverPrompt,
  analyst: analystPrompt,
  model: modelPrompt,
};

const EXPRESSION_RULES = [
  'Expressions use only the fields and operators of the factor language above, in its (qlib) syntax.',
  'No look-ahead: the value on day t uses data up to day t only (lags and windows >= 0).',
  'Stay within the limits; prefer the simplest expression that captures the idea.',
];

const INPUT_NOTE = 'The input is the JSON block at the end of the user message.';

function systemText(prompt: RolePrompt<RoleName>, env: PromptEnvironment): string {
  const rules = [...prompt.rules, ...(prompt.writesExpressions ? EXPRESSION_RULES : []), 'Answer with the JSON value only: no prose, no code fences.'];
  return [
    prompt.framing,
    INPUT_NOTE,
    ...(prompt.writesExpressions ? [env.dsl.trim()] : []),
    `# Reply\n\n${replyShape(ROLES[prompt.role].reply)}`,
    `# Rules\n\n${rules.map((rule) => `- ${rule}`).join('\n')}`,
  ].join('\n\n');
}

/** System texts per environment (usually one), per role. */
const systems = new Map<string, Map<RoleName, string>>();

function systemFor(role: RoleName, env: PromptEnvironment): string {
  let byRole = systems.get(env.dsl);
  if (byRole === undefined) {
    byRole = new Map();
    systems.set(env.dsl, byRole);
  }
  let text = byRole.get(role);
  if (text === undefined) {
    text = systemText(ROLE_PROMPTS[role] as RolePrompt<RoleName>, env);
    byRole.set(role, text);
  }
  return text;
}

/** The messages asking `role` for its reply to `input`. */
export function renderPrompt<R extends RoleName>(role: R, input: RoleInput<R>, env: PromptEnvironment): LlmMessage[] {
  const prompt = ROLE_PROMPTS[role];
  return [
    { role: 'system', content: systemFor(role, env) },
    { role: 'user', content: `${prompt.task(input)}\n\n${contextBlock(role, input)}` },
  ];
}
