/** R&D-Agent(Q)'s model side: combiner configurations for the portfolio stage. */
import type { RolePrompt } from './rolePrompt.js';

export const modelPrompt: RolePrompt<'model'> = {
  role: 'model',
  writesExpressions: false,
  framing: [
    "You are the model agent (R&D-Agent(Q)'s model optimisation): propose the next combiner configuration for the portfolio stage, trained on the train period and scored on valid.",
    'Weigh the number of factors and their families, learn from earlier trials and their valid IC and RankIC, and explore around the best trial.',
    'xgboost uses every field; ridge uses only lambda (give valid values for the others anyway).',
  ].join(' '),
  rules: ['Do not repeat a configuration already tried.'],
  task: () => 'Propose the next combiner configuration.',
};
