/**
 * Claims a text can make about a factor, and whether an expression honours
 * them: the vocabulary the offline judge checks consistency with
 * (QuantaAlpha's "the hypothesis claims liquidity but the code never touches
 * volume") and the improver repairs. Only claims an expression can be held
 * to are listed; words like "momentum" are left out because any price
 * expression could be said to carry them.
 */
import type { Node } from '../../operators/index.js';

export interface ExpressionFacts {
  readonly fields: ReadonlySet<string>;
  readonly operators: ReadonlySet<string>;
}

export interface Concept {
  readonly id: string;
  /** How the text says it. */
  readonly words: RegExp;
  /** How an expression does it. */
  readonly honouredBy: (facts: ExpressionFacts) => boolean;
  /** What is missing, for reasons ("never reads $volume"). */
  readonly missing: string;
}

const anyOp = (facts: ExpressionFacts, ops: readonly string[]) => ops.some((op) => facts.operators.has(op));

export const CONCEPTS: readonly Concept[] = [
  {
    id: 'volume',
    words: /\$volume\b|\b(volumes?|turnover|liquidity|illiquid\w*|traded value|dollar volume|participation|trading activity|shares traded)\b/i,
    honouredBy: (f) => f.fields.has('volume'),
    missing: 'never reads $volume',
  },
  {
    id: 'range',
    words: /\$high\b|\$low\b|\b(high-low|intraday range|daily range|price range|true range|shadows?|wicks?|candlesticks?|close location)\b/i,
    honouredBy: (f) => f.fields.has('high') || f.fields.has('low'),
    missing: 'never reads $high or $low',
  },
  {
    id: 'open',
    words: /\$open\b|\b(overnight|opening price|open price|open-to-close|opening gap|candle body|bar body)\b/i,
    honouredBy: (f) => f.fields.has('open'),
    missing: 'never reads $open',
  },
  {
    id: 'cross-section',
    words: /\b(herding|cross-sectional (rank|z-score|percentile|demean|mean|average)\w*|relative to (the )?(universe|market|peers))\b/i,
    honouredBy: (f) => anyOp(f, ['CSRank', 'CSZScore', 'CSDemean', 'CSScale', 'CSWinsorize']),
    missing: 'uses no cross-sectional operator (CSRank, CSZScore, CSDemean, ...)',
  },
  {
    id: 'correlation',
    words: /\b(correlat\w*|co-?movements?|covariance|synchroni[sz]\w*)\b/i,
    honouredBy: (f) => anyOp(f, ['Corr', 'Cov']),
    missing: 'uses no Corr or Cov',
  },
  {
    id: 'volatility',
    words: /\b(volatility|standard deviations?|variances?|dispersion)\b/i,
    honouredBy: (f) => anyOp(f, ['Std', 'Var', 'Mad', 'Abs', 'Power', 'Skew', 'Kurt']) || (f.fields.has('high') && f.fields.has('low')),
    missing: 'measures no dispersion (Std, Var, Mad, Abs or the high-low range)',
  },
  {
    id: 'skewness',
    words: /\b(skew\w*|asymmetr\w*)\b/i,
    honouredBy: (f) => anyOp(f, ['Skew', 'If', 'Gt', 'Lt', 'Ge', 'Le', 'Greater', 'Less', 'Max', 'Min']),
    missing: 'has no Skew and no up/down split (If, Greater, Less, Max, Min)',
  },
  {
    id: 'tails',
    words: /\b(kurtosis|fat tails?|tail risk|extreme (returns?|moves?|days?))\b/i,
    honouredBy: (f) => anyOp(f, ['Kurt', 'Skew', 'Max', 'Min', 'Quantile', 'Power', 'Abs']),
    missing: 'measures no tails (Kurt, Max, Min, Quantile)',
  },
  {
    id: 'regression',
    words: /\b(r-squared|regression|linear fit|trend fit|slope|residuals?)\b/i,
    honouredBy: (f) => anyOp(f, ['Slope', 'Rsquare', 'Resi', 'Cov', 'Corr']),
    missing: 'fits no trend (Slope, Rsquare, Resi)',
  },
  {
    id: 'gate',
    words: /\b(gated?|gating|gates|switch(es|ed)? (on|off)|switched (on|off)|only when|conditional on|conditioned on)\b/i,
    honouredBy: (f) => anyOp(f, ['If', 'Gt', 'Ge', 'Lt', 'Le', 'And', 'Or', 'Greater', 'Less']),
    missing: 'has no condition (If or a comparison)',
  },
  {
    id: 'drawdown',
    words: /\b(drawdowns?|running (max|maximum|peak)|(recent|rolling|past) (peak|high|trough)s?|distance from the (peak|high|trough))\b/i,
    honouredBy: (f) => anyOp(f, ['Max', 'Min', 'IdxMax', 'IdxMin']),
    missing: 'tracks no peak or trough (Max, Min, IdxMax, IdxMin)',
  },
  {
    id: 'lag',
    words: /\b(lagged|yesterday'?s|previous day'?s|delayed)\b/i,
    honouredBy: (f) => anyOp(f, ['Ref', 'Delta']),
    missing: 'reads no earlier value (Ref or Delta)',
  },
  {
    id: 'moving-average',
    words: /\bmoving averages?\b/i,
    honouredBy: (f) => anyOp(f, ['Mean', 'EMA', 'WMA', 'Sum']),
    missing: 'takes no moving average (Mean, EMA, WMA)',
  },
];

/** Clauses that deny rather than claim ("without volume", "not the range"). */
const NEGATED = /\b(without|not|no|never|rather than|instead of|ignor\w+|excluding|regardless of)\b[^.,;:!?()]*/gi;

/** The concepts a text claims. */
export function claims(text: string): Set<string> {
  const affirmative = text.replace(NEGATED, ' ');
  return new Set(CONCEPTS.filter((c) => c.words.test(affirmative)).map((c) => c.id));
}

export function factsOf(ast: Node): ExpressionFacts {
  const fields = new Set<string>();
  const operators = new Set<string>();
  const visit = (node: Node): void => {
    if (node.kind === 'field') fields.add(node.name);
    else if (node.kind === 'call') {
      operators.add(node.op);
      node.args.forEach(visit);
    }
  };
  visit(ast);
  return { fields, operators };
}

export function conceptById(id: string): Concept {
  const concept = CONCEPTS.find((c) => c.id === id);
  if (!concept) throw new Error(`unknown concept ${id}`);
  return concept;
}

/** Concepts the text claims that the expression does not honour. */
export function unhonoured(text: string, facts: ExpressionFacts): Concept[] {
  const claimed = claims(text);
  return CONCEPTS.filter((c) => claimed.has(c.id) && !c.honouredBy(facts));
}
