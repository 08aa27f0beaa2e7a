/**
 * Tokens to AST, by recursive descent over Python's precedence levels
 * (precedence.ts). Infix operators become calls of their registry operator;
 * unary minus on a number literal folds into a negative literal, otherwise
 * `-x` is `Mul(-1, x)`. Names are not resolved here: the type checker does that.
 *
 * Hostile input cannot exhaust the stack: the length is bounded before
 * lexing, and both the parser's nesting and the depth of the tree it builds
 * are bounded (MAX_PARSE_DEPTH), failing with an error.
 */

import type { CallNode, Node, NumberNode, Span } from './ast.js';
import { FactorError, quote } from './errors.js';
import { FIELD_DOCS } from './fields.js';
import { tokenize, type Token } from './lexer.js';
import { BINARY_LEVELS, COMPARISON_LEVEL, binaryLevel } from './precedence.js';
import { INFIX_OPERATORS } from './registry.js';

export interface ParseOptions {
  /** Longest accepted source, in characters. Default 2000. */
  readonly maxLength?: number;
}

export type ParseResult = { readonly ok: true; readonly ast: Node } | { readonly ok: false; readonly error: FactorError };

export const DEFAULT_MAX_LENGTH = 2000;

/**
 * Safety net far above any sane factor (the limits allow depth 16): each
 * level costs the recursive descent about seven stack frames.
 */
export const MAX_PARSE_DEPTH = 256;

/** Python words that are not part of the language, with what to write instead. */
const RESERVED_WORDS: Readonly<Record<string, string>> = {
  nan: 'is not a number literal: only finite numbers are allowed',
  inf: 'is not a number literal: only finite numbers are allowed',
  infinity: 'is not a number literal: only finite numbers are allowed',
  true: 'is not supported: use 1',
  false: 'is not supported: use 0',
  none: 'is not supported',
  and: "is not supported: use '&' (logical and)",
  or: "is not supported: use '|' (logical or)",
  not: 'is not supported: use Not(x)',
};

export function parseFactor(source: string, options: ParseOptions = {}): ParseResult {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  try {
    if (source.length > maxLength) {
      throw new FactorError('too_long', `expression is ${source.length} characters long; the limit is ${maxLength}`, { start: maxLength, end: source.length });
    }
    return { ok: true, ast: new Parser(tokenize(source)).parseAll() };
  } catch (error) {
    if (error instanceof FactorError) return { ok: false, error };
    throw error;
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'number':
      return quote(token.text);
    case 'field':
      return quote(`$${token.name}`);
    case 'name':
      return quote(token.name);
    case 'symbol':
      return quote(token.symbol);
  }
}

function join(a: Span | undefined, b: Span | undefined): Span {
  return { start: a?.start ?? 0, end: b?.end ?? a?.end ?? 0 };
}

class Parser {
  /** The next token, once something has looked at it. */
  private lookahead: Token | undefined;
  private nesting = 0;
  /** Depth of every call node built so far (leaves are 1). */
  private readonly depths = new WeakMap<Node, number>();

  constructor(private readonly tokens: Iterator<Token, void>) {}

  parseAll(): Node {
    const first = this.peek();
    if (first.kind === 'end') throw new FactorError('syntax', 'empty expression', first.span);
    const ast = this.parseLevel(COMPARISON_LEVEL);
    const rest = this.peek();
    this.rejectWordOperator(rest);
    if (rest.kind !== 'end') {
      const hint = rest.kind === 'symbol' && rest.symbol === ')' ? ' (unbalanced parentheses)' : ' (missing an operator?)';
      throw new FactorError('syntax', `unexpected ${describe(rest)} after a complete expression${hint}`, rest.span);
    }
    return ast;
  }

  /** Python's `and`, `or`, ... where an operator belongs. */
  private rejectWordOperator(token: Token): void {
    if (token.kind !== 'name') return;
    const why = RESERVED_WORDS[token.name.toLowerCase()];
    if (why) throw new FactorError('syntax', `${quote(token.name)} ${why}`, token.span);
  }

  private peek(): Token {
    if (!this.lookahead) {
      const next = this.tokens.next();
      if (next.done) throw new Error('lexer: read past the end token');
      this.lookahead = next.value;
    }
    return this.lookahead;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.lookahead = undefined;
    return token;
  }

  private isSymbol(token: Token, symbol: string): boolean {
    return token.kind === 'symbol' && token.symbol === symbol;
  }

  private expect(symbol: string): Token {
    const token = this.peek();
    if (!this.isSymbol(token, symbol)) throw new FactorError('syntax', `expected '${symbol}' but found ${describe(token)}`, token.span);
    return this.next();
  }

  private enter(at: Token): void {
    if (++this.nesting > MAX_PARSE_DEPTH) {
      throw new FactorError('limit_depth', `expression nested more than ${MAX_PARSE_DEPTH} levels deep`, at.span);
    }
  }

  private depth(node: Node): number {
    return this.depths.get(node) ?? 1;
  }

  private call(op: string, args: readonly Node[], span: Span, at: Token): CallNode {
    const node: CallNode = { kind: 'call', op, args, span };
    let depth = 1;
    for (const arg of args) depth = Math.max(depth, 1 + this.depth(arg));
    if (depth > MAX_PARSE_DEPTH) {
      throw new FactorError('limit_depth', `expression nested more than ${MAX_PARSE_DEPTH} levels deep`, at.span);
    }
    this.depths.set(node, depth);
    return node;
  }

  private binaryAt(level: number): (Token & { kind: 'symbol' }) | undefined {
    const token = this.peek();
    return token.kind === 'symbol' && binaryLevel(token.symbol) === level ? token : undefined;
  }

  /** One precedence level: left-associative, except comparisons, which may not chain. */
  private parseLevel(level: number): Node {
    if (level === BINARY_LEVELS.length) return this.parseUnary();
    let left = this.parseLevel(level + 1);
    for (let operator = this.binaryAt(level); operator; operator = this.binaryAt(level)) {
      this.next();
      const right = this.parseLevel(level + 1);
      left = this.call(INFIX_OPERATORS.get(operator.symbol)!, [left, right], join(left.span, right.span), operator);
      if (level === COMPARISON_LEVEL) {
        const chained = this.binaryAt(level);
        if (chained) {
          throw new FactorError(
            'syntax',
            "chained comparison: add parentheses ('&' and '|' bind tighter than comparisons, as in Python: write (a > b) & (c > d))",
            chained.span,
          );
        }
      }
    }
    return left;
  }

  private parseUnary(): Node {
    const token = this.peek();
    if (!this.isSymbol(token, '-') && !this.isSymbol(token, '+')) return this.parsePrimary();
    this.next();
    this.enter(token);
    const operand = this.parseUnary();
    this.nesting--;
    const span = join(token.span, operand.span);
    if (this.isSymbol(token, '+')) return operand;
    if (operand.kind === 'number') {
      const negated: NumberNode = { kind: 'number', value: operand.value === 0 ? 0 : -operand.value, span };
      return negated;
    }
    const minusOne: NumberNode = { kind: 'number', value: -1, span: token.span };
    return this.call(INFIX_OPERATORS.get('*')!, [minusOne, operand], span, token);
  }

  private parsePrimary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value, span: token.span };
      case 'field':
        return { kind: 'field', name: token.name, span: token.span };
      case 'name':
        return this.parseCall(token);
      case 'symbol':
        if (token.symbol === '(') {
          this.enter(token);
          const inner = this.parseLevel(COMPARISON_LEVEL);
          this.expect(')');
          this.nesting--;
          return inner;
        }
        throw new FactorError('syntax', `expected an expression but found ${describe(token)}`, token.span);
      case 'end':
        throw new FactorError('syntax', 'expected an expression but found end of input', token.span);
    }
  }

  private parseCall(name: Token & { kind: 'name' }): Node {
    if (!this.isSymbol(this.peek(), '(')) {
      const why = RESERVED_WORDS[name.name.toLowerCase()];
      if (why) throw new FactorError('syntax', `${quote(name.name)} ${why}`, name.span);
      const lower = name.name.toLowerCase();
      const detail =
        lower in FIELD_DOCS
          ? `${quote(name.name)} is not an expression (did you mean '$${lower}'?)`
          : `${quote(name.name)} is not an expression: fields are written with '$' (e.g. $close), operators as Name(args)`;
      throw new FactorError('syntax', detail, name.span);
    }
    const open = this.next();
    this.enter(open);
    const args: Node[] = [];
    if (!this.isSymbol(this.peek(), ')')) {
      for (;;) {
        args.push(this.parseLevel(COMPARISON_LEVEL));
        const token = this.peek();
        if (this.isSymbol(token, ',')) {
          this.next();
          continue;
        }
        if (this.isSymbol(token, ')')) break;
        this.rejectWordOperator(token);
        throw new FactorError('syntax', `expected ',' or ')' in the arguments of ${quote(name.name)} but found ${describe(token)}`, token.span);
      }
    }
    const close = this.expect(')');
    this.nesting--;
    return this.call(name.name, args, join(name.span, close.span), name);
  }
}
