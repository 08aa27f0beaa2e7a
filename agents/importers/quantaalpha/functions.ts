/**
 * QuantaAlpha's function library, once: every function of
 * quantaalpha/factors/coder/function_lib.py (read there, never copied), its
 * signature with their defaults, what it computes, and either its
 * translation into our language with how exact that is, or why our language
 * has no equivalent. The translator and the import report read from here;
 * a test holds the README's table to it.
 *
 * Semantics that drive the translations (pandas, per instrument unless said):
 * - rolling functions use rolling(p, min_periods=1), like qlib and our operators;
 * - LOG(x) is log(x + 1) (`(df+1).apply(np.log)`), not log(x);
 * - RANK/ZSCORE/MEAN/STD/MEDIAN of one argument are per day across instruments;
 *   MAX/MIN are element-wise only (the element-wise definition shadows the
 *   cross-sectional one in their module);
 * - DECAYLINEAR and WMA are rolling `apply`s: a missing value in the window
 *   makes the result missing, and partial windows use the first weights only;
 * - REGBETA/REGRESI fill missing inputs with 0 and are missing until the
 *   window is full; with SEQUENCE(n) they regress on the time index 1..n;
 * - TS_PCTCHANGE fills missing results with 0; TS_CORR against SEQUENCE
 *   uses the sequence's length as its window and gives 0 on a flat window.
 */
import type { Node } from '../../../operators/index.js';
import type { Exactness } from './exactness.js';

/** Why a piece of their language could not be translated. */
export type ProblemCode =
  | 'syntax' // the text is not an expression of their language
  | 'unknown_function' // not a function of their library (the factor could not have run there)
  | 'bad_call' // a function of theirs called in a way their library rejects
  | 'unknown_field' // a field their data does not have
  | 'unknown_name' // a bare identifier
  | 'lookahead' // reads days after the current one
  | 'no_equivalent' // their function exists; our language has no equivalent expression
  | 'rejected' // translated, but our compiler refuses the result (e.g. size limits)
  | 'invalid_entry'; // the library entry itself is malformed (no expression string, ...)

export type ParamKind =
  | 'series' // any expression
  | 'window' // integer literal >= 1 (pandas rolling window)
  | 'lag' // integer literal; negative reads the future
  | 'number' // numeric literal, checked by the function
  | 'regressor'; // a series or SEQUENCE(n)

export interface QaParam {
  readonly name: string;
  readonly kind: ParamKind;
  /** Their default when the argument is omitted. */
  readonly default?: number;
  /** May be omitted without a default: the function then receives fewer arguments. */
  readonly optional?: true;
}

export type QaArg =
  | { readonly kind: 'series'; readonly node: Node }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'sequence'; readonly length: number };

export interface Mapped {
  readonly node: Node;
  readonly exactness: Exactness;
  /** Said in the report when the rule is not exact or surprises (LOG). */
  readonly note?: string;
}

export interface Refused {
  readonly refused: ProblemCode;
  readonly reason: string;
}

export type Outcome = Mapped | Refused;

export interface QaFunction {
  readonly name: string;
  readonly params: readonly QaParam[];
  /** What QuantaAlpha computes. */
  readonly theirs: string;
  /** Our expression for it, or why there is none. */
  readonly ours: string;
  /** null: our language has no equivalent (`ours` says why). */
  readonly translate: ((args: readonly QaArg[]) => Outcome) | null;
}

// ---- our AST, built directly ----

const num = (value: number): Node => ({ kind: 'number', value });
const call = (op: string, ...args: Node[]): Node => ({ kind: 'call', op, args });
/** pandas shift(p): shift(0) is the series itself (our Ref(x, 0) is the first value, as qlib). */
const shift = (x: Node, p: number): Node => (p === 0 ? x : call('Ref', x, num(p)));

/** Sum of terms as a balanced tree, so a long sum stays shallow. */
function balancedSum(terms: readonly Node[]): Node {
  if (terms.length === 1) return terms[0]!;
  const middle = Math.ceil(terms.length / 2);
  return call('Add', balancedSum(terms.slice(0, middle)), balancedSum(terms.slice(middle)));
}

const series = (a: QaArg | undefined): Node => (a as { node: Node }).node;
const value = (a: QaArg | undefined): number => (a as { value: number }).value;
const isIntegerText = (a: QaArg | undefined): boolean => a?.kind === 'number' && /^[+-]?\d+$/.test(a.text);

const exact = (node: Node, note?: string): Mapped => (note === undefined ? { node, exactness: 'exact' } : { node, exactness: 'exact', note });
const refuse = (refused: ProblemCode, reason: string): Refused => ({ refused, reason });

// ---- notes shared by several rules ----

const FULL_WINDOW_APPLY = 'a missing value anywhere in the window makes theirs missing, and their first days use partial weights';
const NO_REGRESSOR_SWAP = 'their TS_CORR needs the series first and SEQUENCE(n) second';

// ---- the rules that need more than one operator ----

/** QuantaAlpha's WMA: weights 0.9^k (k days ago), normalised over the window. */
function decayWeighted(x: Node, p: number): Node {
  const weights = Array.from({ length: p }, (_, k) => 0.9 ** k);
  const total = weights.reduce((s, w) => s + w, 0);
  return balancedSum(weights.map((w, k) => call('Mul', num(w / total), shift(x, k))));
}

/** Correlation with the time index 1..m over the last m days: slope times std(t)/std(x), std(t) = sqrt(m(m+1)/12). */
function trendCorrelation(x: Node, m: number): Node {
  return call('Div', call('Mul', call('Slope', x, num(m)), num(Math.sqrt((m * (m + 1)) / 12))), call('Std', x, num(m)));
}

/** OLS of y on x with an intercept over the last p days: beta = Cov/Var; today's residual y - mean(y) - beta (x - mean(x)). */
function regressionBeta(y: Node, x: Node, p: number): Node {
  return call('Div', call('Cov', y, x, num(p)), call('Var', x, num(p)));
}

function regressionResidual(y: Node, x: Node, p: number): Node {
  const centred = (s: Node): Node => call('Sub', s, call('Mean', s, num(p)));
  return call('Sub', centred(y), call('Mul', regressionBeta(y, x, p), centred(x)));
}

/** REGBETA/REGRESI against SEQUENCE: the window their code ends up using, or why it fails there. */
function sequenceWindow(name: string, args: readonly QaArg[]): { window: number; seriesIndex: number } | Refused {
  const [a, b, p] = [args[0]!, args[1]!, value(args[2])];
  if (a.kind === 'sequence' && b.kind === 'sequence') return refuse('bad_call', `${name} needs a series: both arguments are SEQUENCE`);
  // Sequence first: their code swaps the arguments and shortens the window to the sequence.
  if (a.kind === 'sequence') return { window: Math.min(a.length, p), seriesIndex: 1 };
  const length = (b as { length: number }).length;
  if (length < p) return refuse('bad_call', `${name}(y, SEQUENCE(${length}), ${p}) fails in QuantaAlpha: the sequence is shorter than the window`);
  return { window: p, seriesIndex: 0 };
}

function regression(name: 'REGBETA' | 'REGRESI', args: readonly QaArg[]): Outcome {
  const p = value(args[2]);
  if (args[0]!.kind === 'sequence' || args[1]!.kind === 'sequence') {
    const found = sequenceWindow(name, args);
    if ('refused' in found) return found;
    const y = series(args[found.seriesIndex]);
    if (found.window < 2) return refuse('bad_call', `${name} over a window of ${found.window} day has no regression`);
    return {
      node: call(name === 'REGBETA' ? 'Slope' : 'Resi', y, num(found.window)),
      exactness: 'full-window',
      note: `${name} on SEQUENCE is our ${name === 'REGBETA' ? 'Slope' : 'Resi'} once the window is full (theirs is missing before, and fills missing inputs with 0)`,
    };
  }
  const [y, x] = [series(args[0]), series(args[1])];
  return {
    node: name === 'REGBETA' ? regressionBeta(y, x, p) : regressionResidual(y, x, p),
    exactness: 'full-window',
    note: `${name}(y, x, n) is the OLS ${name === 'REGBETA' ? 'slope Cov(y,x,n)/Var(x,n)' : 'residual of today'} once the window is full (theirs is missing before, and fills missing inputs with 0)`,
  };
}

/** RSI as their function_lib defines it: EMAs of up and down moves. */
function relativeStrength(x: Node, n: number): Node {
  const d = call('Delta', x, num(1));
  const up = call('Mul', call('Gt', d, num(0)), d);
  const down = call('Mul', call('Lt', d, num(0)), call('Abs', d));
  const ratio = call('Div', call('EMA', up, num(n)), call('EMA', down, num(n)));
  return call('Sub', num(100), call('Div', num(100), call('Add', num(1), ratio)));
}

// ---- the table ----

const x: QaParam = { name: 'x', kind: 'series' };
const cond: QaParam = { name: 'cond', kind: 'series' };
const window = (fallback?: number): QaParam => (fallback === undefined ? { name: 'p', kind: 'window' } : { name: 'p', kind: 'window', default: fallback });
const lag = (fallback: number): QaParam => ({ name: 'p', kind: 'lag', default: fallback });

function rolling(name: string, ours: string, fallback: number, what: string): QaFunction {
  return {
    name,
    params: [x, window(fallback)],
    theirs: `rolling ${what} over the last p days (min_periods=1); p defaults to ${fallback}`,
    ours: `${ours}(x, p)`,
    translate: (a) => exact(call(ours, series(a[0]), num(value(a[1])))),
  };
}

function pair(name: string, ours: string, what: string): QaFunction {
  return { name, params: [{ name: 'a', kind: 'series' }, { name: 'b', kind: 'series' }], theirs: what, ours: `${ours}(a, b)`, translate: (a) => exact(call(ours, series(a[0]), series(a[1]))) };
}

function none(name: string, params: readonly QaParam[], theirs: string, why: string): QaFunction {
  return { name, params, theirs, ours: `no equivalent: ${why}`, translate: null };
}

const FUNCTIONS: readonly QaFunction[] = [
  // ---- cross-sectional (per day, across instruments) ----
  {
    name: 'RANK',
    params: [x],
    theirs: "percentile rank across the day's instruments (pandas rank(pct=True), ties averaged)",
    ours: 'CSRank(x)',
    translate: (a) => exact(call('CSRank', series(a[0]))),
  },
  {
    name: 'ZSCORE',
    params: [x],
    theirs: "(x - mean) / std across the day's instruments (std with ddof=1)",
    ours: 'CSZScore(x)',
    translate: (a) => exact(call('CSZScore', series(a[0]))),
  },
  {
    name: 'MEAN',
    params: [x],
    theirs: "the day's mean across instruments, given to every instrument",
    ours: 'x - CSDemean(x)',
    translate: (a) => ({
      node: call('Sub', series(a[0]), call('CSDemean', series(a[0]))),
      exactness: 'present',
      note: "MEAN(x) is x - CSDemean(x): missing for an instrument whose x is missing (theirs gives it the day's mean)",
    }),
  },
  {
    name: 'SCALE',
    params: [x, { name: 'target_sum', kind: 'number', default: 1 }],
    theirs: "x * target_sum / sum of |x| across the day's instruments",
    ours: 'CSScale(x) * target_sum',
    translate: (a) => exact(value(a[1]) === 1 ? call('CSScale', series(a[0])) : call('Mul', call('CSScale', series(a[0])), num(value(a[1])))),
  },
  none('STD', [x], "the day's standard deviation across instruments", 'our language has no cross-sectional standard deviation'),
  none('MEDIAN', [x], "the day's median across instruments", 'our language has no cross-sectional median'),
  none('SKEW', [x], "the day's skewness across instruments (scipy)", 'our language has no cross-sectional skewness'),
  none('KURT', [x], "the day's excess kurtosis across instruments (scipy)", 'our language has no cross-sectional kurtosis'),

  // ---- rolling, per instrument ----
  rolling('TS_MEAN', 'Mean', 5, 'mean'),
  rolling('TS_SUM', 'Sum', 5, 'sum'),
  rolling('SUMAC', 'Sum', 10, 'sum'),
  rolling('TS_STD', 'Std', 20, 'standard deviation (ddof=1)'),
  rolling('TS_MAX', 'Max', 5, 'maximum'),
  rolling('TS_MIN', 'Min', 5, 'minimum'),
  rolling('TS_MEDIAN', 'Med', 5, 'median'),
  rolling('TS_RANK', 'Rank', 5, 'percentile rank of today (rank(pct=True))'),
  {
    name: 'TS_VAR',
    params: [x, window(5), { name: 'ddof', kind: 'number', default: 1 }],
    theirs: 'rolling variance over the last p days (min_periods=1) with ddof (default 1)',
    ours: 'Var(x, p) (ddof=1 only)',
    translate: (a) => (value(a[2]) === 1 ? exact(call('Var', series(a[0]), num(value(a[1])))) : refuse('no_equivalent', `TS_VAR with ddof=${a[2]!.kind === 'number' ? a[2].text : '?'}: our Var has ddof=1`)),
  },
  {
    name: 'TS_ZSCORE',
    params: [x, window(5)],
    theirs: '(x - rolling mean) / rolling std over the last p days',
    ours: '(x - Mean(x, p)) / Std(x, p)',
    translate: (a) => {
      const [s, p] = [series(a[0]), num(value(a[1]))];
      return exact(call('Div', call('Sub', s, call('Mean', s, p)), call('Std', s, p)));
    },
  },
  {
    name: 'TS_QUANTILE',
    params: [x, { name: 'p', kind: 'number', default: 5 }, { name: 'q', kind: 'number', default: 0.5 }],
    theirs: 'rolling q-quantile over the last int(p) days (linear); a fractional p with q > 1 is read as (q, p)',
    ours: 'Quantile(x, p, q)',
    translate: (a) => {
      let [p, q] = [value(a[1]), value(a[2])];
      const pIsFloat = !isIntegerText(a[1]);
      if (pIsFloat && p > 0 && p < 1 && q > 1) [p, q] = [Math.trunc(q), p];
      p = Math.trunc(p);
      if (p < 1) return refuse('bad_call', `TS_QUANTILE window must be at least 1, found ${p}`);
      if (!(q >= 0 && q <= 1)) return refuse('bad_call', `TS_QUANTILE quantile must be in [0, 1], found ${q}`);
      return exact(call('Quantile', series(a[0]), num(p), num(q)));
    },
  },
  {
    name: 'PERCENTILE',
    params: [x, { name: 'q', kind: 'number' }, { name: 'p', kind: 'number', optional: true }],
    theirs: "rolling q-quantile over the last p days; without p, the quantile of the instrument's whole history",
    ours: 'Quantile(x, p, q) (with p only)',
    translate: (a) => {
      if (a[2] === undefined) return refuse('lookahead', "PERCENTILE without a window is the quantile of the instrument's whole history, which reads the future");
      const [q, p] = [value(a[1]), value(a[2])];
      if (!isIntegerText(a[2]) || p < 1) return refuse('bad_call', `PERCENTILE window must be an integer of at least 1, found ${p}`);
      if (!(q >= 0 && q <= 1)) return refuse('bad_call', `PERCENTILE quantile must be in [0, 1], found ${q}`);
      return exact(call('Quantile', series(a[0]), num(p), num(q)));
    },
  },
  {
    name: 'TS_SKEW',
    params: [x, window(5)],
    theirs: 'rolling skewness (scipy, biased) over the last p days',
    ours: 'Skew(x, p) * (p-2)/sqrt(p(p-1)) (pandas skewness is bias-corrected)',
    translate: (a) => {
      const p = value(a[1]);
      if (p < 3) return refuse('bad_call', `TS_SKEW needs a window of at least 3, found ${p}`);
      return {
        node: call('Mul', call('Skew', series(a[0]), num(p)), num((p - 2) / Math.sqrt(p * (p - 1)))),
        exactness: 'full-window',
        note: 'TS_SKEW is the biased skewness: our bias-corrected Skew rescaled for a full window; a flat window gives 0 here (missing there)',
      };
    },
  },
  {
    name: 'TS_KURT',
    params: [x, window(5)],
    theirs: 'rolling excess kurtosis (scipy, biased) over the last p days',
    ours: 'Kurt(x, p) * (p-2)(p-3)/((p+1)(p-1)) - 6/(p+1)',
    translate: (a) => {
      const p = value(a[1]);
      if (p < 4) return refuse('bad_call', `TS_KURT needs a window of at least 4, found ${p}`);
      const scaled = call('Mul', call('Kurt', series(a[0]), num(p)), num(((p - 2) * (p - 3)) / ((p + 1) * (p - 1))));
      return {
        node: call('Sub', scaled, num(6 / (p + 1))),
        exactness: 'full-window',
        note: 'TS_KURT is the biased excess kurtosis: our bias-corrected Kurt rescaled for a full window; a flat window gives a number here (missing there)',
      };
    },
  },
  none('TS_MAD', [x, window(5)], 'rolling median absolute deviation from the median', 'our Mad is the mean absolute deviation from the mean, a different statistic'),
  none('PROD', [x, window(5)], 'rolling product', 'our language has no product (nor Exp to build it from logarithms)'),
  {
    name: 'TS_ARGMAX',
    params: [x, window(5)],
    theirs: 'days since the window maximum (0 = today)',
    ours: 'p - IdxMax(x, p)',
    translate: (a) => ({
      node: call('Sub', num(value(a[1])), call('IdxMax', series(a[0]), num(value(a[1])))),
      exactness: 'full-window',
      note: 'TS_ARGMAX/TS_ARGMIN count from the window length, which is shorter in an instrument\'s first days',
    }),
  },
  {
    name: 'TS_ARGMIN',
    params: [x, window(5)],
    theirs: 'days since the window minimum (0 = today)',
    ours: 'p - IdxMin(x, p)',
    translate: (a) => ({
      node: call('Sub', num(value(a[1])), call('IdxMin', series(a[0]), num(value(a[1])))),
      exactness: 'full-window',
      note: 'TS_ARGMAX/TS_ARGMIN count from the window length, which is shorter in an instrument\'s first days',
    }),
  },
  {
    name: 'HIGHDAY',
    params: [x, window(5)],
    theirs: 'days since the window maximum, plus one (1 = today)',
    ours: 'p + 1 - IdxMax(x, p)',
    translate: (a) => ({
      node: call('Sub', num(value(a[1]) + 1), call('IdxMax', series(a[0]), num(value(a[1])))),
      exactness: 'full-window',
      note: "HIGHDAY/LOWDAY count from the window length, which is shorter in an instrument's first days",
    }),
  },
  {
    name: 'LOWDAY',
    params: [x, window(5)],
    theirs: 'days since the window minimum, plus one (1 = today)',
    ours: 'p + 1 - IdxMin(x, p)',
    translate: (a) => ({
      node: call('Sub', num(value(a[1]) + 1), call('IdxMin', series(a[0]), num(value(a[1])))),
      exactness: 'full-window',
      note: "HIGHDAY/LOWDAY count from the window length, which is shorter in an instrument's first days",
    }),
  },

  // ---- shifts and changes ----
  {
    name: 'DELAY',
    params: [x, lag(1)],
    theirs: 'x p days earlier (shift(p))',
    ours: 'Ref(x, p) (x itself for p = 0)',
    translate: (a) => exact(shift(series(a[0]), value(a[1]))),
  },
  {
    name: 'DELTA',
    params: [x, lag(1)],
    theirs: 'x minus x p days earlier (diff(p))',
    ours: 'Delta(x, p) (x - x for p = 0)',
    translate: (a) => {
      const [s, p] = [series(a[0]), value(a[1])];
      return exact(p === 0 ? call('Sub', s, s) : call('Delta', s, num(p)));
    },
  },
  {
    name: 'TS_PCTCHANGE',
    params: [x, lag(1)],
    theirs: 'x / x p days earlier - 1, with missing results filled with 0',
    ours: 'x / Ref(x, p) - 1',
    translate: (a) => ({
      node: call('Sub', call('Div', series(a[0]), shift(series(a[0]), value(a[1]))), num(1)),
      exactness: 'present',
      note: 'TS_PCTCHANGE fills missing changes (an instrument\'s first days, suspensions) with 0; ours leaves them missing',
    }),
  },

  // ---- pairs of series over a window ----
  {
    name: 'TS_CORR',
    params: [{ name: 'x', kind: 'regressor' }, { name: 'y', kind: 'regressor' }, window(5)],
    theirs: 'rolling Pearson correlation (min_periods=2); against SEQUENCE(m), the correlation with the time index over m days (their p is replaced by m), 0 on a flat window',
    ours: 'Cov(x, y, p) / (Std(x, p) * Std(y, p)); against SEQUENCE(m): Slope(x, m) * sqrt(m(m+1)/12) / Std(x, m)',
    translate: (a) => {
      const [first, second] = [a[0]!, a[1]!];
      if (first.kind === 'sequence') return refuse('bad_call', NO_REGRESSOR_SWAP);
      if (second.kind === 'sequence') {
        if (second.length < 2) return refuse('bad_call', 'TS_CORR with SEQUENCE(1) has no correlation');
        return {
          node: trendCorrelation(series(first), second.length),
          exactness: 'full-window',
          note: `TS_CORR(x, SEQUENCE(m)) is Slope(x,m)*sqrt(m(m+1)/12)/Std(x,m) on full windows; ${FULL_WINDOW_APPLY}, and a flat window gives 0 there (missing here)`,
        };
      }
      const [u, v, p] = [series(first), series(second), num(value(a[2]))];
      return {
        node: call('Div', call('Cov', u, v, p), call('Mul', call('Std', u, p), call('Std', v, p))),
        exactness: 'full-window',
        note: "TS_CORR(x, y, n) is Cov(x,y,n)/(Std(x,n)*Std(y,n)), pandas' correlation; not our Corr, whose qlib mask (a standard deviation below 2e-5) would erase small-scale series; equal on windows where both series are present every day (pandas pairs the days where both are)",
      };
    },
  },
  {
    name: 'TS_COVARIANCE',
    params: [{ name: 'x', kind: 'regressor' }, { name: 'y', kind: 'regressor' }, window(5)],
    theirs: 'rolling sample covariance (min_periods=2); against SEQUENCE(m), with the time index over m days',
    ours: 'Cov(x, y, p); against SEQUENCE(m): Slope(x, m) * m(m+1)/12',
    translate: (a) => {
      const [first, second] = [a[0]!, a[1]!];
      if (first.kind === 'sequence') return refuse('bad_call', 'their TS_COVARIANCE needs the series first and SEQUENCE(n) second');
      if (second.kind === 'sequence') {
        if (second.length < 2) return refuse('bad_call', 'TS_COVARIANCE with SEQUENCE(1) has no covariance');
        const m = second.length;
        return {
          node: call('Mul', call('Slope', series(first), num(m)), num((m * (m + 1)) / 12)),
          exactness: 'full-window',
          note: `TS_COVARIANCE(x, SEQUENCE(m)) is Slope(x,m)*m(m+1)/12 on full windows; ${FULL_WINDOW_APPLY}`,
        };
      }
      return exact(call('Cov', series(first), series(second), num(value(a[2]))));
    },
  },
  {
    name: 'REGBETA',
    params: [{ name: 'y', kind: 'regressor' }, { name: 'x', kind: 'regressor' }, window(5)],
    theirs: 'rolling OLS slope of y on x with an intercept, missing inputs filled with 0, missing until the window is full; x may be SEQUENCE(n)',
    ours: 'Cov(y, x, p) / Var(x, p); on SEQUENCE: Slope(y, p)',
    translate: (a) => regression('REGBETA', a),
  },
  {
    name: 'REGRESI',
    params: [{ name: 'y', kind: 'regressor' }, { name: 'x', kind: 'regressor' }, window(5)],
    theirs: "today's residual of that regression",
    ours: '(y - Mean(y,p)) - Cov(y,x,p)/Var(x,p) * (x - Mean(x,p)); on SEQUENCE: Resi(y, p)',
    translate: (a) => regression('REGRESI', a),
  },
  {
    name: 'SEQUENCE',
    params: [{ name: 'n', kind: 'window' }],
    theirs: 'the fixed array 1..n, meaningful only as the regressor of TS_CORR, TS_COVARIANCE, REGBETA and REGRESI',
    ours: 'handled inside those functions',
    translate: () =>
      refuse(
        'bad_call',
        'SEQUENCE(n) is the fixed array 1..n, meaningful only passed as is to TS_CORR, TS_COVARIANCE, REGBETA or REGRESI; anything computed from it (POW(SEQUENCE(n), 2), ...) becomes a table without dates in QuantaAlpha, which matches no day',
      ),
  },

  // ---- weighted averages ----
  {
    name: 'DECAYLINEAR',
    params: [x, window(5)],
    theirs: 'weighted mean with weights 1..p (newest heaviest) normalised to sum 1',
    ours: 'p * WMA(x, p) (qlib\'s WMA averages the weighted values)',
    translate: (a) => {
      const p = value(a[1]);
      return {
        node: call('Mul', num(p), call('WMA', series(a[0]), num(p))),
        exactness: 'full-window',
        note: `DECAYLINEAR(x, p) is p * WMA(x, p) on full windows; ${FULL_WINDOW_APPLY}`,
      };
    },
  },
  {
    name: 'WMA',
    params: [x, window(20)],
    theirs: 'weighted mean with weights 0.9^k for the value k days ago, normalised over the window',
    ours: 'the sum of (0.9^k / sum of 0.9^j) * Ref(x, k) for k = 0..p-1',
    translate: (a) => ({
      node: decayWeighted(series(a[0]), value(a[1])),
      exactness: 'full-window',
      note: `WMA is an explicit weighted sum of the last p days; ${FULL_WINDOW_APPLY}`,
    }),
  },
  {
    name: 'EMA',
    params: [x, { name: 'p', kind: 'number' }],
    theirs: 'ewm(span=int(p), adjust=True, min_periods=1).mean()',
    ours: 'EMA(x, int(p))',
    translate: (a) => {
      const span = Math.trunc(value(a[1]));
      if (span < 1) return refuse('bad_call', `EMA span int(${a[1]!.kind === 'number' ? a[1].text : '?'}) = ${span} is below 1`);
      return exact(call('EMA', series(a[0]), num(span)));
    },
  },
  {
    name: 'SMA',
    params: [x, { name: 'm', kind: 'number' }, { name: 'n', kind: 'number', optional: true }],
    theirs: 'SMA(x, m): rolling mean over m days; SMA(x, m, n): ewm(alpha=n/m, adjust=True).mean()',
    ours: 'Mean(x, m); EMA(x, n/m)',
    translate: (a) => {
      const m = value(a[1]);
      if (a[2] === undefined) {
        if (!isIntegerText(a[1]) || m < 1) return refuse('bad_call', `SMA(x, m) needs an integer m of at least 1, found ${a[1]!.kind === 'number' ? a[1].text : '?'}`);
        return exact(call('Mean', series(a[0]), num(m)));
      }
      const n = value(a[2]);
      const alpha = n / m;
      if (!(alpha > 0 && alpha <= 1)) return refuse('bad_call', `SMA(x, ${m}, ${n}) has smoothing n/m = ${alpha}, outside (0, 1]`);
      // Our EMA reads N in (0, 1) as alpha; alpha = 1 is span 1.
      return exact(call('EMA', series(a[0]), num(alpha === 1 ? 1 : alpha)));
    },
  },
  {
    name: 'MACD',
    params: [x, { name: 'short', kind: 'window', default: 12 }, { name: 'long', kind: 'window', default: 26 }],
    theirs: 'EMA(x, short) - EMA(x, long)',
    ours: 'EMA(x, short) - EMA(x, long)',
    translate: (a) => exact(call('Sub', call('EMA', series(a[0]), num(value(a[1]))), call('EMA', series(a[0]), num(value(a[2]))))),
  },
  {
    name: 'RSI',
    params: [x, window(14)],
    theirs: '100 - 100/(1 + EMA(up moves, p)/EMA(down moves, p))',
    ours: 'the same, with d = Delta(x, 1), up = (d > 0) * d, down = (d < 0) * Abs(d)',
    translate: (a) => exact(relativeStrength(series(a[0]), value(a[1]))),
  },
  {
    name: 'BB_MIDDLE',
    params: [x, { name: 'window', kind: 'window' }],
    theirs: 'rolling mean (a series window is allowed there: a window that changes by day)',
    ours: 'Mean(x, window) (constant windows only)',
    translate: (a) => exact(call('Mean', series(a[0]), num(value(a[1])))),
  },
  {
    name: 'BB_UPPER',
    params: [x, { name: 'window', kind: 'window' }],
    theirs: 'rolling mean + rolling std',
    ours: 'Mean(x, window) + Std(x, window)',
    translate: (a) => exact(call('Add', call('Mean', series(a[0]), num(value(a[1]))), call('Std', series(a[0]), num(value(a[1]))))),
  },
  {
    name: 'BB_LOWER',
    params: [x, { name: 'window', kind: 'window' }],
    theirs: 'rolling mean - rolling std',
    ours: 'Mean(x, window) - Std(x, window)',
    translate: (a) => exact(call('Sub', call('Mean', series(a[0]), num(value(a[1]))), call('Std', series(a[0]), num(value(a[1]))))),
  },

  // ---- conditions ----
  {
    name: 'COUNT',
    params: [cond, window(20)],
    theirs: 'rolling sum of cond (True counts 1) over the last p days',
    ours: 'Sum(cond, p)',
    translate: (a) => exact(call('Sum', series(a[0]), num(value(a[1])))),
  },
  {
    name: 'SUMIF',
    params: [x, window(), cond],
    theirs: 'rolling sum over the last p days of x where cond holds (x * cond)',
    ours: 'Sum(x * cond, p)',
    translate: (a) => exact(call('Sum', call('Mul', series(a[0]), series(a[2])), num(value(a[1])))),
  },
  {
    name: 'FILTER',
    params: [x, cond],
    theirs: 'x where cond holds, else 0 (x * cond)',
    ours: 'x * cond',
    translate: (a) => exact(call('Mul', series(a[0]), series(a[1]))),
  },
  {
    name: 'WHERE',
    params: [cond, { name: 'a', kind: 'series' }, { name: 'b', kind: 'series' }],
    theirs: 'a where cond holds, else b (numpy.where)',
    ours: 'If(cond, a, b)',
    translate: (a) => exact(call('If', series(a[0]), series(a[1]), series(a[2]))),
  },

  // ---- element-wise ----
  {
    name: 'ABS',
    params: [x],
    theirs: '|x|',
    ours: 'Abs(x)',
    translate: (a) => exact(call('Abs', series(a[0]))),
  },
  {
    name: 'SIGN',
    params: [x],
    theirs: 'sign of x',
    ours: 'Sign(x)',
    translate: (a) => exact(call('Sign', series(a[0]))),
  },
  {
    name: 'LOG',
    params: [x],
    theirs: 'log(x + 1): their LOG adds 1 before the logarithm',
    ours: 'Log(x + 1)',
    translate: (a) => exact(call('Log', call('Add', series(a[0]), num(1))), 'LOG(x) is log(x + 1) in QuantaAlpha, so it becomes Log(x + 1)'),
  },
  {
    name: 'SQRT',
    params: [x],
    theirs: 'square root (missing for negative x)',
    ours: 'Power(x, 0.5)',
    translate: (a) => exact(call('Power', series(a[0]), num(0.5))),
  },
  {
    name: 'INV',
    params: [x],
    theirs: '1 / x',
    ours: '1 / x',
    translate: (a) => exact(call('Div', num(1), series(a[0]))),
  },
  {
    name: 'POW',
    params: [x, { name: 'n', kind: 'series' }],
    theirs: 'x ** n (numpy.power)',
    ours: 'Power(x, n) for a constant n',
    translate: (a) => {
      const [base, exponent] = [series(a[0]), series(a[1])];
      if (exponent.kind !== 'number') return refuse('no_equivalent', 'POW with a series exponent: our Power takes a constant exponent');
      if (base.kind === 'number') return exact(num(base.value ** exponent.value));
      return exact(call('Power', base, exponent));
    },
  },
  none('EXP', [x], 'e ** x', 'our language has no exponential (Power takes a constant exponent)'),
  none('FLOOR', [x], 'rounds down', 'our language has no rounding'),
  {
    name: 'MAX',
    params: [{ name: 'a', kind: 'series' }, { name: 'b', kind: 'series' }, { name: 'c', kind: 'series', optional: true }],
    theirs: 'element-wise maximum of 2 or 3 series (numpy.maximum: missing if any is)',
    ours: 'Greater(Greater(a, b), c)',
    translate: (a) => exact(a.length === 3 ? call('Greater', call('Greater', series(a[0]), series(a[1])), series(a[2])) : call('Greater', series(a[0]), series(a[1]))),
  },
  {
    name: 'MIN',
    params: [{ name: 'a', kind: 'series' }, { name: 'b', kind: 'series' }, { name: 'c', kind: 'series', optional: true }],
    theirs: 'element-wise minimum of 2 or 3 series (numpy.minimum: missing if any is)',
    ours: 'Less(Less(a, b), c)',
    translate: (a) => exact(a.length === 3 ? call('Less', call('Less', series(a[0]), series(a[1])), series(a[2])) : call('Less', series(a[0]), series(a[1]))),
  },

  // ---- the function forms of their infix operators ----
  pair('ADD', 'Add', 'a + b'),
  pair('SUBTRACT', 'Sub', 'a - b'),
  pair('MULTIPLY', 'Mul', 'a * b'),
  pair('DIVIDE', 'Div', 'a / b'),
  pair('AND', 'And', 'logical and (a missing value counts as true)'),
  pair('OR', 'Or', 'logical or (a missing value counts as true)'),
  pair('GT', 'Gt', 'a > b'),
  pair('LT', 'Lt', 'a < b'),
  pair('GE', 'Ge', 'a >= b'),
  pair('LE', 'Le', 'a <= b'),
  pair('EQ', 'Eq', 'a == b'),
  pair('NE', 'Ne', 'a != b'),
];

/** Every function of QuantaAlpha's library, by its exact (upper-case) name. */
export const QA_FUNCTIONS: ReadonlyMap<string, QaFunction> = new Map(FUNCTIONS.map((f) => [f.name, f]));
