/**
 * The operator registry: every operator of the factor language, once.
 *
 * Semantics are qlib's (qlib/data/ops.py): pandas applied per instrument over
 * that instrument's own dates, rolling windows with min_periods=1, NaN skipped
 * unless a doc says otherwise. Cross-sectional operators are our addition.
 * The parser, type checker, engine and the DSL specification that prompts
 * show an LLM all read from here.
 */

import { KERNELS } from './kernels/index.js';
import type { ArgSpec, OperatorSpec } from './spec.js';

const x: ArgSpec = { name: 'x', kind: 'series' };
const a: ArgSpec = { name: 'a', kind: 'operand' };
const b: ArgSpec = { name: 'b', kind: 'operand' };
const N: ArgSpec = { name: 'N', kind: 'window' };

const rollingNote =
  'Per instrument over its own dates, window of the last N days including today (min_periods=1: partial windows at the start count); N=0 is an expanding window from the first day. Missing means NaN or ±inf (pandas turns ±inf into NaN in rolling windows).';

const SPECS: readonly Omit<OperatorSpec, 'kernel'>[] = [
  // ---- element-wise ----
  { name: 'Abs', category: 'elementwise', args: [x], doc: 'Absolute value. NaN stays NaN.', example: 'Abs($close/Ref($close,1)-1)' },
  { name: 'Sign', category: 'elementwise', args: [x], doc: 'Sign: -1, 0 or 1. NaN stays NaN.', example: 'Sign($close-$open)' },
  { name: 'Log', category: 'elementwise', args: [x], doc: 'Natural logarithm. Log(0) = -inf, Log of a negative number = NaN.', example: 'Log($volume+1)' },
  {
    name: 'Power',
    category: 'elementwise',
    args: [x, { name: 'e', kind: 'number' }],
    doc: 'x raised to the constant power e (numpy.power): a negative base with a fractional exponent gives NaN.',
    example: 'Power($close/Ref($close,1)-1, 2)',
  },
  { name: 'Not', category: 'elementwise', args: [x], doc: 'Logical not: 1 where x is 0, else 0 (NaN counts as true, so Not(NaN) = 0).', example: 'Not($close>$open)' },

  // ---- pair (operands may be constants) ----
  { name: 'Add', category: 'pair', args: [a, b], infix: '+', commutative: true, doc: 'a + b.', example: '$high+$low' },
  { name: 'Sub', category: 'pair', args: [a, b], infix: '-', doc: 'a - b.', example: '$close-$open' },
  { name: 'Mul', category: 'pair', args: [a, b], infix: '*', commutative: true, doc: 'a * b.', example: '$close*$volume' },
  { name: 'Div', category: 'pair', args: [a, b], infix: '/', doc: 'a / b. Division by zero gives +-inf (or NaN for 0/0); metrics treat non-finite values as missing.', example: '$close/$open' },
  { name: 'Greater', category: 'pair', args: [a, b], commutative: true, doc: 'Element-wise maximum of a and b (numpy.maximum): NaN if either is NaN.', example: 'Greater($open,$close)' },
  { name: 'Less', category: 'pair', args: [a, b], commutative: true, doc: 'Element-wise minimum of a and b (numpy.minimum): NaN if either is NaN.', example: 'Less($open,$close)' },
  { name: 'Gt', category: 'pair', args: [a, b], infix: '>', doc: '1 where a > b, else 0. A NaN operand gives 0.', example: '$close>$open' },
  { name: 'Ge', category: 'pair', args: [a, b], infix: '>=', doc: '1 where a >= b, else 0. A NaN operand gives 0.', example: '$close>=$open' },
  { name: 'Lt', category: 'pair', args: [a, b], infix: '<', doc: '1 where a < b, else 0. A NaN operand gives 0.', example: '$close<$open' },
  { name: 'Le', category: 'pair', args: [a, b], infix: '<=', doc: '1 where a <= b, else 0. A NaN operand gives 0.', example: '$close<=$open' },
  { name: 'Eq', category: 'pair', args: [a, b], infix: '==', commutative: true, doc: '1 where a == b, else 0. A NaN operand gives 0.', example: '$close==$high' },
  { name: 'Ne', category: 'pair', args: [a, b], infix: '!=', commutative: true, doc: '1 where a != b, else 0. A NaN operand gives 1.', example: '$close!=$open' },
  { name: 'And', category: 'pair', args: [a, b], infix: '&', commutative: true, doc: 'Logical and: 1 where both a and b are non-zero (NaN counts as true), else 0.', example: '($close>$open)&($volume>Ref($volume,1))' },
  { name: 'Or', category: 'pair', args: [a, b], infix: '|', commutative: true, doc: 'Logical or: 1 where a or b is non-zero (NaN counts as true), else 0.', example: '($close>$high*0.99)|($close<$low*1.01)' },

  // ---- conditional ----
  {
    name: 'If',
    category: 'conditional',
    args: [{ name: 'cond', kind: 'series' }, a, b],
    doc: 'a where cond is non-zero, else b (numpy.where; a NaN condition counts as true).',
    example: 'If($close>$open, $volume, 0)',
  },

  // ---- rolling ----
  {
    name: 'Ref',
    category: 'rolling',
    args: [x, { name: 'N', kind: 'lag' }],
    doc: 'The value N days earlier (pandas shift(N)); NaN before the instrument has N days of history. N=0 is the instrument\'s first value. Negative N reads the future and is rejected in factors.',
    example: 'Ref($close,5)',
  },
  { name: 'Mean', category: 'rolling', args: [x, N], doc: `Mean of the finite values in the window. ${rollingNote}`, example: 'Mean($close,20)' },
  { name: 'Sum', category: 'rolling', args: [x, N], doc: `Sum of the finite values in the window (NaN if none). ${rollingNote}`, example: 'Sum($volume,5)' },
  { name: 'Std', category: 'rolling', args: [x, N], doc: `Sample standard deviation (ddof=1) of the finite values; NaN with fewer than 2. ${rollingNote}`, example: 'Std($close,20)' },
  { name: 'Var', category: 'rolling', args: [x, N], doc: `Sample variance (ddof=1) of the finite values; NaN with fewer than 2. ${rollingNote}`, example: 'Var($close/Ref($close,1)-1,20)' },
  {
    name: 'Skew',
    category: 'rolling',
    args: [x, { name: 'N', kind: 'window', minWindow: 3 }],
    doc: `Bias-corrected sample skewness (pandas rolling skew) of the finite values; NaN with fewer than 3 or a biased variance <= 1e-14, 0 when all values are equal (pandas). N >= 3. ${rollingNote}`,
    example: 'Skew($close/Ref($close,1)-1,20)',
  },
  {
    name: 'Kurt',
    category: 'rolling',
    args: [x, { name: 'N', kind: 'window', minWindow: 4 }],
    doc: `Bias-corrected sample excess kurtosis (pandas rolling kurt) of the finite values; NaN with fewer than 4 or a biased variance <= 1e-14, -3 when all values are equal (pandas). N >= 4. ${rollingNote}`,
    example: 'Kurt($close/Ref($close,1)-1,20)',
  },
  { name: 'Max', category: 'rolling', args: [x, N], doc: `Largest finite value in the window (a rolling max, not element-wise: use Greater for that). ${rollingNote}`, example: 'Max($high,20)' },
  { name: 'Min', category: 'rolling', args: [x, N], doc: `Smallest finite value in the window (use Less for element-wise). ${rollingNote}`, example: 'Min($low,20)' },
  { name: 'Med', category: 'rolling', args: [x, N], doc: `Median of the finite values in the window. ${rollingNote}`, example: 'Med($volume,10)' },
  { name: 'Mad', category: 'rolling', args: [x, N], doc: `Mean absolute deviation from the mean, over the finite values in the window. ${rollingNote}`, example: 'Mad($close,20)' },
  {
    name: 'Slope',
    category: 'rolling',
    args: [x, N],
    doc: `Least-squares slope of the window's finite values regressed on their positions 1..N in the window (oldest = 1). ${rollingNote}`,
    example: 'Slope($close,20)/$close',
  },
  {
    name: 'Rsquare',
    category: 'rolling',
    args: [x, N],
    doc: `R-squared of that regression; for N > 0, NaN where the window's standard deviation is within 2e-5 of zero (qlib). ${rollingNote}`,
    example: 'Rsquare($close,20)',
  },
  {
    name: 'Resi',
    category: 'rolling',
    args: [x, N],
    doc: `Today's residual of that regression: x minus the fitted value at position N. ${rollingNote}`,
    example: 'Resi($close,20)/$close',
  },
  {
    name: 'Rank',
    category: 'rolling',
    args: [x, N],
    doc: `Percentile of today's value among the window's finite values (pandas rolling rank, pct=True, ties averaged), in (0, 1]; NaN if today is missing. A time-series rank: for the cross-sectional rank use CSRank. ${rollingNote}`,
    example: 'Rank($close,20)',
  },
  { name: 'Count', category: 'rolling', args: [x, N], doc: `Number of non-NaN values in the window (±inf counts, as pandas count; 0 when all are NaN). ${rollingNote}`, example: 'Count($volume,20)' },
  {
    name: 'WMA',
    category: 'rolling',
    args: [x, N],
    doc: `qlib's weighted moving average: weights 1..n (n = the window's length, oldest = 1) normalised to sum 1, then the mean (numpy.nanmean) of weight*value over the finite values, so a full window gives sum(w*x)/n. ${rollingNote}`,
    example: 'WMA($close,10)',
  },
  {
    name: 'IdxMax',
    category: 'rolling',
    args: [x, N],
    doc: `1-based position of the first maximum in the window counted from its oldest day (numpy argmax + 1: a missing value inside the window wins, so the position of the first missing day is returned, as qlib). ${rollingNote}`,
    example: 'IdxMax($high,20)',
  },
  {
    name: 'IdxMin',
    category: 'rolling',
    args: [x, N],
    doc: `1-based position of the first minimum in the window counted from its oldest day (numpy argmin + 1: the position of the first missing day if the window has one, as qlib). ${rollingNote}`,
    example: 'IdxMin($low,20)',
  },
  {
    name: 'Delta',
    category: 'rolling',
    args: [x, N],
    doc: 'x minus its value N days earlier (x - Ref(x, N)); N=0 subtracts the instrument\'s first value.',
    example: 'Delta($close,5)',
  },
  {
    name: 'Quantile',
    category: 'rolling',
    args: [x, N, { name: 'q', kind: 'quantile' }],
    doc: `The q-quantile of the window's finite values, linear interpolation (pandas rolling quantile). ${rollingNote}`,
    example: 'Quantile($close,20,0.8)',
  },
  {
    name: 'EMA',
    category: 'rolling',
    args: [x, { name: 'N', kind: 'span' }],
    doc: 'Exponential moving average, pandas ewm(span=N, adjust=True, min_periods=1).mean() per instrument: weights (1-alpha)^k with alpha = 2/(N+1) over the whole history; 0<N<1 uses alpha=N; on a missing day it carries the previous average forward. N=0 is qlib\'s expanding weighted mean with a = 1-2/(1+n) over the n days so far (missing days keep their weight in the denominator).',
    example: 'EMA($close,12)',
  },

  // ---- pair rolling ----
  {
    name: 'Corr',
    category: 'pairRolling',
    args: [{ name: 'a', kind: 'series' }, { name: 'b', kind: 'series' }, N],
    doc: `Pearson correlation of a and b over the days in the window where both are finite (pandas rolling corr); NaN where either series' own rolling (for N=0 expanding) standard deviation is within 2e-5 of zero (qlib). ${rollingNote}`,
    example: 'Corr($close,Log($volume+1),20)',
  },
  {
    name: 'Cov',
    category: 'pairRolling',
    args: [{ name: 'a', kind: 'series' }, { name: 'b', kind: 'series' }, N],
    doc: `Sample covariance (ddof=1) of a and b over the days in the window where both are finite (pandas rolling cov). ${rollingNote}`,
    example: 'Cov($close,$volume,20)',
  },

  // ---- cross-sectional (ours: qlib has none) ----
  {
    name: 'CSRank',
    category: 'crossSectional',
    args: [x],
    doc: 'Percentile rank of each instrument among the universe\'s instruments with a finite value that day (ties averaged, pandas rank(pct=True)), in (0, 1]. NaN for instruments outside the universe or with NaN.',
    example: 'CSRank($close/Ref($close,20))',
  },
  {
    name: 'CSZScore',
    category: 'crossSectional',
    args: [x],
    doc: 'Cross-sectional z-score that day: (x - mean) / std over the universe\'s finite values (sample std, ddof=1); NaN when fewer than 2 values or std is 0.',
    example: 'CSZScore(Mean($volume,5)/Mean($volume,60))',
  },
  {
    name: 'CSDemean',
    category: 'crossSectional',
    args: [x],
    doc: 'x minus the cross-sectional mean that day over the universe\'s finite values.',
    example: 'CSDemean($close/Ref($close,5)-1)',
  },
  {
    name: 'CSScale',
    category: 'crossSectional',
    args: [x],
    doc: 'x divided by the sum of |x| over the universe\'s finite values that day, so absolute values sum to 1 (NaN when that sum is 0).',
    example: 'CSScale(CSDemean($close/Ref($close,5)))',
  },
  {
    name: 'CSWinsorize',
    category: 'crossSectional',
    args: [x, { name: 'q', kind: 'quantile', below: 0.5 }],
    doc: 'x clipped that day to the cross-sectional q and 1-q quantiles (linear interpolation) of the universe\'s finite values; q in [0, 0.5).',
    example: 'CSWinsorize($close/Ref($close,20)-1, 0.05)',
  },
];

function buildRegistry(): ReadonlyMap<string, OperatorSpec> {
  const registry = new Map<string, OperatorSpec>();
  for (const spec of SPECS) {
    const kernel = KERNELS[spec.name];
    if (!kernel) throw new Error(`operator registry: no kernel for ${spec.name}`);
    registry.set(spec.name, { ...spec, kernel });
  }
  for (const name of Object.keys(KERNELS)) {
    if (!registry.has(name)) throw new Error(`operator registry: kernel ${name} has no specification`);
  }
  return registry;
}

/** Every operator, by name. */
export const OPERATORS: ReadonlyMap<string, OperatorSpec> = buildRegistry();

/** The operator with this exact name, or undefined. */
export function operator(name: string): OperatorSpec | undefined {
  return OPERATORS.get(name);
}

/** Infix symbol to operator name (`+` -> `Add`). */
export const INFIX_OPERATORS: ReadonlyMap<string, string> = new Map(
  [...OPERATORS.values()].filter((s) => s.infix).map((s) => [s.infix as string, s.name]),
);
