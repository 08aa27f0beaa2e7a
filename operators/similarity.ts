/**
 * QuantaAlpha's structural redundancy: the size of the largest common
 * subtree of two ASTs. Matching is top-down: two nodes with the same label
 * (same operator and arity, same field, same number) match with size
 * 1 + the sum of their children's matches, children paired in order (and
 * also swapped for commutative operators, keeping the better); nodes with
 * different labels match with size 0. The similarity of two trees is the
 * best match over all pairs of their nodes.
 *
 * Each tree is flattened once (memoised per root) into post-order arrays of
 * interned labels; a comparison then fills a table of node pairs in
 * post-order, visiting only pairs whose labels agree, so every pair is
 * computed once from its children's entries.
 */

import type { Node } from './ast.js';
import { OPERATORS } from './registry.js';

interface FlatTree {
  readonly size: number;
  /** Interned label of each node, in post-order (children before parents). */
  readonly labels: Int32Array;
  /** Children of node i: childList[childStart[i] .. childStart[i + 1]). */
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  readonly commutative: Uint8Array;
  /** Nodes of each label, in post-order. */
  readonly byLabel: ReadonlyMap<number, Int32Array>;
}

const labelIds = new Map<string, number>();
const flattened = new WeakMap<Node, FlatTree>();

function labelOf(node: Node): number {
  const text = node.kind === 'call' ? `c:${node.op}/${node.args.length}` : node.kind === 'field' ? `f:${node.name}` : `n:${String(node.value)}`;
  let id = labelIds.get(text);
  if (id === undefined) {
    id = labelIds.size;
    labelIds.set(text, id);
  }
  return id;
}

function flatten(root: Node): FlatTree {
  const cached = flattened.get(root);
  if (cached) return cached;
  const labels: number[] = [];
  const children: number[][] = [];
  const commutative: number[] = [];
  const visit = (node: Node): number => {
    const kids = node.kind === 'call' ? node.args.map(visit) : [];
    labels.push(labelOf(node));
    children.push(kids);
    commutative.push(node.kind === 'call' && node.args.length === 2 && OPERATORS.get(node.op)?.commutative ? 1 : 0);
    return labels.length - 1;
  };
  visit(root);

  const childStart = new Int32Array(labels.length + 1);
  children.forEach((kids, i) => (childStart[i + 1] = childStart[i]! + kids.length));
  const groups = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const group = groups.get(label);
    if (group) group.push(i);
    else groups.set(label, [i]);
  });
  const tree: FlatTree = {
    size: labels.length,
    labels: Int32Array.from(labels),
    childStart,
    childList: Int32Array.from(children.flat()),
    commutative: Uint8Array.from(commutative),
    byLabel: new Map([...groups].map(([label, nodes]) => [label, Int32Array.from(nodes)])),
  };
  flattened.set(root, tree);
  return tree;
}

/** The pair table, reused across comparisons (one library scan makes thousands). */
let table = new Int32Array(4096);

function largestCommon(a: FlatTree, b: FlatTree): number {
  const width = b.size;
  if (table.length < a.size * width) table = new Int32Array(a.size * width);
  const match = table;
  match.fill(0, 0, a.size * width);
  let best = 0;
  for (let i = 0; i < a.size; i++) {
    const partners = b.byLabel.get(a.labels[i]!);
    if (!partners) continue;
    const aFirst = a.childStart[i]!;
    const arity = a.childStart[i + 1]! - aFirst;
    for (const j of partners) {
      const bFirst = b.childStart[j]!;
      let sum = 0;
      for (let k = 0; k < arity; k++) sum += match[a.childList[aFirst + k]! * width + b.childList[bFirst + k]!]!;
      if (a.commutative[i]) {
        const a0 = a.childList[aFirst]!;
        const a1 = a.childList[aFirst + 1]!;
        const b0 = b.childList[bFirst]!;
        const b1 = b.childList[bFirst + 1]!;
        sum = Math.max(sum, match[a0 * width + b1]! + match[a1 * width + b0]!);
      }
      match[i * width + j] = 1 + sum;
      if (1 + sum > best) best = 1 + sum;
    }
  }
  return best;
}

/** Nodes in the largest common subtree of `a` and `b` (QuantaAlpha's s(f_i, f_j)). */
export function commonSubtreeSize(a: Node, b: Node): number {
  return largestCommon(flatten(a), flatten(b));
}

/** commonSubtreeSize divided by the smaller tree's size: 1 when one tree is contained in the other. */
export function normalizedSimilarity(a: Node, b: Node): number {
  const fa = flatten(a);
  const fb = flatten(b);
  return largestCommon(fa, fb) / Math.min(fa.size, fb.size);
}

export interface SimilarityMatch {
  /** Position of the best match in the library. */
  readonly index: number;
  /** Its common subtree size. */
  readonly size: number;
  /** size / min(size of candidate, size of match). */
  readonly normalized: number;
}

/**
 * The library factor sharing the largest common subtree with `candidate`
 * (QuantaAlpha's S(f)); ties go to the higher normalised score, then the
 * earlier factor. Null for an empty library.
 */
export function maxSimilarity(candidate: Node, library: readonly Node[]): SimilarityMatch | null {
  const c = flatten(candidate);
  let best: SimilarityMatch | null = null;
  library.forEach((member, index) => {
    const m = flatten(member);
    const size = largestCommon(c, m);
    const normalized = size / Math.min(c.size, m.size);
    if (!best || size > best.size || (size === best.size && normalized > best.normalized)) best = { index, size, normalized };
  });
  return best;
}
