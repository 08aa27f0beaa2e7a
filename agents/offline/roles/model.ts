/**
 * The model agent: combiner configurations for the portfolio stage. Without
 * trials, a conventional start (ridge for few factors, XGBoost otherwise);
 * with trials, one or two hyperparameters of the best trial (by valid
 * RankIC) moved a step, never repeating a configuration tried before.
 */
import type { ModelConfig, RoleInput, RoleReply } from '../../roles.js';
import type { Rng } from '../random.js';

type Input = RoleInput<'model'>;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number, digits: number) => Number(value.toFixed(digits));

function start(input: Input): ModelConfig {
  const few = input.factors < 8;
  // Many factors of one family are near-collinear: regularise harder.
  const concentrated = input.families.length > 0 && Math.max(...input.families.map((f) => f.count)) > input.factors / 2;
  return {
    model: few ? 'ridge' : 'xgboost',
    eta: 0.05,
    maxDepth: input.factors > 100 ? 5 : 6,
    subsample: 0.8,
    colsampleBytree: input.factors > 100 ? 0.6 : 0.8,
    lambda: few ? 10 : concentrated ? 5 : 1,
    rounds: 400,
  };
}

type Move = (c: ModelConfig, rng: Rng) => ModelConfig;

const MOVES: Readonly<Record<string, Move>> = {
  eta: (c, rng) => ({ ...c, eta: round(clamp(c.eta * (rng.chance(0.5) ? 2 : 0.5), 0.005, 0.3), 4) }),
  maxDepth: (c, rng) => ({ ...c, maxDepth: clamp(c.maxDepth + (rng.chance(0.5) ? 1 : -1) * (rng.chance(0.7) ? 1 : 2), 2, 10) }),
  subsample: (c, rng) => ({ ...c, subsample: round(clamp(c.subsample + (rng.chance(0.5) ? 0.1 : -0.1), 0.5, 1), 2) }),
  colsampleBytree: (c, rng) => ({ ...c, colsampleBytree: round(clamp(c.colsampleBytree + (rng.chance(0.5) ? 0.1 : -0.1), 0.3, 1), 2) }),
  lambda: (c, rng) => ({ ...c, lambda: round(clamp(c.lambda * (rng.chance(0.5) ? 3 : 1 / 3), 0.01, 1000), 3) }),
  rounds: (c, rng) => ({ ...c, rounds: Math.round(clamp(c.rounds * (rng.chance(0.5) ? 1.5 : 0.67), 50, 2000)) }),
};

const key = (c: ModelConfig) => JSON.stringify([c.model, c.eta, c.maxDepth, c.subsample, c.colsampleBytree, c.lambda, c.rounds]);

export function answerModel(input: Input, rng: Rng): RoleReply<'model'> {
  const tried = new Set(input.trials.map((t) => key(t.config)));
  if (input.trials.length === 0) {
    const config = start(input);
    return { config, rationale: `First trial: ${config.model} with conventional settings for ${input.factors} factors${config.model === 'ridge' ? ' (few factors: a linear combiner is hard to beat)' : ''}.` };
  }
  const best = input.trials.reduce((a, b) => ((b.validRankIc ?? -Infinity) > (a.validRankIc ?? -Infinity) ? b : a));
  const triedRidge = input.trials.some((t) => t.config.model === 'ridge');
  if (!triedRidge && input.trials.length >= 2 && rng.chance(0.5)) {
    const ridge: ModelConfig = { ...best.config, model: 'ridge', lambda: 10 };
    if (!tried.has(key(ridge))) return { config: ridge, rationale: 'A ridge baseline, to know what the non-linear model adds on valid.' };
  }
  const moveNames = best.config.model === 'ridge' ? ['lambda'] : Object.keys(MOVES);
  for (let attempt = 0; attempt < 20; attempt++) {
    const names = rng.shuffle(moveNames).slice(0, best.config.model === 'ridge' ? 1 : rng.chance(0.5) ? 1 : 2);
    const config = names.reduce((c, name) => MOVES[name]!(c, rng), best.config);
    if (!tried.has(key(config))) {
      const changes = names.map((n) => `${n} ${String(best.config[n as keyof ModelConfig])} -> ${String(config[n as keyof ModelConfig])}`).join(', ');
      return { config, rationale: `Explore around the best trial so far (valid RankIC ${best.validRankIc?.toFixed(4) ?? 'n/a'}): ${changes}.` };
    }
  }
  const config = { ...start(input), model: best.config.model === 'ridge' ? 'xgboost' : 'ridge' } as ModelConfig;
  return { config, rationale: 'The neighbourhood of the best trial is exhausted: switch to the other combiner.' };
}
