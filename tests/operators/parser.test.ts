import { describe, expect, it } from 'vitest';
import type { Node } from '../../operators/ast.js';
import { FactorError, renderFactorError } from '../../operators/errors.js';
import { MAX_PARSE_DEPTH, parseFactor } from '../../operators/parser.js';
import { withoutSpans } from './arbitraries.js';

const num = (value: number): Node => ({ kind: 'number', value });
const field = (name: string): Node => ({ kind: 'field', name });
const call = (op: string, ...args: Node[]): Node => ({ kind: 'call', op, args });

function parse(source: string): Node {
  const result = parseFactor(source);
  if (!result.ok) throw new Error(`unexpected parse error: ${result.error.message}`);
  return withoutSpans(result.ast);
}

function parseError(source: string, options?: { maxLength?: number }): FactorError {
  const result = parseFactor(source, options);
  if (result.ok) throw new Error(`expected a parse error for ${source}`);
  return result.error;
}

describe('parser: atoms', () => {
  it('reads fields as written, numbers in every spelling', () => {
    expect(parse('$close')).toEqual(field('close'));
    expect(parse('$Close_2')).toEqual(field('Close_2'));
    expect(parse('42')).toEqual(num(42));
    expect(parse('3.25')).toEqual(num(3.25));
    expect(parse('.5')).toEqual(num(0.5));
    expect(parse('5.')).toEqual(num(5));
    expect(parse('1e-12')).toEqual(num(1e-12));
    expect(parse('1E5')).toEqual(num(100000));
    expect(parse('2.5e+3')).toEqual(num(2500));
  });

  it('reads calls with any number of arguments and keeps names as written', () => {
    expect(parse('Mean($close, 5)')).toEqual(call('Mean', field('close'), num(5)));
    expect(parse('Foo()')).toEqual(call('Foo'));
    expect(parse('If($close>$open,1,0)')).toEqual(call('If', call('Gt', field('close'), field('open')), num(1), num(0)));
    expect(parse('  Mean (\n$close ,\t5 ) ')).toEqual(call('Mean', field('close'), num(5)));
  });

  it('records spans as 0-based [start, end) offsets', () => {
    const result = parseFactor('Mean($close, 5) + 1');
    if (!result.ok) throw result.error;
    const add = result.ast;
    expect(add.span).toEqual({ start: 0, end: 19 });
    if (add.kind !== 'call') throw new Error('expected a call');
    const mean = add.args[0]!;
    expect(mean.span).toEqual({ start: 0, end: 15 });
    if (mean.kind !== 'call') throw new Error('expected a call');
    expect(mean.args[0]!.span).toEqual({ start: 5, end: 11 });
    expect(mean.args[1]!.span).toEqual({ start: 13, end: 14 });
  });
});

describe('parser: operators and Python precedence', () => {
  const [a, b, c, d] = [field('a'), field('b'), field('c'), field('d')];

  it('maps infix symbols to registry operators', () => {
    expect(parse('$a+$b')).toEqual(call('Add', a, b));
    expect(parse('$a-$b')).toEqual(call('Sub', a, b));
    expect(parse('$a*$b')).toEqual(call('Mul', a, b));
    expect(parse('$a/$b')).toEqual(call('Div', a, b));
    expect(parse('$a>$b')).toEqual(call('Gt', a, b));
    expect(parse('$a>=$b')).toEqual(call('Ge', a, b));
    expect(parse('$a<$b')).toEqual(call('Lt', a, b));
    expect(parse('$a<=$b')).toEqual(call('Le', a, b));
    expect(parse('$a==$b')).toEqual(call('Eq', a, b));
    expect(parse('$a!=$b')).toEqual(call('Ne', a, b));
    expect(parse('$a&$b')).toEqual(call('And', a, b));
    expect(parse('$a|$b')).toEqual(call('Or', a, b));
  });

  it('binds & tighter than comparisons, as Python does: a & b > c is (a & b) > c', () => {
    expect(parse('$a & $b > $c')).toEqual(call('Gt', call('And', a, b), c));
    expect(parse('$a > $b | $c')).toEqual(call('Gt', a, call('Or', b, c)));
  });

  it('orders | below &, & below + -, + - below * /', () => {
    expect(parse('$a | $b & $c')).toEqual(call('Or', a, call('And', b, c)));
    expect(parse('$a & $b + $c')).toEqual(call('And', a, call('Add', b, c)));
    expect(parse('$a + $b * $c')).toEqual(call('Add', a, call('Mul', b, c)));
    expect(parse('$a * $b + $c * $d')).toEqual(call('Add', call('Mul', a, b), call('Mul', c, d)));
  });

  it('associates left', () => {
    expect(parse('$a - $b - $c')).toEqual(call('Sub', call('Sub', a, b), c));
    expect(parse('$a / $b * $c')).toEqual(call('Mul', call('Div', a, b), c));
    expect(parse('$a - ($b - $c)')).toEqual(call('Sub', a, call('Sub', b, c)));
  });

  it('folds unary minus into number literals and turns it into Mul(-1, x) otherwise', () => {
    expect(parse('-5')).toEqual(num(-5));
    expect(parse('-(5)')).toEqual(num(-5));
    expect(parse('--5')).toEqual(num(5));
    expect(parse('-0')).toEqual(num(0));
    expect(Object.is((parse('-0') as { value: number }).value, 0)).toBe(true);
    expect(parse('+5')).toEqual(num(5));
    expect(parse('-$a')).toEqual(call('Mul', num(-1), a));
    expect(parse('+$a')).toEqual(a);
    // unary minus binds tighter than * (Python): -a * b is (-a) * b
    expect(parse('-$a * $b')).toEqual(call('Mul', call('Mul', num(-1), a), b));
    expect(parse('-2 * $b')).toEqual(call('Mul', num(-2), b));
    expect(parse('$a - -2')).toEqual(call('Sub', a, num(-2)));
    expect(parse('$a*-$b')).toEqual(call('Mul', a, call('Mul', num(-1), b)));
  });
});

describe('parser: errors are one line and point at the position (1-based)', () => {
  const cases: [string, string, number][] = [
    ['Abs(', "expected an expression but found end of input", 5],
    ['Abs($close', "expected ',' or ')' in the arguments of 'Abs' but found end of input", 11],
    ['($close', "expected ')' but found end of input", 8],
    ['Mean($close, 5))', "unexpected ')' after a complete expression (unbalanced parentheses)", 16],
    ['$close $open', "unexpected '$open' after a complete expression (missing an operator?)", 8],
    ['$close +', 'expected an expression but found end of input', 9],
    ['Mean($close,)', "expected an expression but found ')'", 13],
    ['()', "expected an expression but found ')'", 2],
    ['', 'empty expression', 1],
    ['   ', 'empty expression', 4],
    ['$a < $b < $c', 'chained comparison', 9],
    ['$close > $open & $volume > 0', 'chained comparison', 26],
    ['$close ** 2', "'**' is not supported: use Power(x, e)", 8],
    ['$close ^ 2', "'^' is not supported: use Power(x, e)", 8],
    ['$close > 1 ? 1 : 0', "use If(cond, a, b)", 12],
    ['$a && $b', "use '&'", 4],
    ['$a || $b', "use '|'", 4],
    ['$a = $b', "compare with '=='", 4],
    ['!$a', 'use Not(x)', 1],
    ['$a % 2', "'%' (modulo) is not supported", 4],
    ['$a // 2', 'floor division', 4],
    ['$ + 1', "expected a field name after '$'", 1],
    ['1.2.3 + $a', "malformed number '1.2.3'", 1],
    ['$a * 1e', "malformed number '1e'", 6],
    ['$a + 0x1F', "malformed number '0x1F'", 6],
    ['5x', "malformed number '5x'", 1],
    ['$a * 1e400', "number '1e400' is out of range", 6],
    ['$a / 1e-400', "number '1e-400' is too small (it would silently become 0)", 6],
    ['close + 1', "'close' is not an expression (did you mean '$close'?)", 1],
    ['null', "'null' is not an expression: fields are written with '$' (e.g. $close), operators as Name(args)", 1],
    ['Given the hypothesis, a better expression is: $close.', "'Given' is not an expression", 1],
    ['$a * NaN', "'NaN' is not a number literal", 6],
    ['inf', "'inf' is not a number literal", 1],
    ['$a and $b', "'and' is not supported: use '&'", 4],
    ['$a [1]', "unexpected character '['", 4],
    ['$a + é', "unexpected character 'é'", 6],
    ['$a +\u0000', "unexpected character '\\u{0}'", 5],
  ];
  it.each(cases)('%j', (source, detail, position) => {
    const error = parseError(source);
    expect(error).toBeInstanceOf(FactorError);
    expect(error.code).toBe('syntax');
    expect(error.detail).toContain(detail);
    expect(error.message).toBe(`at ${position}: ${error.detail}`);
    expect(error.message).not.toMatch(/[\n\r]/);
  });

  it('rejects sources over the length limit before lexing', () => {
    const error = parseError(`$close${' + 1'.repeat(600)}`);
    expect(error.code).toBe('too_long');
    expect(error.message).toBe('at 2001: expression is 2406 characters long; the limit is 2000');
    expect(parseError('$a+1', { maxLength: 3 }).code).toBe('too_long');
  });

  it('renders the source with a caret under the span', () => {
    const source = 'Mean($close, 5) / (Ref($open, 5)';
    const error = parseError(source);
    expect(renderFactorError(source, error)).toBe(
      [
        "error at line 1, column 33: expected ')' but found end of input",
        '  Mean($close, 5) / (Ref($open, 5)',
        '                                  ^',
      ].join('\n'),
    );
    const multiLine = 'Mean($close, 5)\n  / Meen($open 5)';
    const second = parseError(multiLine);
    expect(renderFactorError(multiLine, second)).toBe(
      [
        "error at line 2, column 16: expected ',' or ')' in the arguments of 'Meen' but found '5'",
        '    / Meen($open 5)',
        `${' '.repeat(17)}^`,
      ].join('\n'),
    );
  });
});

describe('parser: hostile input', () => {
  const big = { maxLength: 2_000_000 };

  it('returns a depth error for 10^5 nested parentheses, calls or unary minuses instead of overflowing the stack', () => {
    for (const source of [
      `${'('.repeat(100_000)}$close${')'.repeat(100_000)}`,
      `${'Abs('.repeat(100_000)}$close${')'.repeat(100_000)}`,
      `${'-'.repeat(100_000)}$close`,
      `${'-'.repeat(100_000)}1`,
      `$close${'+$close'.repeat(100_000)}`,
      `${'('.repeat(100_000)}`,
    ]) {
      const error = parseError(source, big);
      expect(error.code).toBe('limit_depth');
      expect(error.message).toMatch(new RegExp(`^at \\d+: expression nested more than ${MAX_PARSE_DEPTH} levels deep$`));
    }
  });

  it('accepts nesting up to the safety net', () => {
    const depth = MAX_PARSE_DEPTH - 1;
    const result = parseFactor(`${'Abs('.repeat(depth)}$close${')'.repeat(depth)}`, big);
    expect(result.ok).toBe(true);
  });

  it('handles a call with 10^5 arguments', () => {
    const result = parseFactor(`Foo(${Array.from({ length: 100_000 }, () => '1').join(',')})`, big);
    expect(result.ok && result.ast.kind === 'call' && result.ast.args.length).toBe(100_000);
  });
});
