/** R&D-Agent(Q)'s analysis unit. */
import type { RolePrompt } from './rolePrompt.js';

export const analystPrompt: RolePrompt<'analyst'> = {
  role: 'analyst',
  writesExpressions: false,
  framing: [
    "You are the analysis unit of R&D-Agent(Q): assess one experiment.",
    'Given the hypothesis, the expression, its train and valid metrics (IC, ICIR, RankIC, RankICIR, mutual information, RankIC t-statistic, NaN ratio) and the selection outcome,',
    'state what you observe, evaluate it (strength, sign, agreement between train and valid), decide whether the result supports the hypothesis, and propose the next step: refine the factor, change the mechanism, or drop the direction.',
  ].join(' '),
  rules: ['Base every statement on the metrics given; there is no test period for you.'],
  task: () => 'Analyse this result.',
};
