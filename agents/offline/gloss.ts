/**
 * Expressions in words, for the semantic descriptions the offline builder
 * writes: "the 20-day mean of the absolute daily return divided by dollar
 * volume". Common pieces are named (idioms); the words chosen for each
 * operator are the ones the judge's concept vocabulary expects, so a
 * description derived from an expression is consistent with it by
 * construction.
 */
import { compileFactor, printFactor, type Node } from '../../operators/index.js';
import { MACROS } from './knowledge/templates.js';

const IDIOM_WORDS: Readonly<Record<string, string>> = {
  r: 'the daily return',
  absr: 'the absolute daily return',
  lr: 'the daily log return',
  dv: 'dollar volume ($close × $volume)',
  hl: 'the high-low range',
  hlr: 'the high-low range relative to the close',
  clv: 'the close location in the daily range',
  body: 'the candle body ($close − $open)',
  ushadow: 'the upper shadow',
  lshadow: 'the lower shadow',
  gap: 'the overnight gap',
  intra: 'the open-to-close return',
  tr: 'the true range',
  lv: 'log volume',
};

/** Canonical text of each idiom -> its words. */
const IDIOMS: ReadonlyMap<string, string> = new Map(
  Object.entries(IDIOM_WORDS).flatMap(([key, words]) => {
    const compiled = compileFactor(MACROS[key]!);
    return compiled.ok ? [[compiled.canonical, words] as const] : [];
  }),
);

const FIELD_WORDS: Readonly<Record<string, string>> = {
  open: '$open',
  high: '$high',
  low: '$low',
  close: '$close',
  volume: '$volume',
  vwap: '$vwap',
  factor: '$factor',
  change: '$change',
};

const ROLLING_WORDS: Readonly<Record<string, string>> = {
  Mean: 'mean',
  Sum: 'sum',
  Std: 'standard deviation',
  Var: 'variance',
  Skew: 'skewness',
  Kurt: 'excess kurtosis',
  Max: 'maximum',
  Min: 'minimum',
  Med: 'median',
  Mad: 'mean absolute deviation',
  Slope: 'trend slope',
  Rsquare: 'trend R-squared',
  Resi: 'trend residual',
  Count: 'count of valid values',
  WMA: 'linearly weighted mean',
  EMA: 'exponential moving average',
  IdxMax: 'position of the maximum',
  IdxMin: 'position of the minimum',
};

const CROSS_SECTIONAL_WORDS: Readonly<Record<string, string>> = {
  CSRank: 'the cross-sectional rank of',
  CSZScore: 'the cross-sectional z-score of',
  CSDemean: 'the cross-sectionally demeaned value of',
  CSScale: 'the cross-sectionally scaled value of',
};

const INFIX_WORDS: Readonly<Record<string, string>> = {
  Add: 'plus',
  Sub: 'minus',
  Mul: 'times',
  Div: 'divided by',
  Gt: 'is above',
  Ge: 'is at least',
  Lt: 'is below',
  Le: 'is at most',
  Eq: 'equals',
  Ne: 'differs from',
  And: 'and',
  Or: 'or',
};

function num(node: Node): string {
  return node.kind === 'number' ? String(node.value) : '?';
}

/** "the 5-day return" for $close/Ref($close,5)-1 and the like. */
function nDayReturn(node: Node): string | null {
  if (node.kind !== 'call' || node.op !== 'Sub' || node.args[1]?.kind !== 'number' || node.args[1].value !== 1) return null;
  const ratio = node.args[0]!;
  if (ratio.kind !== 'call' || ratio.op !== 'Div') return null;
  const [top, bottom] = ratio.args as [Node, Node];
  if (bottom.kind !== 'call' || bottom.op !== 'Ref' || printFactor(bottom.args[0]!) !== printFactor(top)) return null;
  const days = num(bottom.args[1]!);
  return top.kind === 'field' && top.name === 'close' ? `the ${days}-day return` : `the ${days}-day relative change of ${glossNode(top, 1)}`;
}

function glossNode(node: Node, depth: number): string {
  if (node.kind === 'number') return String(node.value);
  if (node.kind === 'field') return FIELD_WORDS[node.name] ?? `$${node.name}`;
  const idiom = IDIOMS.get(printFactor(node));
  if (idiom) return idiom;
  const ret = nDayReturn(node);
  if (ret) return ret;
  if (depth > 7) return 'a nested term';
  const sub = (i: number) => glossNode(node.args[i]!, depth + 1);
  const op = node.op;
  if (ROLLING_WORDS[op]) return `the ${num(node.args[1]!)}-day ${ROLLING_WORDS[op]} of ${sub(0)}`;
  if (CROSS_SECTIONAL_WORDS[op]) return `${CROSS_SECTIONAL_WORDS[op]} ${sub(0)}`;
  if (INFIX_WORDS[op]) {
    if (op === 'Mul' && node.args[0]?.kind === 'number' && node.args[0].value === -1) return `minus ${sub(1)}`;
    return `(${sub(0)} ${INFIX_WORDS[op]} ${sub(1)})`;
  }
  switch (op) {
    case 'Ref':
      return `${sub(0)} ${num(node.args[1]!)} days earlier`;
    case 'Delta':
      return `the ${num(node.args[1]!)}-day change of ${sub(0)}`;
    case 'Rank':
      return `the percentile of ${sub(0)} in its own ${num(node.args[1]!)}-day history`;
    case 'Quantile':
      return `the ${num(node.args[2]!)} quantile over ${num(node.args[1]!)} days of ${sub(0)}`;
    case 'Corr':
      return `the ${num(node.args[2]!)}-day correlation of ${sub(0)} with ${sub(1)}`;
    case 'Cov':
      return `the ${num(node.args[2]!)}-day covariance of ${sub(0)} with ${sub(1)}`;
    case 'CSWinsorize':
      return `${sub(0)} clipped at the cross-sectional ${num(node.args[1]!)} quantiles`;
    case 'If':
      return `(${sub(1)} where ${sub(0)}, else ${sub(2)})`;
    case 'Greater':
      return `the larger of ${sub(0)} and ${sub(1)}`;
    case 'Less':
      return `the smaller of ${sub(0)} and ${sub(1)}`;
    case 'Abs':
      return `the absolute value of ${sub(0)}`;
    case 'Sign':
      return `the sign of ${sub(0)}`;
    case 'Log':
      return `the log of ${sub(0)}`;
    case 'Power':
      return `${sub(0)} to the power ${num(node.args[1]!)}`;
    case 'Not':
      return `not ${sub(0)}`;
    default:
      return `${op}(${node.args.map((_, i) => sub(i)).join(', ')})`;
  }
}

/** Fields read, in a fixed order, and the windows used. */
function inputs(ast: Node): string {
  const fields = new Set<string>();
  const windows = new Set<number>();
  const visit = (node: Node): void => {
    if (node.kind === 'field') fields.add(`$${node.name}`);
    if (node.kind !== 'call') return;
    node.args.forEach(visit);
    if (['Ref', 'Delta', 'Corr', 'Cov', 'Quantile', 'EMA', 'Rank', ...Object.keys(ROLLING_WORDS)].includes(node.op)) {
      const window = node.args[node.op === 'Corr' || node.op === 'Cov' ? 2 : 1];
      if (window?.kind === 'number') windows.add(window.value);
    }
  };
  visit(ast);
  const days = [...windows].sort((a, b) => a - b);
  return `Reads ${[...fields].sort().join(', ')}${days.length > 0 ? `; windows of ${days.join(', ')} days` : ''}.`;
}

const MAX_GLOSS = 700;

/** The expression in words, and what it reads. */
export function glossExpression(ast: Node): string {
  let words = glossNode(ast, 0);
  if (words.length > MAX_GLOSS) words = `${words.slice(0, MAX_GLOSS)}…`;
  return `Computes ${words}. ${inputs(ast)}`;
}
