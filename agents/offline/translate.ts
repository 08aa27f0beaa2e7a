/**
 * Translation of a leniently read expression into the factor language,
 * keeping its meaning: other languages' functions (QuantaAlpha, Alpha101,
 * GTJA 191) to registry operators, missing fields to exact proxies, fixable
 * arguments (non-integer windows, negative lags, oversized windows) to
 * admissible values. Every change is noted; what has no meaning-preserving
 * translation is reported as a problem instead of being guessed.
 */
import { OPERATORS, printFactor, type CallNode, type FactorLimits, type Node, type NumberNode } from '../../operators/index.js';
import { resolveLimits } from '../../operators/limits.js';
import { editDistance, suggestFields, suggestOperators } from '../../operators/suggest.js';

export interface Translation {
  readonly ast: Node;
  /** What was changed, one line each. */
  readonly notes: readonly string[];
  /** What could not be translated; empty when the translation is complete. */
  readonly problems: readonly string[];
}

interface Context {
  readonly fields: ReadonlySet<string>;
  readonly limits: FactorLimits;
  readonly notes: string[];
  readonly problems: string[];
  /** Renames learned from similar past fixes (Co-STEER), tried before the built-in table. */
  readonly learned: ReadonlyMap<string, string>;
}

// ---- node helpers ----

const num = (value: number): NumberNode => ({ kind: 'number', value });
const call = (op: string, ...args: Node[]): CallNode => ({ kind: 'call', op, args });
const field = (name: string): Node => ({ kind: 'field', name });
const DAILY_RETURN = call('Sub', call('Div', field('close'), call('Ref', field('close'), num(1))), num(1));
const EPSILON = num(1e-8);

/** Default window when a rolling function was given none. */
const DEFAULT_WINDOW = 20;

function key(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

function isSequence(node: Node | undefined): boolean {
  return node?.kind === 'call' && key(node.op) === 'sequence';
}

function literal(node: Node | undefined): number | null {
  return node?.kind === 'number' ? node.value : null;
}

// ---- the alias table: foreign name -> construction from translated arguments ----

type Build = (args: Node[], ctx: Context, name: string) => Node | null;

/** A registry operator under another name, same arguments. */
const same =
  (op: string): Build =>
  (args, ctx, name) =>
    withArity(op, args, ctx, name);

function withArity(op: string, args: Node[], ctx: Context, name: string): Node | null {
  const spec = OPERATORS.get(op)!;
  const wanted = spec.args.length;
  if (args.length === wanted) return call(op, ...args);
  const lastKind = spec.args[wanted - 1]!.kind;
  if (args.length === wanted - 1 && (lastKind === 'window' || lastKind === 'lag')) {
    ctx.notes.push(`${name} had no ${lastKind}: used ${lastKind === 'lag' ? 1 : DEFAULT_WINDOW} days`);
    return call(op, ...args, num(lastKind === 'lag' ? 1 : DEFAULT_WINDOW));
  }
  if (args.length > wanted && args.slice(wanted).every((a) => a.kind === 'number')) {
    ctx.notes.push(`${name}: dropped extra argument(s) ${args.slice(wanted).map(printFactor).join(', ')}`);
    return call(op, ...args.slice(0, wanted));
  }
  ctx.problems.push(`${name} takes ${wanted} argument(s), got ${args.length}`);
  return null;
}

/** Element-wise max/min of 2+ operands, nested. */
const chain =
  (op: 'Greater' | 'Less' | 'Add' | 'Mul'): Build =>
  (args, ctx, name) => {
    if (args.length < 2) {
      ctx.problems.push(`${name} needs at least two operands`);
      return null;
    }
    return args.slice(1).reduce((acc, a) => call(op, acc, a), args[0]!);
  };

const binary =
  (op: 'Sub' | 'Div'): Build =>
  (args, ctx, name) => {
    if (args.length !== 2) {
      ctx.problems.push(`${name} takes two operands`);
      return null;
    }
    return call(op, args[0]!, args[1]!);
  };

const relativeChange: Build = (args, ctx, name) => {
  const [x, n] = args;
  if (!x) return null;
  const lag = n ?? num(1);
  if (!n) ctx.notes.push(`${name} had no period: used 1 day`);
  return call('Sub', call('Div', x, call('Ref', x, lag)), num(1));
};

const timeZScore: Build = (args, ctx, name) => {
  const [x, n] = args;
  if (!x) return null;
  const window = n ?? num(DEFAULT_WINDOW);
  if (!n) ctx.notes.push(`${name} had no window: used ${DEFAULT_WINDOW} days`);
  return call('Div', call('Sub', x, call('Mean', x, window)), call('Add', call('Std', x, window), EPSILON));
};

/** Correlation with the time index 1..n is the signed square root of the trend R-squared. */
function correlationWithTime(x: Node, n: Node): Node {
  return call('Mul', call('Sign', call('Slope', x, n)), call('Power', call('Rsquare', x, n), num(0.5)));
}

const correlation =
  (op: 'Corr' | 'Cov'): Build =>
  (args, ctx, name) => {
    const [a, b, n] = args;
    if (!a || !b) {
      ctx.problems.push(`${name} needs two series`);
      return null;
    }
    const window = n ?? num(DEFAULT_WINDOW);
    if (!n) ctx.notes.push(`${name} had no window: used ${DEFAULT_WINDOW} days`);
    if (op === 'Corr' && (isSequence(a) || isSequence(b))) {
      ctx.notes.push(`${name} with SEQUENCE (the time index) -> Sign(Slope)*sqrt(Rsquare), the same correlation with time`);
      return correlationWithTime(isSequence(a) ? b : a, window);
    }
    if (isSequence(a) || isSequence(b)) {
      ctx.problems.push(`${name} with SEQUENCE has no equivalent`);
      return null;
    }
    return call(op, a, b, window);
  };

const regressionBeta: Build = (args, ctx, name) => {
  const [y, x, n] = args;
  if (!y || !x || !n) return withArity('Slope', args.filter((a) => !isSequence(a)), ctx, name);
  if (isSequence(x)) return call('Slope', y, n);
  ctx.notes.push(`${name}(y, x, n) -> Cov(y,x,n)/Var(x,n)`);
  return call('Div', call('Cov', y, x, n), call('Add', call('Var', x, n), EPSILON));
};

const regressionResidual: Build = (args, ctx, name) => {
  const [y, x, n] = args;
  if (!y || !x || !n) return withArity('Resi', args.filter((a) => !isSequence(a)), ctx, name);
  if (isSequence(x)) return call('Resi', y, n);
  ctx.notes.push(`${name}(y, x, n) -> today's residual of y on x over n days`);
  const beta = call('Div', call('Cov', y, x, n), call('Add', call('Var', x, n), EPSILON));
  return call('Sub', call('Sub', y, call('Mean', y, n)), call('Mul', beta, call('Sub', x, call('Mean', x, n))));
};

const rSquared: Build = (args, ctx, name) => {
  const series = args.filter((a) => !isSequence(a));
  return withArity('Rsquare', series.length === 3 ? series.slice(0, 1).concat(series.slice(2)) : series, ctx, name);
};

/** One argument: the cross-sectional operator; two: the time-series one. */
const rankLike =
  (crossSectional: string, timeSeries: string): Build =>
  (args, ctx, name) =>
    args.length === 1 ? call(crossSectional, args[0]!) : withArity(timeSeries, args, ctx, name);

const power: Build = (args, ctx, name) => {
  const [x, e] = args;
  if (!x || !e) return null;
  const exponent = literal(e);
  if (exponent === null) {
    ctx.problems.push(`${name} with a non-constant exponent has no equivalent (Power needs a constant)`);
    return null;
  }
  const base = literal(x);
  if (base !== null) return num(base ** exponent);
  return call('Power', x, num(exponent));
};

const signedPower: Build = (args, ctx, name) => {
  const powered = power([call('Abs', args[0] ?? num(0)), args[1] ?? num(1)], ctx, name);
  return powered && args[0] ? call('Mul', call('Sign', args[0]), powered) : null;
};

const smoothedMean: Build = (args, ctx, name) => {
  const [x, n, m] = args;
  if (!x || !n) return withArity('Mean', args, ctx, name);
  const length = literal(n);
  const weight = literal(m);
  if (m === undefined) return call('Mean', x, n);
  if (length === null || weight === null || length <= 0 || weight <= 0 || weight >= length) {
    ctx.problems.push(`${name}(x, n, m) needs constants 0 < m < n`);
    return null;
  }
  ctx.notes.push(`${name}(x, ${length}, ${weight}) -> EMA with alpha ${weight}/${length}`);
  return call('EMA', x, num(weight / length));
};

const daysSince =
  (op: 'IdxMax' | 'IdxMin'): Build =>
  (args, ctx, name) => {
    const index = withArity(op, args, ctx, name);
    if (!index || index.kind !== 'call') return null;
    return call('Sub', index.args[1]!, index);
  };

const relativeStrength: Build = (args, ctx, name) => {
  const [x, n] = args;
  if (!x) return null;
  const window = n ?? num(14);
  const change = call('Delta', x, num(1));
  ctx.notes.push(`${name} -> 100 * sum of gains / sum of absolute changes`);
  return call('Mul', num(100), call('Div', call('Sum', call('Greater', change, num(0)), window), call('Add', call('Sum', call('Abs', change), window), EPSILON)));
};

const quantile: Build = (args, ctx, name) => {
  const [x, a, b] = args;
  if (!x) return null;
  // Quantile(x, n, q) or PERCENTILE(x, q[, n]): tell the window from the quantile by range.
  const first = literal(a);
  const second = literal(b);
  if (first !== null && second !== null) return first < 1 ? call('Quantile', x, num(second), num(first)) : call('Quantile', x, num(first), num(second));
  if (first !== null && first < 1) {
    ctx.notes.push(`${name} without a window: used ${DEFAULT_WINDOW} days`);
    return call('Quantile', x, num(DEFAULT_WINDOW), num(first));
  }
  ctx.problems.push(`${name} needs a window and a quantile`);
  return null;
};

const filter: Build = (args, ctx, name) => {
  const [x, condition] = args;
  if (!x || !condition) return null;
  ctx.notes.push(`${name}(x, cond) -> If(cond, x, 0): filtered-out days count as 0`);
  return call('If', condition, x, num(0));
};

const ALIASES: Readonly<Record<string, Build>> = {
  tsmean: same('Mean'),
  mean: (args, ctx, name) => (args.length === 1 ? call('Sub', args[0]!, call('CSDemean', args[0]!)) : withArity('Mean', args, ctx, name)),
  avg: same('Mean'),
  bbmiddle: same('Mean'),
  sma: smoothedMean,
  tsstd: same('Std'),
  tststd: same('Std'),
  std: same('Std'),
  stddev: same('Std'),
  tsvar: same('Var'),
  var: same('Var'),
  tssum: same('Sum'),
  sum: same('Sum'),
  sumac: same('Sum'),
  tsmax: same('Max'),
  tsmin: same('Min'),
  tsmedian: same('Med'),
  tsmad: same('Mad'),
  tsskew: same('Skew'),
  skew: same('Skew'),
  tskurt: same('Kurt'),
  kurt: same('Kurt'),
  tsrank: same('Rank'),
  tsargmax: same('IdxMax'),
  tsargmin: same('IdxMin'),
  highday: daysSince('IdxMax'),
  lowday: daysSince('IdxMin'),
  tsquantile: quantile,
  quantile: quantile,
  percentile: quantile,
  tscorr: correlation('Corr'),
  corr: correlation('Corr'),
  correlation: correlation('Corr'),
  tscov: correlation('Cov'),
  tscovariance: correlation('Cov'),
  cov: correlation('Cov'),
  covariance: correlation('Cov'),
  tsautocorr: (args) => (args[0] ? call('Corr', args[0], call('Ref', args[0], num(1)), args[1] ?? num(DEFAULT_WINDOW)) : null),
  delay: same('Ref'),
  tsdelay: same('Ref'),
  ref: same('Ref'),
  shift: same('Ref'),
  delta: same('Delta'),
  tsdelta: same('Delta'),
  diff: same('Delta'),
  tspctchange: relativeChange,
  pctchange: relativeChange,
  tsreturn: relativeChange,
  tsmomentum: relativeChange,
  roc: relativeChange,
  tszscore: timeZScore,
  rank: rankLike('CSRank', 'Rank'),
  csrank: rankLike('CSRank', 'Rank'),
  zscore: rankLike('CSZScore', 'CSZScore'),
  cszscore: rankLike('CSZScore', 'CSZScore'),
  scale: (args) => (args[0] ? call('CSScale', args[0]) : null),
  demean: (args) => (args[0] ? call('CSDemean', args[0]) : null),
  regbeta: regressionBeta,
  regresi: regressionResidual,
  tsresidual: regressionResidual,
  tsr2: rSquared,
  tsrsquared: rSquared,
  tsrsqr: rSquared,
  rsquare: rSquared,
  pow: power,
  power: power,
  signedpower: signedPower,
  sqrt: (args) => (args[0] ? call('Power', args[0], num(0.5)) : null),
  inv: (args) => (args[0] ? call('Div', num(1), args[0]) : null),
  log: same('Log'),
  ln: same('Log'),
  abs: same('Abs'),
  sign: same('Sign'),
  max: (args, ctx, name) => (args.length >= 2 ? chain('Greater')(args, ctx, name) : null),
  min: (args, ctx, name) => (args.length >= 2 ? chain('Less')(args, ctx, name) : null),
  greater: chain('Greater'),
  less: chain('Less'),
  add: chain('Add'),
  tsadd: chain('Add'),
  mul: chain('Mul'),
  multiply: chain('Mul'),
  sub: binary('Sub'),
  tssubtract: binary('Sub'),
  subtract: binary('Sub'),
  div: binary('Div'),
  tsdiv: binary('Div'),
  tsdivide: binary('Div'),
  divide: binary('Div'),
  count: (args, ctx, name) => withArity('Sum', args, ctx, name),
  sumif: (args) => (args.length === 3 ? call('Sum', call('If', args[2]!, args[0]!, num(0)), args[1]!) : null),
  filter,
  decaylinear: same('WMA'),
  tsdecaylinear: same('WMA'),
  wma: same('WMA'),
  ema: same('EMA'),
  rsi: relativeStrength,
  if: (args) => (args.length === 3 ? call('If', args[0]!, args[1]!, args[2]!) : null),
  where: (args) => (args.length === 3 ? call('If', args[0]!, args[1]!, args[2]!) : null),
  tstruerange: (args, ctx) => {
    const [high, low, close] = args.length === 3 ? args : [field('high'), field('low'), field('close')];
    ctx.notes.push('TS_TRUE_RANGE -> Greater(high, previous close) - Less(low, previous close)');
    return call('Sub', call('Greater', high!, call('Ref', close!, num(1))), call('Less', low!, call('Ref', close!, num(1))));
  },
};

/** How constructions (not plain renames) read in notes. */
const CONSTRUCTIONS: Readonly<Record<string, string>> = {
  mean: 'Mean, or with one argument the cross-sectional mean x - CSDemean(x)',
  tspctchange: 'x/Ref(x,n)-1',
  pctchange: 'x/Ref(x,n)-1',
  tsreturn: 'x/Ref(x,n)-1',
  tsmomentum: 'x/Ref(x,n)-1',
  roc: 'x/Ref(x,n)-1',
  tszscore: '(x-Mean(x,n))/(Std(x,n)+1e-8)',
  tsautocorr: 'Corr(x, Ref(x,1), n)',
  highday: 'days since the maximum: n - IdxMax(x,n)',
  lowday: 'days since the minimum: n - IdxMin(x,n)',
  inv: '1/x',
  sqrt: 'Power(x, 0.5)',
  signedpower: 'Sign(x)*Power(Abs(x), e)',
  count: 'Sum(cond, n) (days the condition held)',
  sumif: 'Sum(If(cond, x, 0), n)',
  max: 'Greater (element-wise)',
  min: 'Less (element-wise)',
  rank: 'CSRank (one argument) or Rank (with a window)',
  zscore: 'CSZScore',
};

/** Proxies for fields the data lacks, exact where they exist. */
const FIELD_PROXIES: Readonly<Record<string, { readonly node: Node; readonly note: string }>> = {
  return: { node: DAILY_RETURN, note: '$return -> the daily return $close/Ref($close,1)-1' },
  returns: { node: DAILY_RETURN, note: '$returns -> the daily return $close/Ref($close,1)-1' },
  ret: { node: DAILY_RETURN, note: '$ret -> the daily return $close/Ref($close,1)-1' },
  amount: { node: call('Mul', field('close'), field('volume')), note: '$amount -> dollar volume $close*$volume' },
  dollar_volume: { node: call('Mul', field('close'), field('volume')), note: '$dollar_volume -> $close*$volume' },
  money: { node: call('Mul', field('close'), field('volume')), note: '$money -> dollar volume $close*$volume' },
  trading_volume: { node: field('volume'), note: '$trading_volume -> $volume' },
  vol: { node: field('volume'), note: '$vol -> $volume' },
  price: { node: field('close'), note: '$price -> $close' },
  adj_close: { node: field('close'), note: '$adj_close -> $close (prices are adjusted)' },
  market_return: {
    node: call('Sub', DAILY_RETURN, call('CSDemean', DAILY_RETURN)),
    note: "$market_return -> the universe's equal-weighted mean daily return (daily return minus its cross-sectional demeaned value)",
  },
  return_market: {
    node: call('Sub', DAILY_RETURN, call('CSDemean', DAILY_RETURN)),
    note: "$return_market -> the universe's equal-weighted mean daily return",
  },
};

const VWAP_PROXY: Node = call('Div', call('Add', call('Add', field('high'), field('low')), field('close')), num(3));

function translateField(node: Node & { kind: 'field' }, ctx: Context): Node {
  const name = node.name.toLowerCase();
  if (ctx.fields.has(name)) return name === node.name ? node : field(name);
  const learned = ctx.learned.get(`$${name}`);
  if (learned !== undefined) {
    ctx.notes.push(`$${node.name} -> ${learned} (as a similar past fix did)`);
    return field(learned.slice(1));
  }
  const proxy = FIELD_PROXIES[name];
  if (proxy) {
    ctx.notes.push(proxy.note);
    return proxy.node;
  }
  if (name === 'vwap') {
    ctx.notes.push('$vwap is not in the data: used the typical price ($high+$low+$close)/3');
    return VWAP_PROXY;
  }
  // Only a typo (one edit, no compound name like $close_a, which is another series altogether).
  const near = name.includes('_') ? [] : suggestFields(name, ctx.fields).filter((f) => editDistance(name, f, 1) <= 1);
  if (near.length > 0) {
    ctx.notes.push(`$${node.name} -> $${near[0]}`);
    return field(near[0]!);
  }
  ctx.problems.push(`field $${node.name} has no equivalent in the data (${[...ctx.fields].map((f) => `$${f}`).join(', ')})`);
  return node;
}

/** A registry call checked for fixable arguments: integer windows, no look-ahead, within limits. */
function fixArguments(node: CallNode, ctx: Context): Node {
  const spec = OPERATORS.get(node.op)!;
  if (node.args.length !== spec.args.length) return withArity(node.op, [...node.args], ctx, node.op) ?? node;
  const args = node.args.map((arg, i) => {
    const kind = spec.args[i]!.kind;
    const value = literal(arg);
    if (value === null || (kind !== 'window' && kind !== 'lag' && kind !== 'quantile' && kind !== 'span')) return arg;
    if (kind === 'quantile') {
      const upper = spec.args[i]!.below !== undefined ? 0.49 : 1;
      const q = value > 1 && value <= 100 ? value / 100 : value;
      const clamped = Math.min(upper, Math.max(0, q));
      if (clamped !== value) ctx.notes.push(`${node.op}: quantile ${value} -> ${clamped}`);
      return num(clamped);
    }
    if (kind === 'span') {
      if (value >= 0) return arg;
      ctx.notes.push(`${node.op}: negative span ${value} -> ${-value}`);
      return num(-value);
    }
    let days = Math.round(Math.abs(value));
    if (value < 0) ctx.notes.push(`${node.op}: ${kind} ${value} read the future; used ${days} (look-ahead is not allowed)`);
    else if (days !== value) ctx.notes.push(`${node.op}: ${kind} ${value} -> ${days} (days are whole)`);
    if (days > ctx.limits.maxWindow) {
      ctx.notes.push(`${node.op}: ${kind} ${days} -> ${ctx.limits.maxWindow} (the window limit)`);
      days = ctx.limits.maxWindow;
    }
    const minimum = spec.args[i]!.minWindow;
    if (kind === 'window' && minimum !== undefined && days !== 0 && days < minimum) {
      ctx.notes.push(`${node.op}: window ${days} -> ${minimum} (its minimum)`);
      days = minimum;
    }
    return num(days);
  });
  return call(node.op, ...args);
}

/** `x > MEDIAN(x)` with a cross-sectional median: the same as `CSRank(x) > 0.5`. */
function crossSectionalMedianComparison(node: CallNode): Node | null {
  if (!['Gt', 'Ge', 'Lt', 'Le'].includes(node.op)) return null;
  const [a, b] = node.args as [Node, Node];
  if (b.kind === 'call' && key(b.op) === 'median' && b.args.length === 1 && printFactor(b.args[0]!) === printFactor(a)) {
    return call(node.op, call('CSRank', a), num(0.5));
  }
  return null;
}

function translateNode(node: Node, ctx: Context): Node {
  if (node.kind === 'number') return node;
  if (node.kind === 'field') return translateField(node, ctx);
  const median = crossSectionalMedianComparison(node);
  if (median) {
    ctx.notes.push('x > MEDIAN(x) (cross-sectional median) -> CSRank(x) > 0.5');
    return translateNode(median, ctx);
  }
  // SEQUENCE(n) is consumed by its parent (TS_CORR, REGBETA, REGRESI, TS_R2).
  if (key(node.op) === 'sequence') return node;
  const args = node.args.map((arg) => translateNode(arg, ctx));
  if (OPERATORS.has(node.op)) return fixArguments(call(node.op, ...args), ctx);

  const learned = ctx.learned.get(node.op);
  if (learned !== undefined && OPERATORS.has(learned) && OPERATORS.get(learned)!.args.length === args.length) {
    ctx.notes.push(`${node.op} -> ${learned} (as a similar past fix did)`);
    return fixArguments(call(learned, ...args), ctx);
  }
  const build = ALIASES[key(node.op)];
  if (build) {
    const built = build(args, ctx, node.op);
    if (built === null) return call(node.op, ...args);
    if (!ctx.notes.some((n) => n.startsWith(`${node.op}`))) ctx.notes.push(`${node.op} -> ${CONSTRUCTIONS[key(node.op)] ?? (built.kind === 'call' ? built.op : printFactor(built))}`);
    return built.kind === 'call' && OPERATORS.has(built.op) ? fixArguments(built, ctx) : built;
  }
  // A registry operator within a small edit distance and the same arity ("Meen" -> Mean).
  const suggestion = suggestOperators(node.op).find((op) => OPERATORS.get(op)!.args.length === args.length);
  if (suggestion) {
    ctx.notes.push(`${node.op} -> ${suggestion}`);
    return fixArguments(call(suggestion, ...args), ctx);
  }
  ctx.problems.push(`function ${node.op} has no equivalent in the factor language`);
  return call(node.op, ...args);
}

/** Monotone increasing wrappers at the root change no ranking, so they can go: EXP(x), 1/(1+EXP(-k*x)). */
function stripMonotoneRoot(node: Node, notes: string[]): Node {
  if (node.kind !== 'call') return node;
  if (key(node.op) === 'exp' && node.args.length === 1) {
    notes.push('EXP at the root dropped: it is increasing, so the ranking is unchanged');
    return stripMonotoneRoot(node.args[0]!, notes);
  }
  // 1 / (1 + EXP(-k * x)) with k > 0: the logistic function of x.
  const [one, denominator] = node.args;
  if (node.op === 'Div' && literal(one) === 1 && denominator?.kind === 'call' && denominator.op === 'Add') {
    const [a, b] = denominator.args as [Node, Node];
    const exp = literal(a) === 1 ? b : literal(b) === 1 ? a : null;
    if (exp?.kind === 'call' && key(exp.op) === 'exp' && exp.args.length === 1) {
      const inner = exp.args[0]!;
      if (inner.kind === 'call' && inner.op === 'Mul' && (literal(inner.args[0]) ?? 0) < 0) {
        notes.push('logistic 1/(1+EXP(-k*x)) at the root replaced by x: increasing, so the ranking is unchanged');
        return inner.args[1]!;
      }
    }
  }
  return node;
}

export function translate(ast: Node, fields: ReadonlySet<string>, limits: Partial<FactorLimits>, learned: ReadonlyMap<string, string> = new Map()): Translation {
  const notes: string[] = [];
  const problems: string[] = [];
  const root = stripMonotoneRoot(ast, notes);
  const translated = translateNode(root, { fields, limits: resolveLimits(limits), notes, problems, learned });
  return { ast: translated, notes: [...new Set(notes)], problems: [...new Set(problems)] };
}
