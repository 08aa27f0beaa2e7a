/**
 * AST-level edits of a factor, the mutation agent's vocabulary (and the
 * specialist's when it varies an accepted factor): change a window, swap a
 * field, swap sibling operators, add or remove a normaliser, rank in time,
 * gate on a regime, flip a term's sign, smooth. Each edit returns the new
 * tree and a one-line description, or null when it does not apply; callers
 * compile the result.
 */
import { OPERATORS, normalizedSimilarity, printFactor, type CallNode, type Node, type NumberNode } from '../../operators/index.js';
import { compileIn, type OfflineEnvironment } from './environment.js';
import type { Rng } from './random.js';

export const EDIT_KINDS = ['window', 'operator', 'field', 'normalise', 'denormalise', 'time-rank', 'gate', 'flip-term', 'smooth'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export interface Edit {
  readonly ast: Node;
  readonly description: string;
}

export interface EditResult {
  readonly kind: EditKind;
  readonly expression: string;
  readonly ast: Node;
  readonly description: string;
}

type Path = readonly number[];

const num = (value: number): NumberNode => ({ kind: 'number', value });
const call = (op: string, ...args: Node[]): CallNode => ({ kind: 'call', op, args });
const field = (name: string): Node => ({ kind: 'field', name });
const DAILY_RETURN = call('Sub', call('Div', field('close'), call('Ref', field('close'), num(1))), num(1));

/** Windows mutation moves along (trading days). */
const LADDER = [2, 3, 5, 10, 15, 20, 30, 40, 60, 90, 120, 180, 250];

function nodesWithPaths(root: Node): { node: Node; path: Path }[] {
  const out: { node: Node; path: Path }[] = [];
  const visit = (node: Node, path: Path): void => {
    out.push({ node, path });
    if (node.kind === 'call') node.args.forEach((arg, i) => visit(arg, [...path, i]));
  };
  visit(root, []);
  return out;
}

function replaceAt(root: Node, path: Path, replacement: Node): Node {
  if (path.length === 0) return replacement;
  if (root.kind !== 'call') return root;
  const [head, ...rest] = path;
  return { kind: 'call', op: root.op, args: root.args.map((arg, i) => (i === head ? replaceAt(arg, rest, replacement) : arg)) };
}

function mapFields(node: Node, f: (name: string) => Node | null): Node {
  if (node.kind === 'field') return f(node.name) ?? node;
  if (node.kind === 'number') return node;
  return { kind: 'call', op: node.op, args: node.args.map((a) => mapFields(a, f)) };
}

export type WindowDirection = 'longer' | 'shorter' | 'any';

function nextOnLadder(value: number, direction: WindowDirection, rng: Rng, minimum: number): number | null {
  const nearest = LADDER.reduce((best, w, i) => (Math.abs(w - value) < Math.abs(LADDER[best]! - value) ? i : best), 0);
  const step = rng.chance(0.7) ? 1 : 2;
  const sign = direction === 'longer' ? 1 : direction === 'shorter' ? -1 : rng.chance(0.5) ? 1 : -1;
  const candidates = [nearest + sign * step, nearest - sign * step].map((i) => LADDER[i]).filter((w): w is number => w !== undefined && w !== value && w >= minimum);
  const preferred = candidates.filter((w) => (direction === 'longer' ? w > value : direction === 'shorter' ? w < value : true));
  return preferred[0] ?? (direction === 'any' ? (candidates[0] ?? null) : null);
}

function changeWindow(root: Node, rng: Rng, direction: WindowDirection): Edit | null {
  const slots: { path: Path; op: string; value: number; minimum: number }[] = [];
  for (const { node, path } of nodesWithPaths(root)) {
    if (node.kind !== 'call') continue;
    const spec = OPERATORS.get(node.op);
    node.args.forEach((arg, i) => {
      const kind = spec?.args[i]?.kind;
      // Lags of 1 define daily returns; moving them changes what "return" means, so only real windows move.
      if (arg.kind === 'number' && (kind === 'window' || kind === 'span' || (kind === 'lag' && arg.value > 1)) && arg.value >= 2) {
        slots.push({ path: [...path, i], op: node.op, value: arg.value, minimum: Math.max(2, spec!.args[i]!.minWindow ?? 2) });
      }
    });
  }
  if (slots.length === 0) return null;
  const slot = rng.pick(slots);
  const value = nextOnLadder(slot.value, direction, rng, slot.minimum);
  if (value === null) return null;
  return { ast: replaceAt(root, slot.path, num(value)), description: `changed the ${slot.op} window from ${slot.value} to ${value} days` };
}

/** Operators that compute the same kind of thing differently. */
const SIBLINGS: Readonly<Record<string, readonly string[]>> = {
  Mean: ['EMA', 'WMA', 'Med'],
  EMA: ['Mean', 'WMA'],
  WMA: ['Mean', 'EMA'],
  Med: ['Mean'],
  Std: ['Mad'],
  Mad: ['Std'],
  Var: ['Std'],
  CSRank: ['CSZScore'],
  CSZScore: ['CSRank'],
  Corr: ['Cov'],
  Cov: ['Corr'],
  Max: ['Quantile'],
  Min: ['Quantile'],
  Greater: ['Less'],
  Less: ['Greater'],
};

function swapOperator(root: Node, rng: Rng): Edit | null {
  const candidates = nodesWithPaths(root).filter((x) => x.node.kind === 'call' && SIBLINGS[x.node.op] !== undefined);
  if (candidates.length === 0) return null;
  const { node, path } = rng.pick(candidates) as { node: CallNode; path: Path };
  const target = rng.pick(SIBLINGS[node.op]!);
  let replacement: Node;
  if (target === 'Quantile') replacement = call('Quantile', node.args[0]!, node.args[1]!, num(node.op === 'Max' ? 0.9 : 0.1));
  else replacement = call(target, ...node.args);
  return { ast: replaceAt(root, path, replacement), description: `replaced ${node.op} with ${target === 'Quantile' ? `Quantile(${node.op === 'Max' ? 0.9 : 0.1})` : target}` };
}

/** Field swaps that keep a price a price and volume volume. */
const FIELD_SWAPS: Readonly<Record<string, readonly string[]>> = {
  close: ['open'],
  open: ['close'],
  high: ['close'],
  low: ['close'],
  volume: ['dollar-volume'],
};

function swapField(root: Node, rng: Rng, env: OfflineEnvironment): Edit | null {
  const present = [...new Set(nodesWithPaths(root).flatMap((x) => (x.node.kind === 'field' ? [x.node.name] : [])))];
  const options = present.flatMap((from) => (FIELD_SWAPS[from] ?? []).map((to) => ({ from, to }))).filter(({ to }) => to === 'dollar-volume' || env.fields.has(to));
  if (options.length === 0) return null;
  const { from, to } = rng.pick(options);
  const replacement = to === 'dollar-volume' ? call('Mul', field('close'), field('volume')) : field(to);
  return { ast: mapFields(root, (name) => (name === from ? replacement : null)), description: `read ${to === 'dollar-volume' ? 'dollar volume ($close*$volume)' : `$${to}`} instead of $${from}` };
}

const NORMALISERS = new Set(['CSRank', 'CSZScore', 'CSDemean', 'CSScale']);

function normalise(root: Node, rng: Rng): Edit | null {
  const options = [
    { build: (x: Node) => call('CSRank', x), text: 'ranked it cross-sectionally (CSRank)' },
    { build: (x: Node) => call('CSZScore', x), text: 'z-scored it cross-sectionally (CSZScore)' },
    { build: (x: Node) => call('Div', x, call('Add', call('Std', DAILY_RETURN, num(20)), num(1e-8))), text: 'scaled it by the 20-day return volatility' },
    { build: (x: Node) => call('Div', call('Sub', x, call('Mean', x, num(60))), call('Add', call('Std', x, num(60)), num(1e-8))), text: 'z-scored it against its own 60-day history' },
  ].filter((o) => !(root.kind === 'call' && NORMALISERS.has(root.op) && o.text.includes('cross-sectionally')));
  if (options.length === 0) return null;
  const option = rng.pick(options);
  return { ast: option.build(root), description: option.text };
}

function denormalise(root: Node): Edit | null {
  if (root.kind !== 'call') return null;
  if (NORMALISERS.has(root.op) || root.op === 'Rank' || root.op === 'EMA') return { ast: root.args[0]!, description: `removed the outer ${root.op}` };
  if (root.op === 'Div') {
    const denominator = printFactor(root.args[1]!);
    if (/^(Std|Mad|Mean)\(/.test(denominator) || /^(Std|Mad)\(.*\) \+ /.test(denominator)) return { ast: root.args[0]!, description: `removed the normalising denominator ${denominator}` };
  }
  return null;
}

function timeRank(root: Node, rng: Rng): Edit | null {
  if (root.kind === 'call' && root.op === 'Rank') return null;
  const window = rng.pick([20, 60, 120]);
  return { ast: call('Rank', root, num(window)), description: `took its percentile in its own ${window}-day history (Rank)` };
}

function gate(root: Node, rng: Rng, env: OfflineEnvironment): Edit | null {
  const volatility = call('Std', DAILY_RETURN, num(20));
  const gates = [
    { condition: call('Gt', volatility, call('Mean', volatility, num(120))), text: 'gated it to high-volatility regimes (20-day volatility above its 120-day mean)' },
    { condition: call('Lt', volatility, call('Mean', volatility, num(120))), text: 'gated it to calm regimes (20-day volatility below its 120-day mean)' },
    { condition: call('Gt', call('Rsquare', field('close'), num(20)), num(0.3)), text: 'gated it to trending regimes (20-day trend R-squared above 0.3)' },
    ...(env.fields.has('volume')
      ? [{ condition: call('Lt', call('Mean', field('volume'), num(5)), call('Mean', field('volume'), num(60))), text: 'gated it to thin-trading regimes (5-day volume below its 60-day mean)' }]
      : []),
  ];
  const chosen = rng.pick(gates);
  return { ast: call('If', chosen.condition, root, num(0)), description: chosen.text };
}

function flipTerm(root: Node, rng: Rng): Edit | null {
  const sums = nodesWithPaths(root).filter(
    (x) => x.node.kind === 'call' && (x.node.op === 'Add' || x.node.op === 'Sub') && x.node.args.every((a) => a.kind !== 'number'),
  );
  if (sums.length === 0) return null;
  const { node, path } = rng.pick(sums) as { node: CallNode; path: Path };
  const flipped = call(node.op === 'Add' ? 'Sub' : 'Add', ...node.args);
  return { ast: replaceAt(root, path, flipped), description: `flipped the sign of the term ${printFactor(node.args[1]!).slice(0, 80)}` };
}

function smooth(root: Node, rng: Rng): Edit | null {
  if (root.kind === 'call' && (root.op === 'EMA' || root.op === 'Mean')) return null;
  const span = rng.pick([3, 5, 10]);
  return rng.chance(0.5)
    ? { ast: call('EMA', root, num(span)), description: `smoothed it with a ${span}-day EMA` }
    : { ast: call('Mean', root, num(span)), description: `smoothed it with a ${span}-day mean` };
}

export function edit(root: Node, kind: EditKind, rng: Rng, env: OfflineEnvironment, direction: WindowDirection = 'any'): Edit | null {
  switch (kind) {
    case 'window':
      return changeWindow(root, rng, direction);
    case 'operator':
      return swapOperator(root, rng);
    case 'field':
      return swapField(root, rng, env);
    case 'normalise':
      return normalise(root, rng);
    case 'denormalise':
      return denormalise(root);
    case 'time-rank':
      return timeRank(root, rng);
    case 'gate':
      return gate(root, rng, env);
    case 'flip-term':
      return flipTerm(root, rng);
    case 'smooth':
      return smooth(root, rng);
  }
}

/** The first of `kinds` that applies and compiles to a different factor. */
export function firstEdit(root: Node, kinds: readonly EditKind[], rng: Rng, env: OfflineEnvironment, direction: WindowDirection = 'any'): EditResult | null {
  const original = printFactor(root);
  for (const kind of kinds) {
    const result = edit(root, kind, rng, env, direction);
    if (result === null) continue;
    const compiled = compileIn(env, printFactor(result.ast));
    if (compiled.ok && compiled.canonical !== original) return { kind, expression: compiled.canonical, ast: compiled.ast, description: result.description };
  }
  return null;
}

/** Edits that replace part of a tree (wrappers keep the whole original inside, so they never make a factor less similar to it). */
const REPLACING: readonly EditKind[] = ['operator', 'field', 'window', 'flip-term'];
const WRAPPING: ReadonlySet<EditKind> = new Set(['normalise', 'time-rank', 'gate', 'smooth']);

/** Replacing edits on `root` until it keeps less than `maxSimilarity` of `original`'s structure. */
function replaceUntil(root: Node, original: Node, rng: Rng, env: OfflineEnvironment, maxSimilarity: number, direction: WindowDirection, maxEdits: number): { ast: Node; descriptions: string[] } {
  let current = root;
  const descriptions: string[] = [];
  for (let step = 0; step < maxEdits && normalizedSimilarity(current, original) >= maxSimilarity; step++) {
    const next = firstEdit(current, rng.shuffle(REPLACING), rng, env, direction);
    if (next === null || printFactor(next.ast) === printFactor(original)) break;
    current = next.ast;
    descriptions.push(next.description);
  }
  return { ast: current, descriptions };
}

/**
 * The first applicable edit of `kinds`, with replacing edits until the result
 * shares less than `maxSimilarity` of the original's structure (QuantaAlpha's
 * largest common subtree, normalised by the smaller tree, as the verifier
 * measures redundancy): a one-window variant of a library factor is
 * redundant by that measure, so a child must move further. A wrapping edit
 * (normaliser, gate, smoothing, time rank) is applied around the replaced core.
 */
export function distinctEdit(root: Node, kinds: readonly EditKind[], rng: Rng, env: OfflineEnvironment, maxSimilarity: number, direction: WindowDirection = 'any', maxEdits = 6): EditResult | null {
  const first = firstEdit(root, kinds, rng, env, direction);
  if (first === null) return null;
  if (!WRAPPING.has(first.kind)) {
    const rest = replaceUntil(first.ast, root, rng, env, maxSimilarity, direction, maxEdits - 1);
    const compiled = compileIn(env, printFactor(rest.ast));
    return compiled.ok ? { kind: first.kind, expression: compiled.canonical, ast: compiled.ast, description: [first.description, ...rest.descriptions].join('; ') } : first;
  }
  const core = replaceUntil(root, root, rng, env, maxSimilarity, direction, maxEdits - 1);
  const wrapped = edit(core.ast, first.kind, rng, env, direction);
  const compiled = wrapped ? compileIn(env, printFactor(wrapped.ast)) : null;
  if (!wrapped || !compiled?.ok || compiled.canonical === printFactor(root)) return first;
  return { kind: first.kind, expression: compiled.canonical, ast: compiled.ast, description: [...core.descriptions, wrapped.description].join('; ') };
}
