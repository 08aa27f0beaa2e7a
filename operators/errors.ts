/**
 * Every way a factor can be rejected, as one error type.
 *
 * `message` is always ONE line that starts with the 1-based character
 * position (`at 14: unknown operator 'Meen' (did you mean 'Mean'?)`), so an
 * LLM repair prompt or a log line can carry it as is; `renderFactorError`
 * draws the source with a caret for humans.
 */

import type { Span } from './ast.js';

export type FactorErrorCode =
  | 'input' // not a string
  | 'too_long' // longer than the length limit (checked before lexing)
  | 'syntax' // lexer and parser errors
  | 'unknown_operator'
  | 'unknown_field'
  | 'arity'
  | 'argument' // an argument of the wrong kind or value
  | 'lookahead' // reads data after the current day
  | 'constant' // the factor is a constant, or a constant sub-expression is not finite
  | 'limit_depth'
  | 'limit_nodes'
  | 'limit_window'
  | 'internal'; // a bug in this package: compileFactor reports it instead of throwing

export interface FactorErrorJSON {
  readonly code: FactorErrorCode;
  readonly message: string;
  readonly detail: string;
  readonly span?: Span;
}

export class FactorError extends Error {
  override readonly name = 'FactorError';
  readonly code: FactorErrorCode;
  /** The message without its position prefix. */
  readonly detail: string;
  /** Where in the source; absent for trees built by code rather than parsed. */
  readonly span: Span | undefined;

  constructor(code: FactorErrorCode, detail: string, span?: Span) {
    const oneLine = detail.replace(/[\r\n\u2028\u2029]+/g, ' ');
    super(span ? `at ${span.start + 1}: ${oneLine}` : oneLine);
    this.code = code;
    this.detail = oneLine;
    this.span = span;
  }

  /** Plain data, for messages between actors (an Error's own fields do not serialise). */
  toJSON(): FactorErrorJSON {
    return this.span
      ? { code: this.code, message: this.message, detail: this.detail, span: this.span }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** Control, line-breaking and bidirectional-override characters, and lone surrogates. */
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;

/**
 * Quotes user text inside a message: unprintable characters are
 * escaped (the message stays one printable line) and long text is cut.
 */
export function quote(text: string, maxLength = 40): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}...` : text;
  const escaped = cut.replace(UNPRINTABLE, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
  return `'${escaped}'`;
}

const CONTEXT = 60;

/**
 * The error with the offending source line and a caret under the span:
 *
 *     error at line 1, column 18: unknown operator 'Meen' (did you mean 'Mean'?)
 *       Mean($close, 5) / Meen($open, 5)
 *                         ^^^^
 *
 * Long lines are cut to a window around the span.
 */
export function renderFactorError(source: string, error: FactorError): string {
  const span = error.span;
  if (!span) return `error: ${error.detail}`;
  const lineStart = source.lastIndexOf('\n', span.start - 1) + 1;
  const newline = source.indexOf('\n', span.start);
  const lineEnd = newline === -1 ? source.length : newline;
  const line = source.slice(lineStart, lineEnd).replace(/[\t\r]/g, ' ');
  const lineNumber = source.slice(0, lineStart).split('\n').length;
  const column = span.start - lineStart;

  const from = Math.max(0, column - CONTEXT);
  const to = Math.min(line.length, column + CONTEXT);
  const prefix = from > 0 ? '...' : '';
  const suffix = to < line.length ? '...' : '';
  const width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
  const caretWidth = Math.min(width, to - column + 1);
  return [
    `error at line ${lineNumber}, column ${column + 1}: ${error.detail}`,
    `  ${prefix}${line.slice(from, to)}${suffix}`,
    `  ${' '.repeat(prefix.length + column - from)}${'^'.repeat(Math.max(1, caretWidth))}`,
  ].join('\n');
}
