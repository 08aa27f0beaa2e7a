/**
 * Source text to a QuantaAlpha AST, by recursive descent over the precedence
 * levels of QuantaAlpha's own pyparsing grammar
 * (quantaalpha/factors/coder/expr_parser.py), lowest first:
 *
 *   c ? a : b        right-associative (their WHERE)
 *   ||  |            logical or
 *   &&  &            logical and
 *   > < >= <= == !=  left-associative: a < b < c is (a < b) < c
 *   + -
 *   * /
 *   unary - +
 *   number, $field, NAME(args), NAME, (expr)
 *
 * Never throws: every failure is a FactorError with a one-line message that
 * starts with the 1-based position (`at 17: unexpected '×'`). Input length
 * and nesting are bounded, so hostile text cannot exhaust the stack.
 */
import { FactorError, type Span } from '../../../operators/index.js';
import type { QaBinaryOperator, QaNode } from './ast.js';

export type QaParseResult = { readonly ok: true; readonly ast: QaNode } | { readonly ok: false; readonly error: FactorError };

/** Far above the longest expression in the published libraries (about 1,500 characters). */
export const QA_MAX_LENGTH = 20_000;
/** Parenthesis and call nesting deeper than this is refused. */
export const QA_MAX_NESTING = 200;

type Token =
  | { readonly kind: 'number'; readonly text: string; readonly value: number; readonly span: Span }
  | { readonly kind: 'field'; readonly name: string; readonly span: Span }
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  | { readonly kind: 'symbol'; readonly symbol: string; readonly span: Span }
  | { readonly kind: 'end'; readonly span: Span };

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Longest first, so `>=` is not read as `>` then `=`. */
const SYMBOLS = ['&&', '||', '>=', '<=', '==', '!=', '+', '-', '*', '/', '>', '<', '&', '|', '?', ':', '(', ')', ','];

function quoteChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `'\\u{${code.toString(16)}}'` : `'${ch}'`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number) {
      const text = number[0];
      tokens.push({ kind: 'number', text, value: Number(text), span: { start: i, end: i + text.length } });
      i += text.length;
      continue;
    }
    IDENTIFIER.lastIndex = ch === '$' ? i + 1 : i;
    const identifier = IDENTIFIER.exec(source);
    if (ch === '$') {
      if (!identifier) throw new FactorError('syntax', "'$' must be followed by a field name such as $close", { start: i, end: i + 1 });
      tokens.push({ kind: 'field', name: identifier[0], span: { start: i, end: i + 1 + identifier[0].length } });
      i += 1 + identifier[0].length;
      continue;
    }
    if (identifier) {
      tokens.push({ kind: 'name', name: identifier[0], span: { start: i, end: i + identifier[0].length } });
      i += identifier[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (symbol) {
      tokens.push({ kind: 'symbol', symbol, span: { start: i, end: i + symbol.length } });
      i += symbol.length;
      continue;
    }
    const char = String.fromCodePoint(source.codePointAt(i) ?? 0);
    const hint = ch === '=' ? " (compare with '==')" : ch === '^' ? ' (QuantaAlpha writes powers as POW(x, n))' : '';
    throw new FactorError('syntax', `unexpected character ${quoteChar(char)}${hint}`, { start: i, end: i + char.length });
  }
  tokens.push({ kind: 'end', span: { start: source.length, end: source.length } });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'number':
      return `number '${token.text}'`;
    case 'field':
      return `field '$${token.name}'`;
    case 'name':
      return `name '${token.name}'`;
    case 'symbol':
      return `'${token.symbol}'`;
  }
}

const OR = new Set(['||', '|']);
const AND = new Set(['&&', '&']);
const COMPARISON = new Set(['>', '<', '>=', '<=', '==', '!=']);
const ADDITIVE = new Set(['+', '-']);
const MULTIPLICATIVE = new Set(['*', '/']);

function span(from: Span, to: Span): Span {
  return { start: from.start, end: to.end };
}

class Parser {
  private position = 0;
  private nesting = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): QaNode {
    const ast = this.conditional();
    const next = this.peek();
    if (next.kind !== 'end') throw new FactorError('syntax', `unexpected ${describe(next)} after a complete expression`, next.span);
    return ast;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private symbolIn(symbols: ReadonlySet<string>): string | undefined {
    const token = this.peek();
    return token.kind === 'symbol' && symbols.has(token.symbol) ? token.symbol : undefined;
  }

  private expect(symbol: string, context: string): Token {
    const token = this.peek();
    if (token.kind === 'symbol' && token.symbol === symbol) return this.next();
    throw new FactorError('syntax', `expected '${symbol}' ${context}, found ${describe(token)}`, token.span);
  }

  private enter(at: Span): void {
    if (++this.nesting > QA_MAX_NESTING) throw new FactorError('syntax', `expression is nested more than ${QA_MAX_NESTING} levels deep`, at);
  }

  private conditional(): QaNode {
    this.enter(this.peek().span);
    const test = this.binary(0);
    let result = test;
    if (this.symbolIn(new Set(['?']))) {
      this.next();
      const then = this.conditional();
      this.expect(':', "between the two branches of '? :'");
      const otherwise = this.conditional();
      result = { kind: 'conditional', test, then, otherwise, span: span(test.span, otherwise.span) };
    }
    this.nesting--;
    return result;
  }

  /** Left-associative binary levels, lowest first. */
  private binary(level: number): QaNode {
    const levels: readonly ReadonlySet<string>[] = [OR, AND, COMPARISON, ADDITIVE, MULTIPLICATIVE];
    if (level === levels.length) return this.unary();
    let left = this.binary(level + 1);
    for (let symbol = this.symbolIn(levels[level]!); symbol !== undefined; symbol = this.symbolIn(levels[level]!)) {
      this.next();
      const right = this.binary(level + 1);
      const operator = (symbol === '&' ? '&&' : symbol === '|' ? '||' : symbol) as QaBinaryOperator;
      left = { kind: 'binary', operator, left, right, span: span(left.span, right.span) };
    }
    return left;
  }

  private unary(): QaNode {
    const token = this.peek();
    if (token.kind === 'symbol' && (token.symbol === '-' || token.symbol === '+')) {
      this.next();
      this.enter(token.span);
      const operand = this.unary();
      this.nesting--;
      // A signed literal is one number, as their number pattern reads it (`-1`).
      if (operand.kind === 'number') {
        const value = token.symbol === '-' ? -operand.value : operand.value;
        return { kind: 'number', value, text: `${token.symbol}${operand.text}`, span: span(token.span, operand.span) };
      }
      return { kind: 'unary', operator: token.symbol, operand, span: span(token.span, operand.span) };
    }
    return this.primary();
  }

  private primary(): QaNode {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        if (!Number.isFinite(token.value)) throw new FactorError('syntax', `number '${token.text}' is out of range`, token.span);
        return { kind: 'number', value: token.value, text: token.text, span: token.span };
      case 'field': {
        const next = this.peek();
        if (next.kind === 'symbol' && next.symbol === '(') {
          throw new FactorError('syntax', `field '$${token.name}' is followed by '(': functions are written without a $ (${token.name}(...))`, next.span);
        }
        return { kind: 'field', name: token.name, span: token.span };
      }
      case 'name': {
        const open = this.peek();
        if (!(open.kind === 'symbol' && open.symbol === '(')) return { kind: 'name', name: token.name, span: token.span };
        this.next();
        this.enter(open.span);
        const args: QaNode[] = [];
        if (!this.symbolIn(new Set([')']))) {
          args.push(this.conditional());
          while (this.symbolIn(new Set([',']))) {
            this.next();
            args.push(this.conditional());
          }
        }
        const close = this.expect(')', `to close the arguments of ${token.name}(`);
        this.nesting--;
        return { kind: 'call', name: token.name, args, span: span(token.span, close.span) };
      }
      case 'symbol':
        if (token.symbol === '(') {
          this.enter(token.span);
          const inner = this.conditional();
          this.expect(')', "to close '('");
          this.nesting--;
          return inner;
        }
        throw new FactorError('syntax', `unexpected ${describe(token)} (expected a number, a $field or a function call)`, token.span);
      case 'end':
        throw new FactorError('syntax', 'unexpected end of input (expected a number, a $field or a function call)', token.span);
    }
  }
}

export function parseQuantaAlpha(source: string): QaParseResult {
  try {
    if (typeof source !== 'string') return { ok: false, error: new FactorError('input', `expected the expression as a string, got ${typeof source}`) };
    if (source.trim() === '') return { ok: false, error: new FactorError('syntax', 'the expression is empty', { start: 0, end: source.length }) };
    if (source.length > QA_MAX_LENGTH) {
      return { ok: false, error: new FactorError('too_long', `expression is ${source.length} characters long; the limit is ${QA_MAX_LENGTH}`, { start: QA_MAX_LENGTH, end: source.length }) };
    }
    return { ok: true, ast: new Parser(tokenize(source)).parseAll() };
  } catch (error) {
    if (error instanceof FactorError) return { ok: false, error };
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, error: new FactorError('internal', `internal error: ${detail}`) };
  }
}
