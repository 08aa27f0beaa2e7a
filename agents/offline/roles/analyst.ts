/**
 * R&D-Agent(Q)'s analysis unit, by rule: strength of the train RankIC,
 * agreement of sign and size between train and valid, missing values, and
 * the selection outcome decide whether the result supports the hypothesis
 * and what to do next. Only train and valid metrics exist here.
 */
import type { RoleInput, RoleReply } from '../../roles.js';

type Input = RoleInput<'analyst'>;

const STRONG = 0.03;
const USABLE = 0.01;
const VALID_MINIMUM = 0.005;

function fmt(value: number | null, digits = 4): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

function nextForOutcome(outcome: string): string | null {
  const lower = outcome.toLowerCase();
  if (/redundan|similar|correlat/.test(lower)) return 'It duplicates an accepted factor: keep the mechanism only with a construction the library lacks (other fields, horizon or normalisation), or move to a different mechanism.';
  if (/compile|parse|syntax|unknown/.test(lower)) return 'The expression never ran: repair it in the factor language before judging the idea.';
  if (/nan|missing/.test(lower)) return 'Too many missing values: shorten windows and guard divisions so most stocks get a value.';
  if (/inconsistent|judge/.test(lower)) return 'Hypothesis, description and expression disagree: rewrite the description and expression to implement exactly the hypothesis.';
  return null;
}

export function answerAnalyst(input: Input): RoleReply<'analyst'> {
  const outcomeNext = nextForOutcome(input.outcome);
  if (input.metrics === null) {
    return {
      observation: `No metrics: the factor was not evaluated (${input.outcome.slice(0, 500)}).`,
      evaluation: 'Without train or valid results the hypothesis is untested.',
      supportsHypothesis: false,
      nextStep: outcomeNext ?? 'Make the factor evaluable first, then test the hypothesis.',
    };
  }
  const { train, valid } = input.metrics;
  const t = train.rankIc ?? 0;
  const v = valid.rankIc ?? 0;
  const observation = [
    `Train RankIC ${fmt(train.rankIc)} (RankICIR ${fmt(train.rankIcir, 3)}, t ${fmt(train.rankIcT, 2)}), IC ${fmt(train.ic)}, MI ${fmt(train.mi)}.`,
    `Valid RankIC ${fmt(valid.rankIc)} (RankICIR ${fmt(valid.rankIcir, 3)}), IC ${fmt(valid.ic)}.`,
    `Missing values: ${fmt(train.nanRatio, 3)} train, ${fmt(valid.nanRatio, 3)} valid. Outcome: ${input.outcome.slice(0, 300)}`,
  ].join(' ');
  const strength = Math.abs(t) >= STRONG ? 'strong' : Math.abs(t) >= USABLE ? 'moderate' : 'weak';
  const sameSign = Math.sign(t) === Math.sign(v) && Math.abs(v) >= VALID_MINIMUM;
  const holds = sameSign && Math.abs(v) >= Math.abs(t) / 2;
  const flips = Math.abs(t) >= USABLE && Math.abs(v) >= VALID_MINIMUM && Math.sign(t) !== Math.sign(v);
  const nanHeavy = (train.nanRatio ?? 0) > 0.3 || (valid.nanRatio ?? 0) > 0.3;
  const evaluation = [
    `The train signal is ${strength}${t < 0 ? ' (negative: the factor works inverted)' : ''}.`,
    holds ? 'It holds on the valid period with the same sign and comparable size.' : sameSign ? 'It keeps its sign on the valid period but weakens markedly.' : flips ? 'Its sign flips on the valid period: the train result looks like noise or a regime effect.' : 'It vanishes on the valid period.',
    nanHeavy ? 'Many values are missing, which weakens every statistic.' : '',
  ]
    .filter((s) => s.length > 0)
    .join(' ');
  const supportsHypothesis = Math.abs(t) >= USABLE && sameSign;
  const nextStep =
    outcomeNext ??
    (nanHeavy
      ? 'Reduce missing values (shorter windows, guarded divisions) and re-test.'
      : supportsHypothesis && holds
        ? 'Keep the mechanism: refine the construction (windows, normalisation) or combine it with an orthogonal signal.'
        : supportsHypothesis
          ? 'Make it more robust: longer windows, smoothing or a cross-sectional rank, then re-test on valid.'
          : flips
            ? 'Gate it on a regime where it held, or change the mechanism.'
            : 'No usable signal: change the mechanism or drop this direction.');
  return { observation: observation.slice(0, 2000), evaluation: evaluation.slice(0, 2000), supportsHypothesis, nextStep: nextStep.slice(0, 2000) };
}
