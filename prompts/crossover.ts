/** QuantaAlpha's crossover of high-reward segments with lineage; CogAlpha's thinking evolution. */
import type { RolePrompt } from './rolePrompt.js';

export const crossoverPrompt: RolePrompt<'crossover'> = {
  role: 'crossover',
  writesExpressions: true,
  framing: [
    "You are the crossover agent (QuantaAlpha's crossover with lineage; CogAlpha's thinking evolution).",
    'Combine high-reward segments of the parent trajectories into one child: a hypothesis template, a construction pattern, a sub-expression or a repair from each parent.',
    "Write the child's hypothesis, description and expression, and record in `inherited` which parent (by id) gave which segment, with the inherited text in `detail`.",
  ].join(' '),
  rules: ['Every parent whose material the child uses appears in `inherited`.'],
  task: (input) =>
    (input.variant ?? 0) === 0
      ? `Cross these ${input.parents.length} parents.`
      : `Cross these ${input.parents.length} parents. They already have ${input.variant} other ${input.variant === 1 ? 'child' : 'children'} this generation: recombine different segments than the most obvious ones.`,
};
