/**
 * QuantaAlpha's grammar: precedence and associativity as their pyparsing
 * infixNotation defines them, their number spellings, and one-line errors
 * that point at the offending character. Never throws, whatever the input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantaAlpha, type QaNode } from '../../agents/importers/index.js';
import { QA_MAX_NESTING } from '../../agents/importers/quantaalpha/parser.js';

/** A fully parenthesised rendering, to read the tree's shape in one line. */
function shape(node: QaNode): string {
  switch (node.kind) {
    case 'number':
      return node.text;
    case 'field':
      return `$${node.name}`;
    case 'name':
      return node.name;
    case 'call':
      return `${node.name}(${node.args.map(shape).join(', ')})`;
    case 'unary':
      return `(${node.operator}${shape(node.operand)})`;
    case 'binary':
      return `(${shape(node.left)} ${node.operator} ${shape(node.right)})`;
    case 'conditional':
      return `(${shape(node.test)} ? ${shape(node.then)} : ${shape(node.otherwise)})`;
  }
}

function parsed(source: string): string {
  const result = parseQuantaAlpha(source);
  if (!result.ok) throw new Error(`${source}: ${result.error.message}`);
  return shape(result.ast);
}

function error(source: string): string {
  const result = parseQuantaAlpha(source);
  if (result.ok) throw new Error(`${source} parsed as ${shape(result.ast)}`);
  return result.error.message;
}

describe('QuantaAlpha grammar', () => {
  it('binds * / over + - over comparisons over && over || over ? :', () => {
    expect(parsed('$a + $b * $c')).toBe('($a + ($b * $c))');
    expect(parsed('$a - $b - $c')).toBe('(($a - $b) - $c)');
    expect(parsed('$a / $b * $c')).toBe('(($a / $b) * $c)');
    expect(parsed('$a + 1 > $b * 2')).toBe('(($a + 1) > ($b * 2))');
    expect(parsed('$a > $b && $c < $d || $e == $f')).toBe('((($a > $b) && ($c < $d)) || ($e == $f))');
    expect(parsed('$a || $b && $c')).toBe('($a || ($b && $c))');
    expect(parsed('$a > 0 ? $b : $c + 1')).toBe('(($a > 0) ? $b : ($c + 1))');
  });

  it('reads & and | as && and ||, chains comparisons to the left, nests ? : to the right', () => {
    expect(parsed('$a & $b | $c')).toBe('(($a && $b) || $c)');
    expect(parsed('$a < $b < $c')).toBe('(($a < $b) < $c)');
    expect(parsed('$a ? $b : $c ? $d : $e')).toBe('($a ? $b : ($c ? $d : $e))');
    expect(parsed('$a ? $b ? $c : $d : $e')).toBe('($a ? ($b ? $c : $d) : $e)');
  });

  it('folds a sign into a number literal and keeps it on anything else', () => {
    expect(parsed('DELAY($close, -1)')).toBe('DELAY($close, -1)');
    expect(parsed('-$close * 2')).toBe('((-$close) * 2)');
    expect(parsed('- - $close')).toBe('(-(-$close))');
    expect(parsed('-RANK($a)')).toBe('(-RANK($a))');
    expect(parsed('2 * -3')).toBe('(2 * -3)');
  });

  it('reads their number spellings as written', () => {
    expect(parsed('$a + 1e-8')).toBe('($a + 1e-8)');
    expect(parsed('$a * .5 + 2. + 1E3')).toBe('((($a * .5) + 2.) + 1E3)');
    expect(parsed('TS_MEAN($a, 20.0)')).toBe('TS_MEAN($a, 20.0)');
  });

  it('parses calls with any number of arguments, bare names and nested parentheses', () => {
    expect(parsed('SEQUENCE()')).toBe('SEQUENCE()');
    expect(parsed('TS_CORR(LOG($close), SEQUENCE(10), 10)')).toBe('TS_CORR(LOG($close), SEQUENCE(10), 10)');
    expect(parsed('((($a)))')).toBe('$a');
    expect(parsed('TRUE * close')).toBe('(TRUE * close)');
    expect(parsed('  RANK( $a )\n')).toBe('RANK($a)');
  });

  it('reports the position of what it cannot read, in one line', () => {
    expect(error('RANK($close) × 2')).toBe("at 14: unexpected character '×'");
    expect(error('TS_MEAN($close, 5')).toBe("at 18: expected ')' to close the arguments of TS_MEAN(, found end of input");
    expect(error('Given the hypothesis, RANK($close)')).toBe("at 7: unexpected name 'the' after a complete expression");
    expect(error('$a = $b')).toBe("at 4: unexpected character '=' (compare with '==')");
    expect(error('$a ^ 2')).toBe("at 4: unexpected character '^' (QuantaAlpha writes powers as POW(x, n))");
    expect(error('$a ? $b')).toBe("at 8: expected ':' between the two branches of '? :', found end of input");
    expect(error('RANK(, $a)')).toBe("at 6: unexpected ',' (expected a number, a $field or a function call)");
    expect(error('$ close')).toBe("at 1: '$' must be followed by a field name such as $close");
    expect(error('RANK($TS_MEAN($close, 20))')).toBe("at 14: field '$TS_MEAN' is followed by '(': functions are written without a $ (TS_MEAN(...))");
    expect(error('')).toBe('at 1: the expression is empty');
    expect(error('$a\n+\u0007')).toBe("at 5: unexpected character '\\u{7}'");
  });

  it('refuses nesting beyond its bound and very long text instead of exhausting the stack', () => {
    const deep = `${'ABS('.repeat(QA_MAX_NESTING + 5)}$a${')'.repeat(QA_MAX_NESTING + 5)}`;
    expect(error(deep)).toMatch(/^at \d+: expression is nested more than 200 levels deep$/);
    const unary = `${'-'.repeat(QA_MAX_NESTING + 5)}$a`;
    expect(error(unary)).toMatch(/^at \d+: expression is nested more than 200 levels deep$/);
    expect(error(`$a${' + $a'.repeat(5000)}`)).toMatch(/^at 20001: expression is 25002 characters long; the limit is 20000$/);
  });

  it('never throws and always answers an AST or a one-line positioned error', () => {
    const alphabet = fc.constantFrom(...'$aRANK_()+-*/<>=!&|?:,.0123456789e× '.split(''), 'TS_MEAN(', 'SEQUENCE(', '$close');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => {
        const result = parseQuantaAlpha(parts.join(''));
        if (!result.ok) expect(result.error.message).toMatch(/^at \d+: [^\r\n]+$/);
      }),
      { numRuns: 2000 },
    );
  });
});
