/**
 * The canonical text of an AST: `parse(print(ast))` gives back `ast` (spans
 * aside). Infix where the registry has a symbol, with only the parentheses
 * Python's precedence needs; `Name(a, b)` otherwise; numbers in JavaScript's
 * shortest round-trip form. Deterministic, so it keys factor libraries.
 */

import type { Node } from './ast.js';
import { ATOM_LEVEL, COMPARISON_LEVEL, UNARY_LEVEL, binaryLevel } from './precedence.js';
import { OPERATORS } from './registry.js';

/** Texts of call nodes already printed: trees are immutable, and the engine asks again for every subtree. */
const printed = new WeakMap<Node, string>();

export function printFactor(node: Node): string {
  switch (node.kind) {
    case 'number':
      return String(node.value); // String(-0) is '0'
    case 'field':
      return `$${node.name}`;
    case 'call': {
      let text = printed.get(node);
      if (text === undefined) {
        text = printCall(node.op, node.args);
        printed.set(node, text);
      }
      return text;
    }
  }
}

function infixLevel(node: Node): number | undefined {
  if (node.kind !== 'call' || node.args.length !== 2) return undefined;
  const symbol = OPERATORS.get(node.op)?.infix;
  return symbol === undefined ? undefined : binaryLevel(symbol);
}

/** How tightly a printed node binds: a negative literal is a unary minus. */
function bindingLevel(node: Node): number {
  if (node.kind === 'number') return node.value < 0 ? UNARY_LEVEL : ATOM_LEVEL;
  return infixLevel(node) ?? ATOM_LEVEL;
}

function printCall(op: string, args: readonly Node[]): string {
  const symbol = OPERATORS.get(op)?.infix;
  const level = symbol === undefined ? undefined : binaryLevel(symbol);
  if (symbol === undefined || level === undefined || args.length !== 2) {
    return `${op}(${args.map(printFactor).join(', ')})`;
  }
  const [left, right] = args as [Node, Node];
  // Left-associative: a left operand at the same level needs no parentheses, a right one does
  // (a - (b - c)); comparisons do not chain, so there both sides need them.
  const leftNeedsParens = bindingLevel(left) < level || (level === COMPARISON_LEVEL && bindingLevel(left) === level);
  const rightNeedsParens = bindingLevel(right) <= level;
  const l = printFactor(left);
  const r = printFactor(right);
  return `${leftNeedsParens ? `(${l})` : l} ${symbol} ${rightNeedsParens ? `(${r})` : r}`;
}
