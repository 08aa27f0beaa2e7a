import { describe, expect, it } from 'vitest';
import type { Node } from '../../operators/ast.js';
import { compileFactor } from '../../operators/compile.js';
import { complexity } from '../../operators/complexity.js';

function ast(source: string): Node {
  const result = compileFactor(source);
  if (!result.ok) throw result.error;
  return result.ast;
}

describe('complexity (QuantaAlpha C(f) = a1*SL + a2*PC + a3*ln(1+|F|))', () => {
  it('counts nodes, literals, distinct fields and depth', () => {
    // Sub(Div(Mean($close, 5), Ref($close, 1)), 1): 9 nodes, literals 5, 1, 1; fields {close}; depth Sub>Div>Mean>$close
    const c = complexity(ast('Mean($close, 5) / Ref($close, 1) - 1'));
    expect(c.symbolLength).toBe(9);
    expect(c.parameterCount).toBe(3);
    expect(c.features).toEqual(['close']);
    expect(c.depth).toBe(4);
    expect(c.score).toBeCloseTo(9 + 3 + Math.log(2), 12);
  });

  it('uses the weights', () => {
    // Corr, $close, Log, Add, $volume, 1, 20: 7 nodes, 2 literals, fields {close, volume}
    const c = complexity(ast('Corr($close, Log($volume + 1), 20)'), { length: 2, parameters: 0.5, features: 3 });
    expect(c.symbolLength).toBe(7);
    expect(c.parameterCount).toBe(2);
    expect(c.features).toEqual(['close', 'volume']);
    expect(c.depth).toBe(4);
    expect(c.score).toBeCloseTo(14 + 1 + 3 * Math.log(3), 12);
  });

  it('is reported by compileFactor on the folded tree', () => {
    const compiled = compileFactor('$close * (1 + 1)');
    if (!compiled.ok) throw compiled.error;
    expect(compiled.complexity.symbolLength).toBe(3);
    expect(compiled.complexity.parameterCount).toBe(1);
    expect(compiled.complexity.score).toBeCloseTo(3 + 1 + Math.log(2), 12);
  });
});
