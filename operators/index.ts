/** The factor language: parse, check, print, hash, measure and compare factors. */

export type { CallNode, FieldNode, Node, NumberNode, Span, ValueType } from './ast.js';
export type { ArgKind, ArgSpec, OperatorCategory, OperatorSpec } from './spec.js';
export { INFIX_OPERATORS, OPERATORS, operator } from './registry.js';

export { FactorError, renderFactorError, type FactorErrorCode, type FactorErrorJSON } from './errors.js';
export { DEFAULT_FIELDS, FIELD_DOCS } from './fields.js';
export { DEFAULT_MAX_LENGTH, parseFactor, type ParseOptions, type ParseResult } from './parser.js';
export { typecheck, type TypecheckOptions, type TypecheckResult } from './typecheck.js';
export { printFactor } from './printer.js';
export { factorHash, hashCanonical, subtreeKey } from './hash.js';
export { fieldNames, literalCount, nodeCount, treeDepth } from './measure.js';
export { complexity, DEFAULT_COMPLEXITY_WEIGHTS, type Complexity, type ComplexityWeights } from './complexity.js';
export { commonSubtreeSize, maxSimilarity, normalizedSimilarity, type SimilarityMatch } from './similarity.js';
export { checkLimits, DEFAULT_LIMITS, resolveLimits, type FactorLimits } from './limits.js';
export { horizon, maxWindow } from './windows.js';
export { compileFactor, compileLabel, type CompiledFactor, type CompileOptions, type CompileResult } from './compile.js';
export { dslSpecification, type DslSpecificationOptions } from './dslSpec.js';
