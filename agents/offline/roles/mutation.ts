/**
 * Mutation with failure localisation (QuantaAlpha): read the trajectory
 * brief, name the step that dragged the reward down, and rewrite only it.
 *
 *   the judge found it inconsistent              -> description
 *   the idea failed repeatedly, or shows no
 *   signal at all and the analyst says so        -> hypothesis (a neighbouring family)
 *   otherwise (a sound idea, weakly built)       -> expression (an AST-level edit chosen
 *                                                   by what the metrics say)
 */
import type { RoleInput, RoleReply } from '../../roles.js';
import { distinctEdit, type EditKind, type WindowDirection } from '../edits.js';
import { type OfflineEnvironment } from '../environment.js';
import { glossExpression } from '../gloss.js';
import { capitalise, instantiate } from '../instantiate.js';
import { FAMILIES, familiesOf, type Family } from '../knowledge/index.js';
import { completeWindows, matchFamilies, matchOwnText } from '../match.js';
import type { Rng } from '../random.js';
import { repairExpression } from '../repairExpression.js';

type Input = RoleInput<'mutation'>;
type Reply = RoleReply<'mutation'>;
type Brief = Input['trajectory'];

/** Largest share of the parent's structure a mutated expression keeps: below the verifier's redundancy threshold (0.8), as the parent may be in the library. */
const CHILD_SIMILARITY = 0.75;

const FAILURE = /\b(rejected|fail(ed|s)?|not qualified|discarded|below the (minimum|threshold))\b/i;
const INCONSISTENT = /\binconsistent\b|\bnot consistent\b|\bfailingstep\b|\bdoes not match\b/i;
const UNSUPPORTED = /\b(does not support|did not support|not supported|no signal|no predictive)\b/i;

interface Diagnosis {
  readonly step: Reply['localisedStep'];
  readonly text: string;
  /** Edits to try for an expression rewrite, most promising first. */
  readonly edits: readonly EditKind[];
  readonly direction: WindowDirection;
}

function fmt(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(4);
}

export function diagnose(brief: Brief): Diagnosis {
  const { train, valid } = brief.metrics;
  const trainIc = train.rankIc ?? 0;
  const validIc = valid.rankIc ?? 0;
  const failures = brief.steps.filter((s) => FAILURE.test(s)).length;
  const metrics = `train RankIC ${fmt(train.rankIc)}, valid RankIC ${fmt(valid.rankIc)}, reward ${brief.reward.toFixed(4)}`;
  if (brief.steps.some((s) => INCONSISTENT.test(s)) || INCONSISTENT.test(brief.feedback)) {
    return { step: 'description', text: `The judge found the description inconsistent with the hypothesis and expression (${metrics}); the description drifted, so it is rewritten to state the hypothesis's mechanism.`, edits: [], direction: 'any' };
  }
  const noSignal = Math.abs(trainIc) < 0.005 && Math.abs(validIc) < 0.005;
  if (failures >= 2 || (noSignal && UNSUPPORTED.test(brief.feedback))) {
    return {
      step: 'hypothesis',
      text: `The idea itself failed (${failures} failed or rejected steps; ${metrics}${noSignal ? '; no signal in either period' : ''}): a new but related mechanism replaces the hypothesis.`,
      edits: [],
      direction: 'any',
    };
  }
  const nanHeavy = (train.nanRatio ?? 0) > 0.3 || (valid.nanRatio ?? 0) > 0.3;
  if (nanHeavy) {
    return { step: 'expression', text: `The expression leaves too many missing values (NaN ratio train ${fmt(train.nanRatio)}, valid ${fmt(valid.nanRatio)}; ${metrics}): shorter windows and fewer ratios.`, edits: ['denormalise', 'window', 'operator'], direction: 'shorter' };
  }
  const overfit = Math.abs(trainIc) >= 0.01 && (Math.sign(validIc) !== Math.sign(trainIc) || Math.abs(validIc) < Math.abs(trainIc) / 3);
  if (overfit) {
    return { step: 'expression', text: `A sound idea that does not generalise (${metrics}): the construction is made more robust (longer windows, smoothing, ranks) without changing the idea.`, edits: ['window', 'smooth', 'normalise', 'denormalise', 'operator'], direction: 'longer' };
  }
  return {
    step: 'expression',
    text: `The hypothesis is sound but its expression is weak (${metrics}): a targeted structural edit of the expression.`,
    edits: ['operator', 'gate', 'window', 'field', 'normalise', 'time-rank', 'flip-term'],
    direction: 'any',
  };
}

/** The family a hypothesis belongs to, exactly or by keywords. */
function familyOf(text: string): Family | undefined {
  return matchOwnText(text)?.family ?? matchFamilies(text)[0]?.family;
}

/** A new but related family: same specialist, else same mechanism, else any. */
function neighbour(family: Family | undefined, rng: Rng): Family {
  const plain = FAMILIES.filter((f) => f.blocks === undefined);
  if (!family) return rng.pick(plain);
  const siblings = familiesOf(family.specialist).filter((f) => f.id !== family.id);
  const related = plain.filter((f) => f.id !== family.id && f.specialist !== family.specialist && f.mechanism === family.mechanism);
  const pool = siblings.length > 0 && rng.chance(0.6) ? siblings : related.length > 0 ? related : plain.filter((f) => f.id !== family.id);
  return rng.pick(pool);
}

export function answerMutation(input: Input, rng: Rng, env: OfflineEnvironment): Reply {
  const brief = input.trajectory;
  const diagnosis = diagnose(brief);
  if (diagnosis.step === 'hypothesis') {
    const family = neighbour(familyOf(brief.hypothesis), rng);
    for (let attempt = 0; attempt < 4; attempt++) {
      const instance = instantiate(family, rng, env);
      if (instance) return { localisedStep: 'hypothesis', diagnosis: diagnosis.text.slice(0, 2000), rewrite: instance.hypothesis.slice(0, 4000) };
    }
  }
  const repaired = repairExpression(brief.expression, env);
  if (diagnosis.step === 'description') {
    // The description the hypothesis calls for: its family's construction in words.
    const match = matchOwnText(brief.hypothesis) ?? matchFamilies(brief.hypothesis)[0];
    const instance = match
      ? instantiate(match.family, rng, env, { windows: completeWindows(match.windows, match.family.scales[0]!, match.family.minWindow ?? 2), blocks: match.blocks })
      : null;
    const rewrite = instance
      ? `${capitalise(instance.family.title)}. ${glossExpression(instance.ast)}`
      : brief.hypothesis.split(/(?<=\.)\s/).slice(0, 2).join(' ');
    return { localisedStep: 'description', diagnosis: diagnosis.text.slice(0, 2000), rewrite: rewrite.slice(0, 4000) };
  }
  if (repaired.ok) {
    const kinds = rng.shuffle(diagnosis.edits.slice(0, 3)).concat(diagnosis.edits.slice(3));
    const edited = distinctEdit(repaired.ast, kinds, rng, env, CHILD_SIMILARITY, diagnosis.direction);
    if (edited) return { localisedStep: 'expression', diagnosis: `${diagnosis.text} Edit: ${edited.description}.`.slice(0, 2000), rewrite: edited.expression };
  }
  // Nothing to edit (or an expression beyond repair): the idea is what has to change.
  const family = neighbour(familyOf(brief.hypothesis), rng);
  const instance = instantiate(family, rng, env) ?? instantiate(FAMILIES[0]!, rng, env);
  return {
    localisedStep: 'hypothesis',
    diagnosis: `${diagnosis.text} No targeted edit of the expression applies, so the hypothesis is rewritten instead.`.slice(0, 2000),
    rewrite: (instance?.hypothesis ?? brief.hypothesis).slice(0, 4000),
  };
}
