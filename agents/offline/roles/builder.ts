/**
 * The factor builder: hypothesis -> semantic description -> expression.
 *
 * 1. a sketch (or a formula quoted in the hypothesis) is kept, canonicalised,
 *    and repaired when it does not compile;
 * 2. otherwise the hypothesis is read back to a family: exactly when the
 *    offline model wrote it, else by the families' keywords and its day
 *    counts; the family's template is instantiated with those windows;
 * 3. otherwise the building-block grammar assembles one: the blocks the
 *    text mentions, combined by what its connectives say (gated, scaled,
 *    confirmed, ...), or the specialist's core family as a last resort.
 * The description is the family's title and the expression in words, so it
 * matches the expression by construction.
 */
import type { Node } from '../../../operators/index.js';
import type { RoleInput, RoleReply } from '../../roles.js';
import { factsOf, unhonoured } from '../concepts.js';
import { compileIn, type OfflineEnvironment } from '../environment.js';
import { glossExpression } from '../gloss.js';
import { capitalise, factorName, instantiate, type Instance } from '../instantiate.js';
import { FAMILY_BY_ID, familiesOf, renderExpression, type Family, type Signal, type Windows } from '../knowledge/index.js';
import { completeWindows, daysIn, gateIn, matchFamilies, matchOwnText, signalsIn, windowsFromDays } from '../match.js';
import type { Rng } from '../random.js';
import { repairExpression } from '../repairExpression.js';

type Input = RoleInput<'builder'>;
type Reply = RoleReply<'builder'>;

export interface Built {
  readonly reply: Reply;
  readonly ast: Node;
}

/** Text between backticks that compiles, or repairs into something that does. */
function quotedFormula(text: string, env: OfflineEnvironment): { expression: string; ast: Node } | null {
  for (const m of text.matchAll(/`([^`]{3,2000})`/g)) {
    const repaired = repairExpression(m[1]!, env);
    if (repaired.ok) return { expression: repaired.expression, ast: repaired.ast };
  }
  return null;
}

function describe(title: string | null, ast: Node): string {
  return `${title ? `${capitalise(title)}. ` : ''}${glossExpression(ast)}`.slice(0, 4000);
}

/** CamelCase name from the hypothesis's first words when no family names it. */
function nameFromText(text: string, days: readonly number[]): string {
  const words = text
    .replace(/`[^`]*`/g, ' ')
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length > 3 && !/^(that|with|from|over|their|which|when|than|this|these|those|have|into|stocks?|days?)$/i.test(w))
    .slice(0, 4)
    .map(capitalise);
  const window = days[0];
  return `${words.join('') || 'Factor'}${window !== undefined ? `_${window}D` : ''}`.slice(0, 120);
}

function fromInstance(instance: Instance): Built {
  return {
    reply: { name: factorName(instance), description: describe(instance.family.title, instance.ast), expression: instance.expression },
    ast: instance.ast,
  };
}

function fromFamily(family: Family, text: string, rng: Rng, env: OfflineEnvironment, pinned: { windows?: Partial<Windows>; blocks?: Instance['blocks'] } = {}): Built | null {
  const blocks = { ...pinned.blocks };
  // Free text about a fusion or gate: the blocks it names fill the slots.
  if (family.blocks) {
    const mentioned = signalsIn(text);
    if (family.blocks.A && !blocks.A && mentioned[0]) blocks.A = mentioned[0];
    if (family.blocks.B && !blocks.B && mentioned[1]) blocks.B = mentioned[1];
    const gate = gateIn(text);
    if (family.blocks.G && !blocks.G && gate) blocks.G = gate;
  }
  const scale = family.scales[0]!;
  const windows = completeWindows(pinned.windows ?? {}, scale, family.minWindow ?? 2);
  for (let attempt = 0; attempt < 4; attempt++) {
    const instance = instantiate(family, rng, env, { windows, blocks });
    if (instance) return fromInstance(instance);
  }
  return null;
}

/** How two blocks are combined, from the connective words of the text. */
function combine(a: Signal, b: Signal, text: string, windows: Windows): { expression: string; title: string } {
  const lower = text.toLowerCase();
  const A = renderExpression(a.expression, windows);
  const B = renderExpression(b.expression, windows);
  if (/\b(only when|gated?|conditional|conditioned)\b/.test(lower)) return { expression: `CSRank(${A})*(CSRank(${B})>0.5)`, title: 'conditional composite' };
  if (/\b(scaled by|weighted by|modulated)\b/.test(lower)) return { expression: `(${A})*CSRank(${B})`, title: 'soft scaling by a second signal' };
  if (/\b(both|confirm\w*|agree\w*|together)\b/.test(lower)) return { expression: `CSRank(${A})*CSRank(${B})`, title: 'rank product' };
  if (/\b(net of|minus|beyond)\b/.test(lower)) return { expression: `CSZScore(${A})-CSZScore(${B})`, title: 'net of a second signal' };
  return { expression: `CSZScore(${A})+CSZScore(${B})`, title: 'z-score fusion' };
}

function fromGrammar(input: Input, rng: Rng, env: OfflineEnvironment): Built | null {
  const text = input.hypothesis;
  const windows = completeWindows(windowsFromDays(daysIn(text)), 'medium');
  const blocks = signalsIn(text);
  if (blocks.length >= 2) {
    const { expression, title } = combine(blocks[0]!, blocks[1]!, text, windows);
    const compiled = compileIn(env, expression);
    if (compiled.ok) {
      const name = `${title.split(' ').map(capitalise).join('')}_${[blocks[0]!, blocks[1]!].map((b) => b.id.split('-').map(capitalise).join('')).join('_')}_${windows.n}D`;
      return { reply: { name: name.slice(0, 120), description: describe(title, compiled.ast), expression: compiled.canonical }, ast: compiled.ast };
    }
  }
  if (blocks.length === 1) {
    const compiled = compileIn(env, renderExpression(blocks[0]!.expression, windows));
    if (compiled.ok) {
      const name = `${blocks[0]!.id.split('-').map(capitalise).join('')}_${windows.n}D`;
      return { reply: { name, description: describe(null, compiled.ast), expression: compiled.canonical }, ast: compiled.ast };
    }
  }
  // Nothing recognisable: the specialist's core idea, stated plainly in the description.
  const core = familiesOf(input.specialist)[0] ?? FAMILY_BY_ID.get('rev-short-term')!;
  return fromFamily(core, text, rng, env, { windows: windowsFromDays(daysIn(text)) });
}

export function buildFactor(input: Input, rng: Rng, env: OfflineEnvironment): Built {
  const own = matchOwnText(input.hypothesis);
  const keywordMatch = own ?? matchFamilies(input.hypothesis, input.specialist)[0] ?? null;
  const sketch = input.sketch ? repairExpression(input.sketch, env) : null;
  // A sketch that contradicts the hypothesis yields to the hypothesis when the hypothesis names a known idea.
  const sketchFits = sketch?.ok === true && (unhonoured(input.hypothesis, factsOf(sketch.ast)).length === 0 || keywordMatch === null);
  if (sketch?.ok && sketchFits) {
    const family = keywordMatch?.family;
    const title = family && unhonoured(family.title, factsOf(sketch.ast)).length === 0 ? family.title : null;
    const days = daysIn(input.hypothesis);
    const window = own?.windows.n ?? days[0];
    const name = own ? `${own.family.stem}${window !== undefined ? `_${window}D` : ''}` : nameFromText(input.hypothesis, days);
    return { reply: { name: name.slice(0, 120), description: describe(title, sketch.ast), expression: sketch.expression }, ast: sketch.ast };
  }
  const quoted = quotedFormula(input.hypothesis, env);
  if (quoted) {
    return { reply: { name: nameFromText(input.hypothesis, daysIn(input.hypothesis)), description: describe(own?.family.title ?? null, quoted.ast), expression: quoted.expression }, ast: quoted.ast };
  }
  if (own) {
    const built = fromFamily(own.family, input.hypothesis, rng, env, { windows: own.windows, blocks: own.blocks });
    if (built) return built;
  }
  // A text that asks to combine two named building blocks is a fusion, whatever else it mentions.
  if (signalsIn(input.hypothesis).length >= 2 && /\b(combin\w*|fus\w*|together|composite|both)\b/i.test(input.hypothesis)) {
    const fused = fromGrammar(input, rng, env);
    if (fused) return fused;
  }
  for (const match of matchFamilies(input.hypothesis, input.specialist).slice(0, 3)) {
    const built = fromFamily(match.family, input.hypothesis, rng, env, { windows: match.windows });
    if (built) return built;
  }
  const grammar = fromGrammar(input, rng, env);
  if (grammar) return grammar;
  throw new Error('no expression could be built for this hypothesis with the data\'s fields');
}

export function answerBuilder(input: Input, rng: Rng, env: OfflineEnvironment): Reply {
  return buildFactor(input, rng, env).reply;
}
