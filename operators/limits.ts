/**
 * Size limits on an accepted factor. They keep LLM output evaluable (a
 * 500-day window on 12 years of data still leaves most of it) and readable,
 * and bound the work every later stage does per factor.
 */

import type { Node, Span } from './ast.js';
import { FactorError } from './errors.js';
import { nodeCount } from './measure.js';
import { DEFAULT_MAX_LENGTH } from './parser.js';
import { OPERATORS } from './registry.js';

export interface FactorLimits {
  /** Longest source text, in characters (checked before lexing). */
  readonly maxLength: number;
  /** Deepest root-to-leaf path, in nodes (a lone field is depth 1). */
  readonly maxDepth: number;
  /** Most nodes: operators, fields and literals. */
  readonly maxNodes: number;
  /** Largest window or lag, in days. */
  readonly maxWindow: number;
}

export const DEFAULT_LIMITS: FactorLimits = { maxLength: DEFAULT_MAX_LENGTH, maxDepth: 16, maxNodes: 128, maxWindow: 500 };

export function resolveLimits(limits: Partial<FactorLimits> = {}): FactorLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}

/** The first limit the tree breaks, or null. Depth first, then node count, then windows (in source order). */
export function checkLimits(ast: Node, limits: Partial<FactorLimits> = {}): FactorError | null {
  const { maxDepth, maxNodes, maxWindow } = resolveLimits(limits);
  const tooDeep = firstBelowDepth(ast, maxDepth, 1);
  if (tooDeep) {
    return new FactorError('limit_depth', `expression is nested deeper than the limit of ${maxDepth} levels (simplify it)`, tooDeep.span ?? ast.span);
  }
  const nodes = nodeCount(ast);
  if (nodes > maxNodes) {
    return new FactorError('limit_nodes', `expression has ${nodes} nodes (operators, fields and numbers); the limit is ${maxNodes}`, ast.span);
  }
  return firstWindowOver(ast, maxWindow);
}

/** The first node (pre-order) deeper than `maxDepth`. */
function firstBelowDepth(node: Node, maxDepth: number, depth: number): Node | undefined {
  if (depth > maxDepth) return node;
  if (node.kind !== 'call') return undefined;
  for (const arg of node.args) {
    const found = firstBelowDepth(arg, maxDepth, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function firstWindowOver(node: Node, maxWindow: number): FactorError | null {
  if (node.kind !== 'call') return null;
  const spec = OPERATORS.get(node.op);
  for (const [i, arg] of node.args.entries()) {
    const kind = spec?.args[i]?.kind;
    if (arg.kind === 'number' && (kind === 'window' || kind === 'lag') && Math.abs(arg.value) > maxWindow) {
      const span: Span | undefined = arg.span ?? node.span;
      return new FactorError('limit_window', `${kind} ${arg.value} of ${node.op} is longer than the limit of ${maxWindow} days`, span);
    }
    const found = firstWindowOver(arg, maxWindow);
    if (found) return found;
  }
  return null;
}
