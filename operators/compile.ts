/**
 * Source text to an accepted factor (or label), or the reason it is not one:
 * parse, type-check against the registry and the data's fields, require a
 * series, check the limits, then derive the canonical text, hash, complexity
 * and windows. Never throws, whatever the input.
 */

import type { Node } from './ast.js';
import { complexity, type Complexity, type ComplexityWeights } from './complexity.js';
import { FactorError } from './errors.js';
import { hashCanonical } from './hash.js';
import { checkLimits, resolveLimits, type FactorLimits } from './limits.js';
import { fieldNames } from './measure.js';
import { parseFactor } from './parser.js';
import { printFactor } from './printer.js';
import { typecheck } from './typecheck.js';
import { horizon, maxWindow } from './windows.js';

export interface CompileOptions {
  /** Fields the data has (lower-case). Default DEFAULT_FIELDS: no $vwap unless given. */
  readonly fields?: ReadonlySet<string>;
  /** Overrides of DEFAULT_LIMITS. */
  readonly limits?: Partial<FactorLimits>;
  readonly complexityWeights?: ComplexityWeights;
}

export interface CompiledFactor {
  readonly ok: true;
  /** Type-checked tree: fields lower-case, constant sub-expressions folded, spans into the source. */
  readonly ast: Node;
  /** printFactor(ast): the library key. */
  readonly canonical: string;
  /** factorHash(ast): 16 hex digits of sha256(canonical). */
  readonly hash: string;
  readonly complexity: Complexity;
  /** Distinct fields read, sorted. */
  readonly fields: readonly string[];
  /** Largest window or look-back lag of any operator, in days. */
  readonly maxWindow: number;
  /** Days after the current one the expression reads: always 0 for a factor; a label's horizon. */
  readonly horizon: number;
}

export type CompileResult = CompiledFactor | { readonly ok: false; readonly error: FactorError };

/** A factor: may read data up to the current day only. */
export function compileFactor(source: string, options: CompileOptions = {}): CompileResult {
  return compile(source, options, false);
}

/** A prediction target such as `Ref($close,-2)/Ref($close,-1)-1`: negative Ref lags allowed. */
export function compileLabel(source: string, options: CompileOptions = {}): CompileResult {
  return compile(source, options, true);
}

function compile(source: unknown, options: CompileOptions, allowFuture: boolean): CompileResult {
  try {
    if (typeof source !== 'string') return { ok: false, error: new FactorError('input', `expected the expression as a string, got ${typeof source}`) };
    const limits = resolveLimits(options.limits);
    const parsed = parseFactor(source, { maxLength: limits.maxLength });
    if (!parsed.ok) return parsed;
    const typed = typecheck(parsed.ast, { ...(options.fields ? { fields: options.fields } : {}), allowFuture });
    if (!typed.ok) return typed;
    const ast = typed.ast;
    if (typed.type !== 'series') {
      return {
        ok: false,
        error: new FactorError('constant', `the expression is the constant ${printFactor(ast)}; it must depend on at least one field`, ast.span),
      };
    }
    const limitError = checkLimits(ast, limits);
    if (limitError) return { ok: false, error: limitError };
    const canonical = printFactor(ast);
    return {
      ok: true,
      ast,
      canonical,
      hash: hashCanonical(canonical),
      complexity: complexity(ast, options.complexityWeights),
      fields: fieldNames(ast),
      maxWindow: maxWindow(ast),
      horizon: horizon(ast),
    };
  } catch (error) {
    // A bug, not the input's fault; still reported, never thrown at the caller.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, error: error instanceof FactorError ? error : new FactorError('internal', `internal error: ${detail}`) };
  }
}
