/**
 * Source text to tokens. Rejects, with a hint, the syntax LLMs borrow from
 * other languages (`**`, `?:`, `&&`, `=`), and number literals that are not
 * finite (`1e400`) or that underflow to 0 (`1e-400`): a factor can only hold finite constants.
 */

import type { Span } from './ast.js';
import { FactorError, quote } from './errors.js';

export type Token =
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: 'field'; readonly name: string; readonly span: Span }
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  /** `(`, `)`, `,` and the operators `+ - * / > >= < <= == != & |`. */
  | { readonly kind: 'symbol'; readonly symbol: string; readonly span: Span }
  | { readonly kind: 'end'; readonly span: Span };

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const FIELD_NAME = /[A-Za-z0-9_]+/y;
/** What may not directly follow a number: `1e`, `1.2.3`, `5x`, `0x1F`. */
const NUMBER_TAIL = /[A-Za-z0-9_.]+/y;
const WHITESPACE = /\s+/y;

const TWO_CHAR_SYMBOLS = new Set(['>=', '<=', '==', '!=']);
const ONE_CHAR_SYMBOLS = new Set(['(', ')', ',', '+', '-', '*', '/', '>', '<', '&', '|']);

/** Syntax from other languages, with what to write instead. Longest spelling first. */
const UNSUPPORTED: readonly (readonly [string, string])[] = [
  ['**', "'**' is not supported: use Power(x, e)"],
  ['//', "'//' (floor division) is not supported"],
  ['&&', "'&&' is not supported: use '&' (logical and)"],
  ['||', "'||' is not supported: use '|' (logical or)"],
  ['^', "'^' is not supported: use Power(x, e)"],
  ['?', "'?:' is not supported: use If(cond, a, b)"],
  [':', "':' is not supported (for a conditional use If(cond, a, b))"],
  ['=', "'=' is not supported: compare with '=='"],
  ['!', "'!' is not supported: use Not(x), or '!=' to compare"],
  ['~', "'~' is not supported: use Not(x)"],
  ['%', "'%' (modulo) is not supported"],
];

function matchAt(pattern: RegExp, source: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(source)?.[0];
}

/**
 * The tokens of `source`, read on demand, so an error is reported where the
 * parser first meets it (prose after a broken start is never lexed). Ends
 * with one 'end' token.
 */
export function* tokenize(source: string): Generator<Token, void, undefined> {
  let i = 0;
  while (i < source.length) {
    const space = matchAt(WHITESPACE, source, i);
    if (space) {
      i += space.length;
      continue;
    }
    const token = tokenAt(source, i);
    yield token;
    i = token.span.end;
  }
  yield { kind: 'end', span: { start: source.length, end: source.length } };
}

/** The token starting at `start` (not whitespace). */
function tokenAt(source: string, start: number): Token {
  const ch = source[start]!;

  const numberText = matchAt(NUMBER, source, start);
  if (numberText) {
    const tail = matchAt(NUMBER_TAIL, source, start + numberText.length);
    if (tail) {
      const text = numberText + tail;
      throw new FactorError('syntax', `malformed number ${quote(text)}`, { start, end: start + text.length });
    }
    const value = Number(numberText);
    const span = { start, end: start + numberText.length };
    if (!Number.isFinite(value)) throw new FactorError('syntax', `number ${quote(numberText)} is out of range`, span);
    if (value === 0 && /[1-9]/.test(numberText.split(/[eE]/)[0]!)) {
      throw new FactorError('syntax', `number ${quote(numberText)} is too small (it would silently become 0)`, span);
    }
    return { kind: 'number', value, text: numberText, span };
  }

  if (ch === '$') {
    const name = matchAt(FIELD_NAME, source, start + 1);
    if (!name) throw new FactorError('syntax', "expected a field name after '$' (e.g. $close)", { start, end: start + 1 });
    return { kind: 'field', name, span: { start, end: start + 1 + name.length } };
  }

  const name = matchAt(NAME, source, start);
  if (name) return { kind: 'name', name, span: { start, end: start + name.length } };

  const two = source.slice(start, start + 2);
  const symbol = TWO_CHAR_SYMBOLS.has(two) ? two : ONE_CHAR_SYMBOLS.has(ch) && !UNSUPPORTED.some(([s]) => s === two) ? ch : undefined;
  if (symbol) return { kind: 'symbol', symbol, span: { start, end: start + symbol.length } };

  const unsupported = UNSUPPORTED.find(([s]) => source.startsWith(s, start));
  if (unsupported) throw new FactorError('syntax', unsupported[1], { start, end: start + unsupported[0].length });
  const codePoint = String.fromCodePoint(source.codePointAt(start)!);
  throw new FactorError('syntax', `unexpected character ${quote(codePoint)}`, { start, end: start + codePoint.length });
}
