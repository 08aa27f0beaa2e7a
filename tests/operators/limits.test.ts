import { describe, expect, it } from 'vitest';
import { compileFactor, compileLabel } from '../../operators/compile.js';
import { checkLimits, DEFAULT_LIMITS } from '../../operators/limits.js';

const nest = (depth: number): string => `${'Abs('.repeat(depth - 1)}$close${')'.repeat(depth - 1)}`;
const sumOf = (terms: number): string => Array.from({ length: terms }, () => '$close').join(' + ');

describe('limits', () => {
  it('defaults to depth 16, 128 nodes, windows of 500 days, 2000 characters', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxLength: 2000, maxDepth: 16, maxNodes: 128, maxWindow: 500 });
  });

  it('limits depth, counting a lone field as depth 1', () => {
    expect(compileFactor(nest(16)).ok).toBe(true);
    const tooDeep = compileFactor(nest(17));
    expect(!tooDeep.ok && tooDeep.error.message).toBe('at 65: expression is nested deeper than the limit of 16 levels (simplify it)');
    expect(compileFactor(nest(17), { limits: { maxDepth: 17 } }).ok).toBe(true);
  });

  it('limits the node count', () => {
    const roomy = { maxDepth: 100 };
    expect(compileFactor(sumOf(64), { limits: roomy }).ok).toBe(true); // 127 nodes
    const tooBig = compileFactor(sumOf(65), { limits: roomy }); // 129 nodes
    expect(!tooBig.ok && tooBig.error.code).toBe('limit_nodes');
    expect(!tooBig.ok && tooBig.error.message).toBe('at 1: expression has 129 nodes (operators, fields and numbers); the limit is 128');
  });

  it('limits windows and lags, in both directions for labels', () => {
    expect(compileFactor('Mean($close, 500)').ok).toBe(true);
    const window = compileFactor('$open / Mean($close, 501)');
    expect(!window.ok && window.error.message).toBe('at 22: window 501 of Mean is longer than the limit of 500 days');
    const lag = compileFactor('Ref($close, 501)');
    expect(!lag.ok && lag.error.code).toBe('limit_window');
    const label = compileLabel('Ref($close, -501)');
    expect(!label.ok && label.error.code).toBe('limit_window');
    expect(compileFactor('Mean($close, 600)', { limits: { maxWindow: 600 } }).ok).toBe(true);
  });

  it('checks a tree built by code, without spans', () => {
    const error = checkLimits({ kind: 'call', op: 'Mean', args: [{ kind: 'field', name: 'close' }, { kind: 'number', value: 1000 }] });
    expect(error?.code).toBe('limit_window');
    expect(error?.message).toBe('window 1000 of Mean is longer than the limit of 500 days');
  });
});
