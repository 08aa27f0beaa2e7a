/**
 * One QuantaAlpha expression, all the way: parse their text, translate it,
 * and compile the translation with our own compiler (compileFactor), so an
 * imported expression is accepted by exactly the rules every other factor
 * meets. Never throws.
 */
import { compileFactor, printFactor, type CompiledFactor, type CompileOptions } from '../../../operators/index.js';
import type { Exactness } from './exactness.js';
import { parseQuantaAlpha } from './parser.js';
import { translateQuantaAlpha, type TranslationProblem } from './translate.js';

export type ExpressionImport =
  | {
      readonly status: 'translated';
      readonly compiled: CompiledFactor;
      readonly exactness: Exactness;
      readonly notes: readonly string[];
      readonly functions: readonly string[];
      readonly fields: readonly string[];
    }
  | {
      readonly status: 'unsupported';
      readonly problems: readonly TranslationProblem[];
      readonly functions: readonly string[];
      readonly fields: readonly string[];
    }
  | { readonly status: 'parse_error'; readonly problem: TranslationProblem };

/** What a model wrote when it gave no expression at all. */
const NO_EXPRESSION = /^\s*(null|none|nan|n\/a)?\s*$/i;

export function importExpression(source: string, options: CompileOptions = {}): ExpressionImport {
  if (NO_EXPRESSION.test(source)) {
    const problem: TranslationProblem = { code: 'syntax', subject: 'no expression', span: { start: 0, end: source.length }, message: `at 1: no expression: the library holds ${JSON.stringify(source.trim())}` };
    return { status: 'parse_error', problem };
  }
  const parsed = parseQuantaAlpha(source);
  if (!parsed.ok) {
    const span = parsed.error.span ?? { start: 0, end: 0 };
    return { status: 'parse_error', problem: { code: 'syntax', subject: 'syntax', span, message: parsed.error.message } };
  }
  const translated = translateQuantaAlpha(parsed.ast);
  const use = { functions: translated.functions, fields: translated.fields };
  if (!translated.ok) return { status: 'unsupported', problems: translated.problems, ...use };
  const text = printFactor(translated.ast);
  const compiled = compileFactor(text, options);
  if (!compiled.ok) {
    const problem: TranslationProblem = {
      code: 'rejected',
      subject: compiled.error.code,
      span: { start: 0, end: source.length },
      message: `at 1: the translation is rejected by our compiler (${compiled.error.message}): ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`,
    };
    return { status: 'unsupported', problems: [problem], ...use };
  }
  return { status: 'translated', compiled, exactness: translated.exactness, notes: translated.notes, ...use };
}
