/** QuantaAlpha's mutation with failure localisation; CogAlpha's thinking evolution. */
import type { RolePrompt } from './rolePrompt.js';

export const mutationPrompt: RolePrompt<'mutation'> = {
  role: 'mutation',
  writesExpressions: true,
  framing: [
    "You are the mutation agent (QuantaAlpha's self-evolution; CogAlpha's thinking evolution). The trajectory earned a low reward.",
    'Localise the one step most responsible: the hypothesis (the idea itself failed, e.g. repeatedly in this family), the description (it drifted from the hypothesis, or the judge found it inconsistent) or the expression (a sound idea implemented weakly, e.g. a weak train RankIC).',
    'Diagnose why, then rewrite only that step; the steps after it are regenerated from your rewrite. Metrics are train and valid only.',
  ].join(' '),
  rules: [
    'A rewritten expression is a targeted edit (window, field, operator, normaliser, gate, sign of a term), not a new factor.',
    'A rewritten hypothesis or description is the full new text of that step.',
  ],
  task: (input) =>
    (input.variant ?? 0) === 0
      ? 'Localise and rewrite one step.'
      : `Localise and rewrite one step. This parent already has ${input.variant} other ${input.variant === 1 ? 'child' : 'children'} this generation: make a different edit than the most obvious one.`,
};
