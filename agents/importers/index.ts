/**
 * Importing factor libraries from other systems into ours. QuantaAlpha's
 * (and AlphaAgent's, the same language) is the one format so far:
 * parse their expressions, translate them rule by rule (quantaalpha/functions.ts
 * is the table), compile the result with our compiler, and build library
 * entries with metrics recomputed by our engine.
 */
export { EXACTNESS, EXACTNESS_MEANING, type Exactness } from './quantaalpha/exactness.js';
export { parseQuantaAlpha, type QaParseResult } from './quantaalpha/parser.js';
export type { QaNode } from './quantaalpha/ast.js';
export { QA_FUNCTIONS, type ProblemCode, type QaFunction } from './quantaalpha/functions.js';
export { QA_FIELDS, translateQuantaAlpha, type TranslationProblem, type TranslationResult } from './quantaalpha/translate.js';
export { importExpression, type ExpressionImport } from './quantaalpha/expression.js';
export { ImportError, readQuantaAlphaLibrary, type QaFactorRecord, type QaLibraryFile } from './quantaalpha/libraryFile.js';
export {
  FACTOR_STATUSES,
  importQuantaAlphaLibrary,
  summarise,
  type FactorProblem,
  type FactorStatus,
  type ImportedFactor,
  type ImportReport,
  type ImportSummary,
  type NameUse,
} from './quantaalpha/importLibrary.js';
export { deriveFamily } from './family.js';
export { scoreFactors, splitMetricsOf, type ScoringSetup } from './evaluate.js';
export { libraryEntries, type BuiltEntries, type EntryOptions } from './entries.js';
