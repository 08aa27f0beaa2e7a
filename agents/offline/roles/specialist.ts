/**
 * A specialist's proposals: hypothesis families of its remit, steered by the
 * guidance mode (light: its core families; moderate: any of its families;
 * creative: a non-linear reparametrisation on top; divergent: a neighbouring
 * family of an adjacent level; concrete: the formula spelled out), by the
 * direction (mechanism and signal source pick families, time scale picks
 * windows), by feedback and human comments (families mentioned in good
 * feedback gain weight, in bad lose it), by negatives (nothing structurally
 * close to a rejected attempt) and positives (never a copy; sometimes a
 * targeted variation of one).
 */
import { normalizedSimilarity, type Node } from '../../../operators/index.js';
import type { RoleInput, RoleReply } from '../../roles.js';
import { builtInSpecialist } from '../../specialists/catalog.js';
import { factsOf, unhonoured } from '../concepts.js';
import { distinctEdit, type EditKind } from '../edits.js';
import { compileIn, type OfflineEnvironment } from '../environment.js';
import { capitalise, instantiate, type Instance } from '../instantiate.js';
import { FAMILIES, FAMILY_BY_ID, familiesOf, type Family, type Signal } from '../knowledge/index.js';
import { matchFamilies } from '../match.js';
import type { Rng } from '../random.js';

type Input = RoleInput<'specialist'>;
type Proposal = RoleReply<'specialist'>['proposals'][number];

/** Creative reparametrisations applied on top of a family in creative mode (not for the creative specialist itself). */
const TRANSFORMS = ['cr-time-percentile', 'cr-signed-root', 'cr-surprise', 'cr-smoothing', 'cr-soft-scaling', 'cr-signal-change', 'cr-rank-disagreement'];

const NEGATIVE_WORDS = /\b(invalid|worst|rejected|fail\w*|poor|weak|negative|does not support|discard\w*|avoid|noise|illusion|redundant|overfit\w*)\b/i;

/** The families a specialist can draw on: its own, or for an unknown (attached) one those its remit and guidance talk about. */
function ownFamilies(input: Input): readonly Family[] {
  const own = familiesOf(input.specialist.name);
  if (own.length > 0) return own;
  const matched = matchFamilies(`${input.specialist.remit} ${input.guidance}`).map((m) => m.family);
  return matched.length > 0 ? matched : FAMILIES.filter((f) => f.blocks === undefined);
}

/** Families of other specialists at the same or an adjacent level that share a mechanism or a signal source. */
function neighbourFamilies(input: Input, own: readonly Family[]): Family[] {
  const mechanisms = new Set(own.map((f) => f.mechanism));
  const sources = new Set(own.map((f) => f.source));
  const level = input.specialist.level;
  return FAMILIES.filter((f) => {
    if (f.specialist === input.specialist.name) return false;
    const other = builtInSpecialist(f.specialist);
    if (!other || Math.abs(other.level - level) > 1) return false;
    return mechanisms.has(f.mechanism) || sources.has(f.source);
  });
}

/** How strongly texts (feedback, comments, direction) speak for or against each family. */
function textWeights(input: Input): (family: Family) => number {
  const opinions = [
    ...input.feedback.map((text) => ({ text: text.toLowerCase(), sign: NEGATIVE_WORDS.test(text) ? -1 : 1 })),
    ...input.humanComments.map((text) => ({ text: text.toLowerCase(), sign: NEGATIVE_WORDS.test(text) ? -1 : 1 })),
  ];
  const direction = input.direction ? `${input.direction.title} ${input.direction.rationale}`.toLowerCase() : '';
  return (family) => {
    let weight = 1;
    const mentioned = (text: string) => family.keywords.some((k) => text.includes(k)) || text.includes(family.title.toLowerCase());
    for (const opinion of opinions) if (mentioned(opinion.text)) weight *= opinion.sign > 0 ? 1.6 : 0.4;
    if (direction && mentioned(direction)) weight *= 2.5;
    if (input.direction) {
      if (family.mechanism === input.direction.mechanism) weight *= 2;
      if (family.source === input.direction.signalSource) weight *= 1.5;
    }
    return weight;
  };
}

function parsedExamples(examples: Input['positives'], env: OfflineEnvironment): { node: Node; canonical: string; example: Input['positives'][number] }[] {
  return examples.flatMap((example) => {
    const compiled = compileIn(env, example.expression);
    return compiled.ok ? [{ node: compiled.ast, canonical: compiled.canonical, example }] : [];
  });
}

/** The verifier's structural redundancy threshold: accepted factors (positives) closer than this would be rejected. */
const REDUNDANT = 0.8;

/** A family instance turned into a building block, for creative reparametrisation. */
function asSignal(instance: Instance): Signal {
  return {
    id: instance.family.id,
    phrase: `the ${instance.family.title} signal`,
    keywords: instance.family.keywords,
    expression: instance.expression,
    mechanism: instance.family.mechanism,
    source: instance.family.source,
  };
}

function creativeVersion(instance: Instance, rng: Rng, env: OfflineEnvironment): Instance | null {
  const transform = FAMILY_BY_ID.get(rng.pick(TRANSFORMS))!;
  const result = instantiate(transform, rng, env, { blocks: { A: asSignal(instance) }, windows: instance.windows });
  if (!result) return null;
  return { ...result, hypothesis: `${instance.hypothesis} ${result.hypothesis}` };
}

function proposalFrom(instance: Instance, input: Input, note: string | null): Proposal {
  const concrete = input.guidanceMode === 'concrete' ? ` Concretely: \`${instance.expression}\`.` : '';
  const lead = note ? `${note} ` : '';
  return {
    hypothesis: `${lead}${instance.hypothesis}${concrete}`.slice(0, 4000),
    rationale: instance.family.rationale,
    expression: instance.expression,
  };
}

const VARIATION_EDITS: readonly EditKind[] = ['window', 'operator', 'normalise', 'field', 'time-rank', 'smooth'];

function variationOfPositive(positive: ReturnType<typeof parsedExamples>[number], rng: Rng, env: OfflineEnvironment): Proposal | null {
  const edit = distinctEdit(positive.node, rng.shuffle(VARIATION_EDITS), rng, env, REDUNDANT - 0.05);
  if (!edit) return null;
  // The accepted idea in its own words, when the variant still does what those words claim.
  const stated = positive.example.hypothesis?.split(/(?<=\.)\s/)[0];
  const idea = stated && unhonoured(stated, factsOf(edit.ast)).length === 0 ? stated : `The accepted factor ${positive.canonical}.`;
  return {
    hypothesis: `${idea} A variant of this accepted factor (${positive.example.note.slice(0, 200)}) that ${edit.description}, to test whether the effect is robust to that choice.`.slice(0, 4000),
    rationale: `Varying what worked: ${edit.description}.`,
    expression: edit.expression,
  };
}

export function answerSpecialist(input: Input, rng: Rng, env: OfflineEnvironment): RoleReply<'specialist'> {
  const own = ownFamilies(input);
  const mode = input.guidanceMode;
  const divergent = mode === 'divergent' ? neighbourFamilies(input, own) : [];
  const pool = divergent.length > 0 ? divergent : own;
  const weightOf = textWeights(input);
  const used = new Map<string, number>();
  const weight = (family: Family, index: number) => {
    const core = mode === 'light' && index < 2 ? 3 : 1;
    return core * weightOf(family) * 0.25 ** (used.get(family.id) ?? 0);
  };

  const negatives = parsedExamples(input.negatives, env);
  const positives = parsedExamples(input.positives, env);
  const taken: Node[] = [];
  const canonical = new Set(positives.map((p) => p.canonical));
  const acceptable = (expression: string, ast: Node) =>
    !canonical.has(expression) &&
    positives.every((p) => normalizedSimilarity(ast, p.node) < REDUNDANT) &&
    negatives.every((n) => normalizedSimilarity(ast, n.node) < REDUNDANT) &&
    taken.every((t) => normalizedSimilarity(ast, t) < 0.9);

  const proposals: Proposal[] = [];
  for (let slot = 0; slot < input.count; slot++) {
    // Vary what worked: now and then a targeted variant of an accepted factor.
    if (positives.length > 0 && mode !== 'light' && rng.chance(0.25)) {
      const variant = variationOfPositive(rng.pick(positives), rng, env);
      const compiled = variant?.expression ? compileIn(env, variant.expression) : null;
      if (variant && compiled?.ok && acceptable(compiled.canonical, compiled.ast)) {
        proposals.push(variant);
        canonical.add(compiled.canonical);
        taken.push(compiled.ast);
        continue;
      }
    }
    let chosen: Instance | null = null;
    let fallback: Instance | null = null;
    for (let attempt = 0; attempt < 12 && chosen === null; attempt++) {
      const family = rng.weighted(
        pool.map((f, i) => ({ f, i })),
        ({ f, i }) => weight(f, i),
      ).f;
      let instance = instantiate(family, rng, env, { scale: input.direction?.timeScale });
      if (instance && mode === 'creative' && input.specialist.name !== 'creative' && rng.chance(0.7)) instance = creativeVersion(instance, rng, env) ?? instance;
      if (!instance) continue;
      fallback ??= instance;
      if (acceptable(instance.expression, instance.ast)) chosen = instance;
    }
    const instance = chosen ?? fallback;
    if (!instance) continue;
    used.set(instance.family.id, (used.get(instance.family.id) ?? 0) + 1);
    canonical.add(instance.expression);
    taken.push(instance.ast);
    const note = divergent.length > 0 ? `From a neighbouring angle (${instance.family.title}):` : null;
    proposals.push(proposalFrom({ ...instance, hypothesis: capitalise(instance.hypothesis) }, input, note));
  }
  if (proposals.length === 0) throw new Error('no family of this remit compiles with the data\'s fields');
  return { proposals };
}
