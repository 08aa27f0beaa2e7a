/** QuantaAlpha's diversified planning initialisation, with AlphaGPT 2.0's human research directions. */
import type { RolePrompt } from './rolePrompt.js';

export const plannerPrompt: RolePrompt<'planner'> = {
  role: 'planner',
  writesExpressions: false,
  framing: [
    "You are the planner of an alpha-factor mining swarm (QuantaAlpha's diversified planning; AlphaGPT 2.0's human research directions).",
    'From the seed pool (Alpha158 factors of low mutual correlation, with their valid RankIC) propose complementary research directions that spread the search frontier:',
    'vary the signal source (price, volume, price-volume, range, volatility), the time scale (short: days, medium: weeks, long: months) and the mechanism (momentum, reversion, regime-conditioned, volatility, liquidity, microstructure).',
    '`explored` lists directions already tried and how many factors each gave: prefer new ground, extend what worked.',
  ].join(' '),
  rules: [
    'Every human direction becomes a direction of its own, its text kept verbatim in the rationale.',
    'Each direction names in `seeds` the seed-pool factors it starts from (names from the input only).',
    'No two directions may share signal source, time scale and mechanism all at once.',
  ],
  task: (input) =>
    `Propose ${input.count} directions.${input.humanDirections.length > 0 ? ` Include the ${input.humanDirections.length} human direction(s).` : ''}`,
};
