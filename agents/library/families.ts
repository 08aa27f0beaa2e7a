/**
 * Family tags (Hubble's family diagnostics): what kind of signal a factor is,
 * read from its expression's structure, with the proposing specialist's remit
 * breaking ties. Deterministic: the same tree and specialist always get the
 * same family.
 *
 * Evidence per family, from the tree:
 *   regime        comparisons or If: the signal switches on a condition
 *   shape         open, high, low and close of the same bar, little time structure
 *   range         high and low together (the day's range)
 *   volatility    dispersion operators (Std, Var, Skew, Kurt, Mad)
 *   volume        volume alone
 *   price-volume  volume with prices, more so through Corr/Cov
 *   momentum      price changes and trends over time (Ref, Delta, Slope, ...)
 *   reversal      the same, negated at the root
 *   composite     two or more cross-sectionally normalised signals added
 *                 together (CSZScore(a) + CSRank(b)), or evidence for three
 *                 or more families in a large tree
 */
import type { Node } from '../../operators/ast.js';
import { nodeCount } from '../../operators/measure.js';

export const FAMILIES = ['momentum', 'reversal', 'volatility', 'range', 'volume', 'price-volume', 'shape', 'regime', 'composite'] as const;
export type Family = (typeof FAMILIES)[number];

const CONDITIONAL = new Set(['If', 'Gt', 'Ge', 'Lt', 'Le', 'Eq', 'Ne', 'And', 'Or', 'Not']);
const DISPERSION = new Set(['Std', 'Var', 'Skew', 'Kurt', 'Mad']);
const TREND = new Set(['Ref', 'Delta', 'Slope', 'Rsquare', 'Resi', 'EMA', 'WMA', 'Mean', 'Sum', 'IdxMax', 'IdxMin', 'Max', 'Min', 'Rank', 'Quantile', 'Med']);
const PAIR_STATISTICS = new Set(['Corr', 'Cov']);
const PRICES = ['open', 'high', 'low', 'close', 'vwap'];
const NORMALISERS = new Set(['CSZScore', 'CSRank', 'CSScale']);

/** Words in a specialist's name or capabilities that say which family it works in. */
const REMIT_WORDS: readonly (readonly [RegExp, Family])[] = [
  [/revers|overreact|mean.?revert/, 'reversal'],
  [/regime|gating|stabil/, 'regime'],
  [/shape|bar|candle|geometr/, 'shape'],
  [/range/, 'range'],
  [/volatil|tail|crash|drawdown|fractal|asymmetr|risk/, 'volatility'],
  [/price.?volume|coheren|imbalance|herd/, 'price-volume'],
  [/volume|liquid/, 'volume'],
  [/trend|momentum|cycle|lag/, 'momentum'],
  [/composite|fusion|creative/, 'composite'],
];

/** The family a specialist's remit points to, from its name and capabilities; null when nothing matches. */
export function remitFamily(specialist: string, capabilities: readonly string[] = []): Family | null {
  const text = [specialist, ...capabilities].join(' ').toLowerCase();
  for (const [pattern, family] of REMIT_WORDS) if (pattern.test(text)) return family;
  return null;
}

interface Evidence {
  readonly fields: Set<string>;
  readonly ops: Map<string, number>;
  readonly maxWindow: number;
}

function gather(root: Node): Evidence {
  const fields = new Set<string>();
  const ops = new Map<string, number>();
  let maxWindow = 0;
  const visit = (node: Node): void => {
    if (node.kind === 'field') fields.add(node.name);
    if (node.kind !== 'call') return;
    ops.set(node.op, (ops.get(node.op) ?? 0) + 1);
    const last = node.args[node.args.length - 1];
    if (TREND.has(node.op) || DISPERSION.has(node.op) || PAIR_STATISTICS.has(node.op)) {
      if (last?.kind === 'number') maxWindow = Math.max(maxWindow, Math.abs(last.value));
    }
    node.args.forEach(visit);
  };
  visit(root);
  return { fields, ops, maxWindow };
}

const count = (ops: Map<string, number>, set: ReadonlySet<string>): number => [...ops].reduce((n, [op, k]) => n + (set.has(op) ? k : 0), 0);

/** True when the root multiplies the rest by a negative constant (an oriented reversal). */
function negatedAtRoot(node: Node): boolean {
  if (node.kind !== 'call' || node.op !== 'Mul' || node.args.length !== 2) return false;
  const [a, b] = node.args as [Node, Node];
  const constant = a.kind === 'number' ? a : b.kind === 'number' ? b : null;
  return constant !== null && constant.value < 0;
}

/** The terms the root adds up (through Add, Sub and scaling by a constant). */
function addends(node: Node): Node[] {
  if (node.kind !== 'call' || node.args.length !== 2) return [node];
  const [a, b] = node.args as [Node, Node];
  if (node.op === 'Add' || node.op === 'Sub') return [...addends(a), ...addends(b)];
  if (node.op === 'Mul' && a.kind === 'number') return addends(b);
  if (node.op === 'Mul' && b.kind === 'number') return addends(a);
  return [node];
}

/** Evidence score of each family for a tree (before the specialist's hint). */
export function familyScores(root: Node): Record<Family, number> {
  const { fields, ops, maxWindow } = gather(root);
  const prices = PRICES.filter((p) => fields.has(p));
  const volume = fields.has('volume');
  const highLow = fields.has('high') && fields.has('low');
  const trend = count(ops, TREND);
  const scores: Record<Family, number> = {
    momentum: 0,
    reversal: 0,
    volatility: 3 * count(ops, DISPERSION),
    range: highLow ? 2 : 0,
    volume: volume && prices.length === 0 ? 3 : 0,
    'price-volume': volume && prices.length > 0 ? 2 + 2 * count(ops, PAIR_STATISTICS) : 0,
    shape: fields.has('open') && fields.has('close') && highLow && maxWindow <= 5 ? 4 : 0,
    regime: 3 * Math.min(count(ops, CONDITIONAL), 2),
    composite: 0,
  };
  if (prices.length > 0 && trend > 0) scores[negatedAtRoot(root) ? 'reversal' : 'momentum'] = 1 + trend;
  const present = FAMILIES.filter((f) => scores[f] > 0).length;
  if (present >= 3 && nodeCount(root) >= 25) scores.composite = 2 + present;
  const fused = addends(root).filter((n) => n.kind === 'call' && NORMALISERS.has(n.op)).length;
  if (fused >= 2) scores.composite = Math.max(scores.composite, 5 + fused);
  return scores;
}

/**
 * The family of a factor: the family with the most evidence, the specialist's
 * remit adding 1.5 to its own; ties go to the earlier family in FAMILIES.
 * A tree with no evidence at all takes the remit's family, else momentum.
 */
export function familyOf(root: Node, specialist: string, capabilities: readonly string[] = []): Family {
  const scores = familyScores(root);
  const remit = remitFamily(specialist, capabilities);
  if (remit !== null) scores[remit] += 1.5;
  let best: Family = remit ?? 'momentum';
  let bestScore = 0;
  for (const family of FAMILIES) {
    if (scores[family] > bestScore) {
      best = family;
      bestScore = scores[family];
    }
  }
  return best;
}
