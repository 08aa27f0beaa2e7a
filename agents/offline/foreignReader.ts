/**
 * A tolerant reader for expressions written in neighbouring factor
 * languages (QuantaAlpha's TS_MEAN/RANK/DELAY, Alpha101 style, C-style
 * `c ? a : b`, `&&`, `||`, `!`, `^`, `**`, bare field names). It produces our
 * AST with the foreign operator names kept as they are, so translation
 * (translate.ts) can map them; the strict parser in operators/ stays strict.
 * Bounded like the strict parser: length before lexing, nesting depth while
 * parsing; failures are values, never exceptions.
 */
import type { CallNode, Node } from '../../operators/index.js';

export type ReadResult =
  | { readonly ok: true; readonly ast: Node; /** Found inside prose. */ readonly extracted: boolean }
  | { readonly ok: false; readonly error: string };

const MAX_LENGTH = 4000;
const MAX_NESTING = 200;

type Token =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'symbol'; readonly symbol: string }
  | { readonly kind: 'end' };

const SYMBOLS = ['**', '&&', '||', '==', '!=', '>=', '<=', '>', '<', '+', '-', '*', '/', '^', '&', '|', '!', '?', ':', '(', ')', ',', '='];

class ReadError extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i, i + 64));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const field = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 128));
    if (field) {
      // `$TS_MEAN(` is a call with a stray `$`.
      const isCall = /^\s*\(/.test(source.slice(i + field[0].length, i + field[0].length + 8));
      tokens.push(isCall ? { kind: 'name', name: field[0].slice(1) } : { kind: 'field', name: field[0].slice(1) });
      i += field[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 128));
    if (name) {
      tokens.push({ kind: 'name', name: name[0] });
      i += name[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (!symbol) throw new ReadError(`unexpected character '${ch}' at ${i + 1}`);
    tokens.push({ kind: 'symbol', symbol });
    i += symbol.length;
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

const call = (op: string, args: Node[]): CallNode => ({ kind: 'call', op, args });

const COMPARISONS: Readonly<Record<string, string>> = { '>': 'Gt', '>=': 'Ge', '<': 'Lt', '<=': 'Le', '==': 'Eq', '=': 'Eq', '!=': 'Ne' };

class Reader {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private isSymbol(...symbols: string[]): string | null {
    const token = this.peek();
    return token.kind === 'symbol' && symbols.includes(token.symbol) ? token.symbol : null;
  }

  private expect(symbol: string): void {
    if (this.isSymbol(symbol) === null) throw new ReadError(`expected '${symbol}'`);
    this.position++;
  }

  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_NESTING) throw new ReadError('nested too deeply');
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  readAll(): Node {
    const node = this.ternary();
    if (this.peek().kind !== 'end') throw new ReadError('unexpected text after the expression');
    return node;
  }

  private ternary(): Node {
    return this.nested(() => {
      const condition = this.or();
      if (this.isSymbol('?') === null) return condition;
      this.position++;
      const yes = this.ternary();
      this.expect(':');
      const no = this.ternary();
      return call('If', [condition, yes, no]);
    });
  }

  private or(): Node {
    let left = this.and();
    while (this.isSymbol('||', '|') !== null) {
      this.position++;
      left = call('Or', [left, this.and()]);
    }
    return left;
  }

  private and(): Node {
    let left = this.comparison();
    while (this.isSymbol('&&', '&') !== null) {
      this.position++;
      left = call('And', [left, this.comparison()]);
    }
    return left;
  }

  private comparison(): Node {
    let left = this.additive();
    for (let symbol = this.isSymbol(...Object.keys(COMPARISONS)); symbol !== null; symbol = this.isSymbol(...Object.keys(COMPARISONS))) {
      this.position++;
      left = call(COMPARISONS[symbol]!, [left, this.additive()]);
    }
    return left;
  }

  private additive(): Node {
    let left = this.multiplicative();
    for (let symbol = this.isSymbol('+', '-'); symbol !== null; symbol = this.isSymbol('+', '-')) {
      this.position++;
      left = call(symbol === '+' ? 'Add' : 'Sub', [left, this.multiplicative()]);
    }
    return left;
  }

  private multiplicative(): Node {
    let left = this.unary();
    for (let symbol = this.isSymbol('*', '/'); symbol !== null; symbol = this.isSymbol('*', '/')) {
      this.position++;
      left = call(symbol === '*' ? 'Mul' : 'Div', [left, this.unary()]);
    }
    return left;
  }

  private unary(): Node {
    return this.nested(() => {
      const symbol = this.isSymbol('-', '+', '!');
      if (symbol === null) return this.power();
      this.position++;
      const operand = this.unary();
      if (symbol === '+') return operand;
      if (symbol === '!') return call('Not', [operand]);
      return operand.kind === 'number' ? { kind: 'number', value: -operand.value } : call('Mul', [{ kind: 'number', value: -1 }, operand]);
    });
  }

  private power(): Node {
    const base = this.primary();
    if (this.isSymbol('**', '^') === null) return base;
    this.position++;
    return call('POW', [base, this.unary()]);
  }

  private primary(): Node {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.position++;
        return { kind: 'number', value: token.value };
      case 'field':
        this.position++;
        return { kind: 'field', name: token.name };
      case 'name': {
        this.position++;
        if (this.isSymbol('(') === null) return { kind: 'field', name: token.name };
        this.position++;
        const args: Node[] = [];
        if (this.isSymbol(')') === null) {
          args.push(this.ternary());
          while (this.isSymbol(',') !== null) {
            this.position++;
            args.push(this.ternary());
          }
        }
        this.expect(')');
        return call(token.name, args);
      }
      case 'symbol':
        if (token.symbol === '(') {
          this.position++;
          const inner = this.ternary();
          this.expect(')');
          return inner;
        }
        throw new ReadError(`unexpected '${token.symbol}'`);
      case 'end':
        throw new ReadError('unexpected end of the expression');
    }
  }
}

/**
 * Models sometimes answer with prose around the expression ("A simplified
 * version might be: RANK(...)"): the text after each colon, cut at the first
 * sentence end, is tried in turn.
 */
function embeddedCandidates(source: string): string[] {
  const candidates: string[] = [];
  for (let colon = source.indexOf(':'); colon !== -1; colon = source.indexOf(':', colon + 1)) {
    const rest = source.slice(colon + 1).trim();
    const sentenceEnd = rest.search(/\.(\s|$)|,\s+where\b|\s+where\s|\s+WHERE\s/);
    candidates.push((sentenceEnd === -1 ? rest : rest.slice(0, sentenceEnd)).trim());
  }
  return candidates.filter((c) => c.length > 0);
}

/** Reads `source` leniently: unbalanced trailing parentheses are closed, an expression embedded in prose is found. */
export function readForeign(source: string): ReadResult {
  const whole = readWhole(source);
  if (whole.ok || !/[A-Za-z]{3,}\s+[a-z]{2,}\s+[a-z]{2,}/.test(source)) return whole;
  for (const candidate of embeddedCandidates(source)) {
    const read = readWhole(candidate);
    if (read.ok) return { ...read, extracted: true };
  }
  return whole;
}

function readWhole(source: string): ReadResult {
  if (source.length > MAX_LENGTH) return { ok: false, error: `longer than ${MAX_LENGTH} characters` };
  try {
    const tokens = tokenize(source);
    let open = 0;
    for (const t of tokens) if (t.kind === 'symbol') open += t.symbol === '(' ? 1 : t.symbol === ')' ? -1 : 0;
    const balanced: Token[] = open > 0 && open < 16 ? [...tokens.slice(0, -1), ...Array.from({ length: open }, () => ({ kind: 'symbol', symbol: ')' }) as const), { kind: 'end' }] : tokens;
    return { ok: true, ast: new Reader(balanced).readAll(), extracted: false };
  } catch (error) {
    if (error instanceof ReadError) return { ok: false, error: error.message };
    throw error;
  }
}
