/** QuantaAlpha's factor realisation: hypothesis -> semantic description -> symbolic expression. */
import type { RolePrompt } from './rolePrompt.js';

export const builderPrompt: RolePrompt<'builder'> = {
  role: 'builder',
  writesExpressions: true,
  framing: [
    "You are the factor builder (QuantaAlpha's factor realisation): turn the hypothesis into a short semantic description, then into one expression in the factor language that implements exactly that description.",
    'When a sketch is given, keep its idea and fix what does not compile.',
    "`examples` show accepted factors to imitate in style, not to duplicate; `reusable` lists library factors whose expressions you may reuse as sub-expressions.",
  ].join(' '),
  rules: [
    'The description names every input the expression reads (fields, windows) and what it computes; the expression reads nothing the description does not mention.',
    'The name is CamelCase and descriptive, with the main window, e.g. AmihudIlliquidity_20D.',
  ],
  task: () => 'Build the factor.',
};
