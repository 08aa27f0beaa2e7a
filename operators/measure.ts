/** Size and shape of an AST: the quantities limits and complexity are made of. */

import type { Node } from './ast.js';

/** Number of nodes (operators, fields and literals). */
export function nodeCount(node: Node): number {
  if (node.kind !== 'call') return 1;
  let count = 1;
  for (const arg of node.args) count += nodeCount(arg);
  return count;
}

/** Longest root-to-leaf path, counted in nodes: a lone field has depth 1. */
export function treeDepth(node: Node): number {
  if (node.kind !== 'call') return 1;
  let deepest = 0;
  for (const arg of node.args) deepest = Math.max(deepest, treeDepth(arg));
  return 1 + deepest;
}

/** Number of numeric literal nodes (windows, lags, thresholds, constants). */
export function literalCount(node: Node): number {
  if (node.kind === 'number') return 1;
  if (node.kind === 'field') return 0;
  let count = 0;
  for (const arg of node.args) count += literalCount(arg);
  return count;
}

/** The distinct fields read, sorted. */
export function fieldNames(node: Node): string[] {
  const names = new Set<string>();
  const visit = (n: Node): void => {
    if (n.kind === 'field') names.add(n.name);
    else if (n.kind === 'call') n.args.forEach(visit);
  };
  visit(node);
  return [...names].sort();
}
