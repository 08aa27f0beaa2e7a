/**
 * Crossover of high-reward segments (QuantaAlpha), with lineage: parents are
 * ordered by reward and the child is built by one of
 *
 *   graft      the best parent's construction with one of its sub-expressions
 *              replaced by a sub-expression of another parent
 *   pattern    one parent's core signal inside another parent's outer
 *              construction (its normalisers, ranks, gates)
 *   segments   the product of the cross-sectional ranks (or the sum of the
 *              z-scores) of a part of each parent
 *   fusion     the same of the whole parents
 *
 * A seeded choice among the children that keep less than 80% of every
 * parent's structure (parents may be library factors, and the verifier
 * rejects a child that repeats one); failing that, the least similar.
 * `inherited` names which parent gave which segment. The child's
 * hypothesis keeps the parents' sentences whose claims the child honours.
 */
import { nodeCount, normalizedSimilarity, OPERATORS, printFactor, type CallNode, type Node } from '../../../operators/index.js';
import type { Inheritance } from '../../domain.js';
import type { RoleInput, RoleReply } from '../../roles.js';
import { factsOf, unhonoured } from '../concepts.js';
import { compileIn, type OfflineEnvironment } from '../environment.js';
import { glossExpression } from '../gloss.js';
import type { Rng } from '../random.js';
import { repairExpression } from '../repairExpression.js';

type Input = RoleInput<'crossover'>;
type Reply = RoleReply<'crossover'>;
type Parent = Input['parents'][number] & { readonly ast: Node; readonly canonical: string };

interface Child {
  readonly ast: Node;
  readonly expression: string;
  readonly inherited: Inheritance[];
  readonly how: string;
}

type Path = readonly number[];

/** Largest share of a parent's structure a child may keep: below the verifier's redundancy threshold (0.8). */
const PARENT_SIMILARITY = 0.8;

function subtrees(root: Node): { node: CallNode; path: Path }[] {
  const out: { node: CallNode; path: Path }[] = [];
  const visit = (node: Node, path: Path): void => {
    if (node.kind !== 'call') return;
    out.push({ node, path });
    node.args.forEach((arg, i) => visit(arg, [...path, i]));
  };
  visit(root, []);
  return out;
}

function replaceAt(root: Node, path: Path, replacement: Node): Node {
  if (path.length === 0 || root.kind !== 'call') return replacement;
  const [head, ...rest] = path;
  return { kind: 'call', op: root.op, args: root.args.map((arg, i) => (i === head ? replaceAt(arg, rest, replacement) : arg)) };
}

function readsField(node: Node): boolean {
  return node.kind === 'field' || (node.kind === 'call' && node.args.some(readsField));
}

/** Computation units (a rolling statistic, a correlation, a cross-sectional transform), not bare arithmetic. */
const UNIT_CATEGORIES = new Set(['rolling', 'pairRolling', 'crossSectional']);

/** Sub-expressions worth exchanging: computation units that read data (below the root, unless a donor gives its whole core). */
function segments(root: Node, includeRoot = false): { node: CallNode; path: Path }[] {
  return subtrees(root).filter(
    ({ node, path }) => (includeRoot || path.length > 0) && readsField(node) && nodeCount(node) >= 3 && UNIT_CATEGORIES.has(OPERATORS.get(node.op)?.category ?? ''),
  );
}

const detail = (text: string) => text.slice(0, 1000);

/** What a computation unit measures, so a graft swaps like for like (a dispersion for a dispersion, a trend fit for a trend fit). */
const UNIT_KIND: Readonly<Record<string, string>> = {
  Mean: 'level', EMA: 'level', WMA: 'level', Med: 'level', Sum: 'level',
  Std: 'dispersion', Var: 'dispersion', Mad: 'dispersion',
  Max: 'extreme', Min: 'extreme', Quantile: 'extreme', IdxMax: 'timing', IdxMin: 'timing',
  Skew: 'shape', Kurt: 'shape',
  Slope: 'trend', Rsquare: 'trend', Resi: 'trend',
  Corr: 'dependence', Cov: 'dependence',
  Rank: 'rank', CSRank: 'rank', CSZScore: 'rank',
  Ref: 'lag', Delta: 'lag',
};

function graft(base: Parent, donor: Parent, rng: Rng): Omit<Child, 'expression' | 'ast'> & { tree: Node } | null {
  const pieces = segments(donor.ast, true);
  const targets = segments(base.ast).filter((t) => pieces.some((p) => UNIT_KIND[p.node.op] === UNIT_KIND[t.node.op] && printFactor(p.node) !== printFactor(t.node)));
  if (targets.length === 0) return null;
  const target = rng.pick(targets);
  const piece = rng.pick(pieces.filter((p) => UNIT_KIND[p.node.op] === UNIT_KIND[target.node.op] && printFactor(p.node) !== printFactor(target.node)));
  return {
    tree: replaceAt(base.ast, target.path, piece.node),
    inherited: [
      { parent: base.id, segment: 'construction', detail: detail(`${base.canonical} with ${printFactor(target.node)} replaced`) },
      { parent: donor.id, segment: 'subexpression', detail: detail(printFactor(piece.node)) },
    ],
    // The replaced part is named only in the lineage: the texts describe what the child contains.
    how: `took the construction of ${base.id} with its ${UNIT_KIND[target.node.op]} term replaced by ${printFactor(piece.node).slice(0, 120)} from ${donor.id}`,
  };
}

/** Outer wrappers that shape a signal without being it. */
const WRAPPERS = new Set(['CSRank', 'CSZScore', 'CSDemean', 'CSScale', 'Rank', 'EMA', 'Mean', 'WMA', 'Sign', 'If', 'Div']);

/** The outer construction of a tree as a function of its core, or null when it has none. */
function outerPattern(root: Node): { wrap: (core: Node) => Node; text: string; core: Node } | null {
  if (root.kind !== 'call' || !WRAPPERS.has(root.op)) return null;
  // The core is the first argument, except for a gate, whose signal is the second.
  const coreIndex = root.op === 'If' ? 1 : 0;
  if (root.op === 'Div' && !/^(Std|Mad|Mean)\(|^(Std|Mad)\(.* \+ /.test(printFactor(root.args[1]!))) return null;
  if (root.op === 'Mean' && root.args[1]?.kind === 'number' && root.args[1].value > 10) return null;
  const core = root.args[coreIndex]!;
  const wrap = (inner: Node): Node => ({ kind: 'call', op: root.op, args: root.args.map((a, i) => (i === coreIndex ? inner : a)) });
  return { wrap, text: printFactor(wrap({ kind: 'field', name: '·' })).replace('$·', '·'), core };
}

function pattern(base: Parent, donor: Parent): Omit<Child, 'expression' | 'ast'> & { tree: Node } | null {
  const outer = outerPattern(donor.ast);
  if (!outer) return null;
  const core = outerPattern(base.ast)?.core ?? base.ast;
  return {
    tree: outer.wrap(core),
    inherited: [
      { parent: base.id, segment: 'hypothesis', detail: detail(base.hypothesis) },
      { parent: base.id, segment: 'subexpression', detail: detail(printFactor(core)) },
      { parent: donor.id, segment: 'construction', detail: detail(outer.text) },
    ],
    how: `put the core signal of ${base.id} into the construction ${outer.text.slice(0, 160)} of ${donor.id}`,
  };
}

function fusion(a: Parent, b: Parent, rng: Rng): Omit<Child, 'expression' | 'ast'> & { tree: Node } {
  const product = rng.chance(0.5);
  const wrap = (op: string, node: Node): Node => ({ kind: 'call', op, args: [node] });
  const tree: Node = product
    ? { kind: 'call', op: 'Mul', args: [wrap('CSRank', a.ast), wrap('CSRank', b.ast)] }
    : { kind: 'call', op: 'Add', args: [wrap('CSZScore', a.ast), wrap('CSZScore', b.ast)] };
  return {
    tree,
    inherited: [
      { parent: a.id, segment: 'subexpression', detail: detail(a.canonical) },
      { parent: b.id, segment: 'subexpression', detail: detail(b.canonical) },
      { parent: a.id, segment: 'hypothesis', detail: detail(a.hypothesis) },
      { parent: b.id, segment: 'hypothesis', detail: detail(b.hypothesis) },
    ],
    how: product ? `multiplied the cross-sectional ranks of ${a.id} and ${b.id} (high only where both agree)` : `added the cross-sectional z-scores of ${a.id} and ${b.id}`,
  };
}

/** Units that carry part of a parent (a quarter to three quarters of it): fusing two of them keeps each parent's idea without repeating it. */
function partialUnits(parent: Parent): CallNode[] {
  const size = nodeCount(parent.ast);
  return segments(parent.ast).map((s) => s.node).filter((n) => nodeCount(n) >= size * 0.25 && nodeCount(n) <= size * 0.75);
}

function segmentFusion(a: Parent, b: Parent, rng: Rng): Omit<Child, 'expression' | 'ast'> & { tree: Node } | null {
  const unitsA = partialUnits(a);
  const unitsB = partialUnits(b);
  if (unitsA.length === 0 || unitsB.length === 0) return null;
  const fused = fusion({ ...a, ast: rng.pick(unitsA) }, { ...b, ast: rng.pick(unitsB) }, rng);
  const [left, right] = (fused.tree as CallNode).args.map((arg) => (arg as CallNode).args[0]!);
  return {
    ...fused,
    inherited: [
      { parent: a.id, segment: 'subexpression', detail: detail(printFactor(left!)) },
      { parent: b.id, segment: 'subexpression', detail: detail(printFactor(right!)) },
      { parent: a.id, segment: 'hypothesis', detail: detail(a.hypothesis) },
      { parent: b.id, segment: 'hypothesis', detail: detail(b.hypothesis) },
    ],
    how: `${fused.how.replace(/ of (\S+) and (\S+)/, ' of a segment of $1 and a segment of $2')}`,
  };
}

function firstSentences(text: string, count: number): string[] {
  return text.split(/(?<=[.!?])\s+/).filter((s) => s.length > 0).slice(0, count);
}

export function answerCrossover(input: Input, rng: Rng, env: OfflineEnvironment): Reply {
  const parents: Parent[] = input.parents
    .flatMap((p) => {
      const repaired = repairExpression(p.expression, env);
      return repaired.ok ? [{ ...p, ast: repaired.ast, canonical: repaired.expression }] : [];
    })
    .sort((x, y) => y.reward - x.reward);
  if (parents.length < 2) throw new Error('crossover needs at least two parents whose expressions compile');
  const [best, second] = [parents[0]!, parents[1]!];
  const others = parents.slice(1);
  const known = new Set(parents.map((p) => p.canonical));
  // Candidates from every strategy; a child too close to a parent (which may be in the library) is redundant by the verifier's measure.
  const candidates: Child[] = [];
  const consider = (candidate: (Omit<Child, 'expression' | 'ast'> & { tree: Node }) | null): void => {
    if (!candidate) return;
    const compiled = compileIn(env, printFactor(candidate.tree));
    if (compiled.ok && !known.has(compiled.canonical) && !candidates.some((c) => c.expression === compiled.canonical)) {
      candidates.push({ ...candidate, ast: compiled.ast, expression: compiled.canonical });
    }
  };
  // In order of preference: like-for-like grafts, fusions of parts, pattern transfer, fusion of the whole parents.
  const tiers: Child[][] = [];
  const tier = (make: () => (Omit<Child, 'expression' | 'ast'> & { tree: Node }) | null, attempts: number): void => {
    const before = candidates.length;
    for (let attempt = 0; attempt < attempts; attempt++) consider(make());
    tiers.push(candidates.slice(before));
  };
  tier(() => graft(best, rng.pick(others), rng), 12);
  tier(() => segmentFusion(best, rng.pick(others), rng), 8);
  tier(() => pattern(best, rng.pick(others)) ?? pattern(rng.pick(others), best), 2);
  tier(() => fusion(best, second, rng), 1);
  if (candidates.length === 0) throw new Error('no crossover of these parents compiles to a new factor');
  const closeness = (c: Child) => Math.max(...parents.map((p) => normalizedSimilarity(c.ast, p.ast)));
  const distinctTier = tiers.map((t) => t.filter((c) => closeness(c) < PARENT_SIMILARITY)).find((t) => t.length > 0);
  const child = distinctTier ? rng.pick(distinctTier) : candidates.reduce((a, b) => (closeness(b) < closeness(a) ? b : a));
  const facts = factsOf(child.ast);
  const contributing = new Set(child.inherited.map((i) => i.parent));
  const kept = parents
    .filter((p) => contributing.has(p.id))
    .flatMap((p) => firstSentences(p.hypothesis, 2))
    .filter((s) => unhonoured(s, facts).length === 0);
  const hypothesis = [...kept, `The child ${child.how}, so that validated segments of both trajectories combine.`].join(' ');
  return {
    hypothesis: hypothesis.slice(0, 4000),
    description: `Crossover: ${child.how}. ${glossExpression(child.ast)}`.slice(0, 4000),
    expression: child.expression,
    inherited: child.inherited.slice(0, 16),
  };
}
