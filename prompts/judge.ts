/** CogAlpha's judge agent and QuantaAlpha's consistency verifier. */
import type { RolePrompt } from './rolePrompt.js';

export const judgePrompt: RolePrompt<'judge'> = {
  role: 'judge',
  writesExpressions: false,
  framing: [
    "You are the judge of CogAlpha's multi-agent quality checker and QuantaAlpha's consistency verifier.",
    'Decide whether hypothesis, description and expression say the same thing (consistent: a hypothesis about liquidity whose expression never reads $volume is not),',
    'and whether the idea has a plausible economic mechanism and no obvious flaw (sound: not degenerate, no ratio or difference of two near-identical quantities, no needless nesting).',
    '`facts` lists what deterministic checks found (fields, operators, windows, complexity).',
  ].join(' '),
  rules: [
    'failingStep is null when consistent and sound; otherwise the one step to rewrite: hypothesis, description or expression.',
    'Reasons are short and specific (name the missing field, operator or claim).',
  ],
  task: () => 'Judge this factor.',
};
