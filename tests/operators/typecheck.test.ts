import { describe, expect, it } from 'vitest';
import type { Node } from '../../operators/ast.js';
import { compileFactor, compileLabel } from '../../operators/compile.js';
import type { FactorErrorCode } from '../../operators/errors.js';
import { parseFactor } from '../../operators/parser.js';
import { OPERATORS } from '../../operators/registry.js';
import { typecheck } from '../../operators/typecheck.js';
import { withoutSpans } from './arbitraries.js';

const num = (value: number): Node => ({ kind: 'number', value });
const field = (name: string): Node => ({ kind: 'field', name });
const call = (op: string, ...args: Node[]): Node => ({ kind: 'call', op, args });

function checked(source: string, options: Parameters<typeof typecheck>[1] = {}): Node {
  const parsed = parseFactor(source);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const result = typecheck(parsed.ast, options);
  if (!result.ok) throw new Error(`unexpected type error: ${result.error.message}`);
  return withoutSpans(result.ast);
}

function rejected(source: string, code: FactorErrorCode, options: Parameters<typeof compileFactor>[1] = {}): string {
  const result = compileFactor(source, options);
  if (result.ok) throw new Error(`expected ${source} to be rejected`);
  expect(result.error.code, result.error.message).toBe(code);
  expect(result.error.message).not.toMatch(/[\r\n]/);
  return result.error.message;
}

describe('type checker: fields', () => {
  it('matches fields case-insensitively and stores them lower-case', () => {
    expect(checked('$Close / $CLOSE')).toEqual(call('Div', field('close'), field('close')));
  });

  it('rejects fields the data does not have, listing the available ones', () => {
    expect(rejected('$close / $clsoe', 'unknown_field')).toBe(
      "at 10: unknown field '$clsoe' (did you mean '$close'?) (available: $open, $high, $low, $close, $volume, $factor, $change)",
    );
    expect(rejected('Mean($return, 5)', 'unknown_field')).toContain("daily return: $close/Ref($close,1)-1");
  });

  it('has $vwap only when the caller says the data has it', () => {
    rejected('$vwap', 'unknown_field');
    const result = compileFactor('$vwap / $close', { fields: new Set(['close', 'VWAP']) });
    expect(result.ok).toBe(true);
    rejected('$open', 'unknown_field', { fields: new Set(['close', 'vwap']) });
  });
});

describe('type checker: operators and arguments', () => {
  it('rejects unknown operators at their name, suggesting registry names', () => {
    expect(rejected('$close / Meen($close, 5)', 'unknown_operator')).toBe("at 10: unknown operator 'Meen' (did you mean 'Mean'?)");
    expect(rejected('MEAN($close, 5)', 'unknown_operator')).toContain("(did you mean 'Mean'?)");
    expect(rejected('ts_mean($close, 5)', 'unknown_operator')).toContain("(did you mean 'Mean'?)");
    expect(rejected('TS_STD($close, 5)', 'unknown_operator')).toContain("(did you mean 'Std'?)");
    expect(rejected('RANK($close)', 'unknown_operator')).toContain("(did you mean 'Rank' or 'CSRank'?)");
    expect(rejected('ZSCORE($close)', 'unknown_operator')).toContain("(did you mean 'CSZScore'?)");
    expect(rejected('DELAY($close, 1)', 'unknown_operator')).toContain("(did you mean 'Ref'?)");
    expect(rejected('POW($close, 2)', 'unknown_operator')).toContain("'Power'");
    expect(rejected('SEQUENCE(10)', 'unknown_operator')).toBe("at 1: unknown operator 'SEQUENCE'");
  });

  it('checks arity', () => {
    expect(rejected('Mean($close)', 'arity')).toBe('at 1: Mean takes 2 arguments, Mean(x, N), but was given 1');
    expect(rejected('$open + Abs($close, 1)', 'arity')).toBe('at 9: Abs takes 1 argument, Abs(x), but was given 2');
  });

  it('requires series where the kind is series, and accepts constants as operands', () => {
    expect(rejected('Mean(5, 5)', 'argument')).toBe("at 6: argument 'x' of Mean must be a series (an expression over fields), found the number 5");
    rejected('Corr($close, 1, 5)', 'argument');
    rejected('If(1, $close, $open)', 'argument');
    expect(checked('If($close > $open, 1, -1)')).toEqual(call('If', call('Gt', field('close'), field('open')), num(1), num(-1)));
    expect(checked('2 - $close')).toEqual(call('Sub', num(2), field('close')));
  });

  it('requires window literals: integers >= 0, at least minWindow unless 0', () => {
    expect(rejected('Mean($close, $open)', 'argument')).toBe(
      "at 14: argument 'N' of Mean must be an integer window in days (a number literal), found '$open'",
    );
    expect(rejected('Mean($close, 5.5)', 'argument')).toBe("at 14: argument 'N' of Mean must be an integer window in days, found 5.5");
    expect(rejected('Skew($close, 2)', 'argument')).toBe("at 14: argument 'N' of Skew must be at least 3 (or 0 for an expanding window), found 2");
    rejected('Kurt($close, 3)', 'argument');
    expect(checked('Skew($close, 3)')).toEqual(call('Skew', field('close'), num(3)));
    expect(checked('Kurt($close, 0)')).toEqual(call('Kurt', field('close'), num(0)));
    expect(checked('Mean($close, 2 + 3)')).toEqual(call('Mean', field('close'), num(5)));
  });

  it('checks lag, span, quantile and number arguments', () => {
    rejected('Ref($close, 1.5)', 'argument');
    expect(checked('Ref($close, 0)')).toEqual(call('Ref', field('close'), num(0)));
    rejected('EMA($close, -1)', 'argument');
    expect(checked('EMA($close, 0.5)')).toEqual(call('EMA', field('close'), num(0.5)));
    rejected('Quantile($close, 10, 1.5)', 'argument');
    rejected('Quantile($close, 10, -0.1)', 'argument');
    expect(checked('Quantile($close, 10, 1)')).toEqual(call('Quantile', field('close'), num(10), num(1)));
    rejected('CSWinsorize($close, $open)', 'argument');
    rejected('Power($close, $open)', 'argument');
    expect(checked('Power($close, 1 / 2)')).toEqual(call('Power', field('close'), num(0.5)));
  });
});

describe('type checker: constant folding', () => {
  it('folds pair operators over constants with the kernels semantics', () => {
    expect(checked('$close * (1 + 1)')).toEqual(call('Mul', field('close'), num(2)));
    expect(checked('$close * (2 - 3 * 4)')).toEqual(call('Mul', field('close'), num(-10)));
    expect(checked('(2 > 1) * $close')).toEqual(call('Mul', num(1), field('close')));
    expect(checked('(2 == 1) + $close')).toEqual(call('Add', num(0), field('close')));
    expect(checked('(2 & 0) + $close')).toEqual(call('Add', num(0), field('close')));
    expect(checked('(2 | 0) + $close')).toEqual(call('Add', num(1), field('close')));
    expect(checked('Greater(1, 2) + Less(1, 2) * $close')).toEqual(call('Add', num(2), call('Mul', num(1), field('close'))));
    expect(checked('-$close')).toEqual(call('Mul', num(-1), field('close')));
  });

  it('has a fold rule for every pair operator of the registry', () => {
    // op(2, 3), by hand
    const expected: Record<string, number> = {
      Add: 5, Sub: -1, Mul: 6, Div: 2 / 3, Greater: 3, Less: 2, Gt: 0, Ge: 0, Lt: 1, Le: 1, Eq: 0, Ne: 1, And: 1, Or: 1,
    };
    const pairs = [...OPERATORS.values()].filter((s) => s.category === 'pair').map((s) => s.name);
    expect(pairs.sort()).toEqual(Object.keys(expected).sort());
    for (const op of pairs) expect(checked(`${op}(2, 3) + $close`), op).toEqual(call('Add', num(expected[op]!), field('close')));
    expect(checked('And(2, 0) + $close')).toEqual(call('Add', num(0), field('close')));
    expect(checked('Or(0, 0) + $close')).toEqual(call('Add', num(0), field('close')));
  });

  it('never produces -0', () => {
    const ast = checked('(0 * -1) + $close');
    expect(ast.kind === 'call' && Object.is((ast.args[0] as { value: number }).value, 0)).toBe(true);
  });

  it('rejects constants that are not finite', () => {
    expect(rejected('$close + 1 / 0', 'constant')).toBe("at 10: constant expression '1 / 0' is not finite (Infinity)");
    rejected('$close * (1e300 * 1e300)', 'constant');
  });

  it('requires the whole factor to be a series', () => {
    expect(rejected('1 + 2', 'constant')).toBe('at 1: the expression is the constant 3; it must depend on at least one field');
    rejected('5', 'constant');
  });
});

describe('look-ahead', () => {
  it('rejects any negative lag in a factor, wherever it is', () => {
    expect(rejected('Ref($close, -1)', 'lookahead')).toBe(
      "at 13: 'Ref($close, -1)' reads the future (1 day ahead): a factor may use only data up to the current day, so lags must be >= 0",
    );
    expect(rejected('Mean(Ref($close, -2), 5)', 'lookahead')).toContain('reads the future (2 days ahead)');
    rejected('CSRank(Mean($close, 5) / Ref(Mean($close, 5), -3))', 'lookahead');
    rejected('Ref($close, 0 - 1)', 'lookahead');
  });

  it('rejects negative windows, also in labels', () => {
    expect(rejected('Mean($close, -5)', 'lookahead')).toContain('a negative window would read the future');
    rejected('Delta($close, -1)', 'lookahead');
    const label = compileLabel('Mean($close, -5)');
    expect(!label.ok && label.error.code).toBe('lookahead');
  });

  it('accepts negative Ref lags in labels and reports how far ahead they read', () => {
    const label = compileLabel('Ref($close, -2) / Ref($close, -1) - 1');
    if (!label.ok) throw label.error;
    expect(label.canonical).toBe('Ref($close, -2) / Ref($close, -1) - 1');
    expect(label.horizon).toBe(2);
    const nested = compileLabel('Ref(Ref($close, -1), -1)');
    expect(nested.ok && nested.horizon).toBe(2);
    const shifted = compileLabel('Mean(Ref(Ref($close, -3), 1), 5)');
    expect(shifted.ok && shifted.horizon).toBe(2);
    const past = compileLabel('Ref(Ref($close, -1), 2)');
    expect(past.ok && past.horizon).toBe(0);
  });
});
