/**
 * Binary operator precedence. qlib evaluates expressions as Python, so the
 * language uses Python's levels: `a & b > c` is `(a & b) > c`.
 * The parser, the printer and the DSL text all read this one table.
 */

import { INFIX_OPERATORS } from './registry.js';

/** Binary operator symbols by level, lowest precedence first. */
export const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['==', '!=', '>', '>=', '<', '<='], // comparisons: non-associative here (Python would chain them)
  ['|'],
  ['&'],
  ['+', '-'],
  ['*', '/'],
];

/** The comparison level: `a < b < c` is rejected instead of chained. */
export const COMPARISON_LEVEL = 0;
/** Unary minus/plus bind tighter than every binary operator (Python). */
export const UNARY_LEVEL = BINARY_LEVELS.length;
/** Numbers, fields, calls and parenthesised expressions. */
export const ATOM_LEVEL = UNARY_LEVEL + 1;

const LEVEL_OF: ReadonlyMap<string, number> = new Map(
  BINARY_LEVELS.flatMap((symbols, level) => symbols.map((s) => [s, level] as const)),
);

/** Level of a binary operator symbol, or undefined when the language has no such symbol. */
export function binaryLevel(symbol: string): number | undefined {
  return LEVEL_OF.get(symbol);
}

// The registry owns which infix symbols exist; this table only orders them. They must agree.
for (const symbol of INFIX_OPERATORS.keys()) {
  if (!LEVEL_OF.has(symbol)) throw new Error(`precedence: registry infix '${symbol}' has no precedence level`);
}
for (const symbol of LEVEL_OF.keys()) {
  if (!INFIX_OPERATORS.has(symbol)) throw new Error(`precedence: '${symbol}' is not an infix operator of the registry`);
}
