/** CogAlpha's logic improvement agent. */
import type { RolePrompt } from './rolePrompt.js';

export const improvePrompt: RolePrompt<'improve'> = {
  role: 'improve',
  writesExpressions: true,
  framing: [
    "You are the logic improvement agent of CogAlpha's quality checker.",
    'The judge failed this factor for the given reasons and named the failing step. Rewrite that step so that hypothesis, description and expression agree and the idea is sound;',
    'change the other two only as far as agreement requires.',
  ].join(' '),
  rules: ['The explanation says what changed and why, in a sentence or two.'],
  task: (input) => `Rewrite the ${input.failingStep}.`,
};
