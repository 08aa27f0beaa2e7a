/**
 * Role inputs for tests: one plain example per role, and a generator of
 * varied inputs (every specialist and mode, directions, positives,
 * negatives, feedback, broken expressions, metrics of every kind) driven by
 * a seeded generator, so failures reproduce.
 */
import { Rng } from '../../agents/offline/random.js';
import { GUIDANCE_MODES, MECHANISMS, SIGNAL_SOURCES, TIME_SCALES, type RoleInput, type RoleName } from '../../agents/roles.js';
import { SPECIALISTS } from '../../agents/specialists/catalog.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';

export const EXPRESSIONS = [
  '$close/Ref($close,5)-1',
  'Std($close/Ref($close,1)-1,20)',
  'Mean(Abs($close/Ref($close,1)-1)/($close*$volume+1),20)',
  'Corr($close,Log($volume+1),10)',
  'CSRank(Mean(($high-$low)/$close,10))*CSRank(-1*($close/Ref($close,5)-1))',
  '($close-Min($low,60))/(Max($high,60)-Min($low,60)+1e-8)',
  'If(Std($close/Ref($close,1)-1,20)>Mean(Std($close/Ref($close,1)-1,20),120),-1*($close/Ref($close,5)-1),$close/Ref($close,20)-1)',
  'Mean((Less($open,$close)-$low)/$open,5)',
];

export const BROKEN = [
  'TS_MEAN($return, 5)',
  'RANK(DELAY($close, 5)) * ZSCORE(TS_STD($volume, 20))',
  'POW(TS_CORR($close, SEQUENCE(10), 10), 2)',
  '(TS_MEAN($close,5) > TS_MEAN($close,20)) ? 1 : 0',
  'Mean($close, -5)',
  'Std($close)',
  'Meen($close, 10)',
  'TS_MEAN($pe_ratio, 20)',
];

function metrics(rng: Rng) {
  const split = () => {
    const rankIc = rng.chance(0.1) ? null : (rng.uniform() - 0.4) * 0.08;
    return {
      ic: rankIc === null ? null : rankIc * 0.9,
      icir: rankIc === null ? null : rankIc * 8,
      rankIc,
      rankIcir: rankIc === null ? null : rankIc * 9,
      mi: rng.uniform() * 0.05,
      rankIcT: rankIc === null ? null : rankIc * 60,
      nanRatio: rng.chance(0.15) ? 0.5 : rng.uniform() * 0.1,
      days: 200 + rng.int(1500),
    };
  };
  return { train: split(), valid: split() };
}

function direction(rng: Rng) {
  return {
    title: rng.pick(['Short-term reversal on thin volume', 'Volatility regimes', 'Trend quality over months', 'Candlestick shadows']),
    signalSource: rng.pick(SIGNAL_SOURCES),
    timeScale: rng.pick(TIME_SCALES),
    mechanism: rng.pick(MECHANISMS),
    rationale: 'Vary the search frontier.',
    seeds: [rng.pick(ALPHA20).name],
  };
}

function brief(rng: Rng, id: string) {
  return {
    id,
    hypothesis: rng.pick([
      'Stocks that fell most over the last 5 days have overreacted and rebound (short-term reversal).',
      'Amihud illiquidity over 20 days earns a premium for trading costs.',
      'High volatility stocks underperform.',
    ]),
    description: 'A factor.',
    expression: rng.pick(EXPRESSIONS),
    metrics: metrics(rng),
    reward: rng.uniform() - 0.3,
    feedback: rng.pick(['', 'The result does not support the hypothesis.', 'Supports the hypothesis; refine windows.']),
    steps: rng.pick([
      ['propose: proposed a hypothesis', 'build: built the factor', 'evaluate: evaluated'],
      ['verify: judge found it inconsistent', 'improve: rewrote the description'],
      ['select: rejected below the minimum bound', 'mutate: rewrote the expression', 'select: rejected again'],
    ]),
  };
}

/** An input for `role`, varied by `rng`. */
export function roleInput<R extends RoleName>(role: R, rng: Rng): RoleInput<R> {
  const specialist = rng.pick(SPECIALISTS);
  const inputs: { [K in RoleName]: () => RoleInput<K> } = {
    planner: () => ({
      seedPool: ALPHA20.map((f) => ({ ...f, validRankIc: rng.chance(0.2) ? null : (rng.uniform() - 0.5) * 0.1 })),
      humanDirections: rng.chance(0.5) ? ['Explore the relationship between volume anomalies and short-term reversal'] : [],
      explored: rng.chance(0.5) ? [{ title: 'Overreaction and short-term reversal in prices over days', accepted: rng.int(4) }] : [],
      count: 1 + rng.int(12),
    }),
    specialist: () => {
      const mode = rng.pick(GUIDANCE_MODES);
      return {
        specialist: { name: specialist.name, level: specialist.level, layer: specialist.layer, remit: specialist.remit },
        guidanceMode: mode,
        guidance: specialist.paraphrases[mode],
        direction: rng.chance(0.6) ? direction(rng) : null,
        positives: rng.chance(0.4) ? [{ expression: rng.pick(EXPRESSIONS), hypothesis: 'An accepted idea.', note: 'valid RankIC 0.031' }] : [],
        negatives: rng.chance(0.4) ? [{ expression: rng.pick(EXPRESSIONS), note: 'rejected: redundant with the library' }] : [],
        feedback: rng.chance(0.4) ? ['The worst factor used volatility and was invalid.', 'The best factor captured reversal.'] : [],
        humanComments: rng.chance(0.2) ? ['Avoid pure momentum.'] : [],
        count: 1 + rng.int(4),
      };
    },
    builder: () => ({
      hypothesis: rng.pick([
        'Stocks whose price moves most per unit of traded value over the last 20 days (high Amihud illiquidity) are costly to trade and earn an illiquidity premium.',
        'Short-term reversal over 5 days confirmed by low volume.',
        'Long lower shadows over 10 days record absorbed selling.',
        'Something entirely vague about markets.',
        'The factor `TS_MEAN($return, 10)` captures drift.',
      ]),
      sketch: rng.chance(0.4) ? rng.pick([...EXPRESSIONS, ...BROKEN]) : null,
      specialist: specialist.name,
      examples: [],
      reusable: [],
    }),
    judge: () => ({
      hypothesis: rng.pick(['Liquidity: thinly traded stocks earn a premium.', 'Short-term reversal over 5 days.', 'Volatility regimes gated by trend.']),
      description: 'Computes something.',
      expression: rng.pick(EXPRESSIONS),
      facts: 'fields: close',
    }),
    repair: () => ({
      hypothesis: 'A hypothesis.',
      description: '',
      expression: rng.pick(BROKEN),
      error: 'at 1: unknown operator',
      similarFixes: rng.chance(0.3) ? [{ error: 'unknown operator', before: 'TS_MEAN($close, 5)', after: 'Mean($close, 5)' }] : [],
    }),
    improve: () => ({
      hypothesis: 'Liquidity: thinly traded stocks with high volume shocks underperform.',
      description: 'The 5-day return.',
      expression: '$close/Ref($close,5)-1',
      reasons: ['the hypothesis claims volume but the expression never reads $volume'],
      failingStep: rng.pick(['hypothesis', 'description', 'expression'] as const),
    }),
    mutation: () => ({ trajectory: brief(rng, 't1') }),
    crossover: () => ({ parents: [brief(rng, 'p1'), brief(rng, 'p2'), ...(rng.chance(0.3) ? [brief(rng, 'p3')] : [])] }),
    analyst: () => ({
      hypothesis: 'Short-term reversal.',
      expression: rng.pick(EXPRESSIONS),
      metrics: rng.chance(0.15) ? null : metrics(rng),
      outcome: rng.pick(['qualified', 'rejected: redundant with library factor f12', 'rejected: more than 30% NaN', 'accepted']),
    }),
    model: () => ({
      factors: rng.int(200),
      families: [{ family: 'reversal', count: 10 }, { family: 'liquidity', count: 4 }],
      trials: rng.chance(0.5)
        ? [
            { config: { model: 'xgboost', eta: 0.05, maxDepth: 6, subsample: 0.8, colsampleBytree: 0.8, lambda: 1, rounds: 400 }, validIc: 0.03, validRankIc: 0.035 },
            { config: { model: 'xgboost', eta: 0.1, maxDepth: 6, subsample: 0.8, colsampleBytree: 0.8, lambda: 1, rounds: 400 }, validIc: 0.02, validRankIc: 0.025 },
          ]
        : [],
    }),
  };
  return inputs[role]() as RoleInput<R>;
}

export const ROLE_NAMES: readonly RoleName[] = ['planner', 'specialist', 'builder', 'judge', 'repair', 'improve', 'mutation', 'crossover', 'analyst', 'model'];
