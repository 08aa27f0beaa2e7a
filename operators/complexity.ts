/**
 * QuantaAlpha's complexity score: C(f) = a1*SL + a2*PC + a3*ln(1 + |F|),
 * with SL the symbolic length (node count), PC the free parameters (numeric
 * literals: windows, lags, thresholds, constants; the -1 of a unary minus
 * counts too) and F the distinct fields read. The paper gives no weights;
 * the defaults (1, 1, 1) count a node and a parameter alike, and make the
 * field term a gentle reward for staying within few fields.
 */

import type { Node } from './ast.js';
import { fieldNames, literalCount, nodeCount, treeDepth } from './measure.js';

export interface ComplexityWeights {
  readonly length: number;
  readonly parameters: number;
  readonly features: number;
}

export const DEFAULT_COMPLEXITY_WEIGHTS: ComplexityWeights = { length: 1, parameters: 1, features: 1 };

export interface Complexity {
  /** SL: nodes in the tree. */
  readonly symbolLength: number;
  /** PC: numeric literals. */
  readonly parameterCount: number;
  /** F: distinct fields, sorted. */
  readonly features: readonly string[];
  readonly depth: number;
  /** C(f). */
  readonly score: number;
}

export function complexity(node: Node, weights: ComplexityWeights = DEFAULT_COMPLEXITY_WEIGHTS): Complexity {
  const symbolLength = nodeCount(node);
  const parameterCount = literalCount(node);
  const features = fieldNames(node);
  const score = weights.length * symbolLength + weights.parameters * parameterCount + weights.features * Math.log(1 + features.length);
  return { symbolLength, parameterCount, features, depth: treeDepth(node), score };
}
