import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../operators/ast.js';
import { compileFactor } from '../../operators/compile.js';
import { parseFactor } from '../../operators/parser.js';
import { printFactor } from '../../operators/printer.js';
import { OPERATORS } from '../../operators/registry.js';
import { anyTree, validFactor, withoutSpans } from './arbitraries.js';

const num = (value: number): Node => ({ kind: 'number', value });
const field = (name: string): Node => ({ kind: 'field', name });
const call = (op: string, ...args: Node[]): Node => ({ kind: 'call', op, args });

function reparse(text: string): Node {
  const result = parseFactor(text, { maxLength: 1_000_000 });
  if (!result.ok) throw new Error(`printed text does not parse: ${text}: ${result.error.message}`);
  return withoutSpans(result.ast);
}

describe('printer', () => {
  it('prints infix with spaces, calls with ", ", fields with $ and numbers in shortest form', () => {
    expect(printFactor(call('Div', call('Mean', field('close'), num(5)), field('close')))).toBe('Mean($close, 5) / $close');
    expect(printFactor(num(1e-12))).toBe('1e-12');
    expect(printFactor(num(-1))).toBe('-1');
    expect(printFactor(num(0.1 + 0.2))).toBe('0.30000000000000004');
    expect(printFactor(num(1e21))).toBe('1e+21');
    expect(printFactor(num(-0))).toBe('0');
    expect(printFactor(call('Greater', field('open'), field('close')))).toBe('Greater($open, $close)');
  });

  it('adds exactly the parentheses Python precedence needs', () => {
    const [a, b, c] = [field('a'), field('b'), field('c')];
    expect(printFactor(call('Sub', call('Sub', a, b), c))).toBe('$a - $b - $c');
    expect(printFactor(call('Sub', a, call('Sub', b, c)))).toBe('$a - ($b - $c)');
    expect(printFactor(call('Add', a, call('Add', b, c)))).toBe('$a + ($b + $c)');
    expect(printFactor(call('Mul', call('Add', a, b), c))).toBe('($a + $b) * $c');
    expect(printFactor(call('Add', call('Mul', a, b), c))).toBe('$a * $b + $c');
    expect(printFactor(call('Gt', call('And', a, b), c))).toBe('$a & $b > $c');
    expect(printFactor(call('And', call('Gt', a, b), call('Lt', b, c)))).toBe('($a > $b) & ($b < $c)');
    expect(printFactor(call('Lt', call('Lt', a, b), c))).toBe('($a < $b) < $c');
    expect(printFactor(call('Lt', a, call('Lt', b, c)))).toBe('$a < ($b < $c)');
    expect(printFactor(call('Mul', num(-1), a))).toBe('-1 * $a');
    expect(printFactor(call('Sub', a, num(-2)))).toBe('$a - -2');
    expect(printFactor(call('If', call('Gt', a, b), num(1), num(-1)))).toBe('If($a > $b, 1, -1)');
  });

  it('round-trips every registry example', () => {
    for (const spec of OPERATORS.values()) {
      const parsed = parseFactor(spec.example);
      if (!parsed.ok) throw new Error(`${spec.name} example does not parse: ${parsed.error.message}`);
      const ast = withoutSpans(parsed.ast);
      expect(reparse(printFactor(ast)), spec.example).toEqual(ast);
      const compiled = compileFactor(spec.example);
      expect(compiled.ok, `${spec.name}: ${compiled.ok ? '' : compiled.error.message}`).toBe(true);
    }
  });

  it('round-trips arbitrary trees of registry operators, including constant and negative shapes', () => {
    fc.assert(
      fc.property(anyTree(5), (ast) => {
        expect(reparse(printFactor(ast))).toEqual(ast);
      }),
      { numRuns: 3000 },
    );
  });

  it('is the canonical form compileFactor gives back for arbitrary valid factors', () => {
    const roomy = { limits: { maxDepth: 64, maxNodes: 100_000, maxLength: 1_000_000 } };
    fc.assert(
      fc.property(validFactor(5), (ast) => {
        const text = printFactor(ast);
        const compiled = compileFactor(text, roomy);
        if (!compiled.ok) throw new Error(`${text}: ${compiled.error.message}`);
        expect(compiled.canonical).toBe(text);
        expect(withoutSpans(compiled.ast)).toEqual(ast);
      }),
      { numRuns: 2000 },
    );
  });
});
