/**
 * Identity of factors and sub-expressions. Both derive from the canonical
 * text, so two trees get the same key exactly when they print the same.
 */

import { createHash } from 'node:crypto';
import type { Node } from './ast.js';
import { printFactor } from './printer.js';

/** Stable across processes and versions of Node: the first 16 hex digits of sha256(canonical text). */
export function factorHash(node: Node): string {
  return hashCanonical(printFactor(node));
}

/** factorHash from the canonical text itself. */
export function hashCanonical(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/**
 * Key for common-subexpression reuse inside one process: the subtree's
 * canonical text, memoised per node object, so asking for every subtree of a
 * tree costs one printing of it.
 */
export function subtreeKey(node: Node): string {
  return printFactor(node);
}
