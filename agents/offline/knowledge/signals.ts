/**
 * Building blocks: core signals of the literature, each oriented the way the
 * literature expects it to pay (reversal, low volatility, illiquidity, low
 * abnormal volume, the MAX effect, ...), so fusions add rather than cancel;
 * and the state variables regime gates read. Used by the fusion,
 * transformation and gating families and by the builder's grammar.
 */
import type { GateState, Signal } from './types.js';

export const SIGNALS: readonly Signal[] = [
  { id: 'momentum', phrase: 'the {n}-day return', keywords: ['momentum', 'past return', 'winners', 'trend continuation'], expression: '$close/Ref($close,{n})-1', mechanism: 'momentum', source: 'price' },
  { id: 'reversal', phrase: 'the reversal of the {s}-day return', keywords: ['reversal', 'overreaction', 'mean reversion', 'losers rebound'], expression: '-1*($close/Ref($close,{s})-1)', mechanism: 'reversion', source: 'price' },
  { id: 'low-volatility', phrase: 'low {n}-day return volatility', keywords: ['low volatility', 'volatility', 'risk'], expression: '-1*Std({r},{n})', mechanism: 'volatility', source: 'volatility' },
  { id: 'amihud', phrase: 'Amihud illiquidity (absolute return per unit of traded value) over {n} days', keywords: ['amihud', 'illiquidity', 'price impact'], expression: 'Mean({absr}/({dv}+1),{n})', mechanism: 'liquidity', source: 'price-volume' },
  { id: 'low-abnormal-volume', phrase: 'low abnormal volume ({s}-day against {m}-day mean volume)', keywords: ['abnormal volume', 'turnover', 'volume ratio', 'attention'], expression: '-1*Mean($volume,{s})/(Mean($volume,{m})+1)', mechanism: 'liquidity', source: 'volume' },
  { id: 'max-effect', phrase: 'the MAX effect (the largest daily return over {n} days)', keywords: ['max effect', 'lottery', 'largest daily return'], expression: '-1*Max({r},{n})', mechanism: 'volatility', source: 'price' },
  { id: 'negative-skew', phrase: 'negative skewness of daily returns over {n} days', keywords: ['skewness', 'skew'], expression: '-1*Skew({r},{n})', mechanism: 'volatility', source: 'price', minWindow: 5 },
  { id: 'price-volume-correlation', phrase: 'a negative {n}-day correlation of price and log volume', keywords: ['price-volume correlation', 'correlation of price and volume'], expression: '-1*Corr($close,{lv},{n})', mechanism: 'microstructure', source: 'price-volume', minWindow: 3 },
  { id: 'narrow-range', phrase: 'a narrow average high-low range over {n} days', keywords: ['high-low range', 'daily range', 'range'], expression: '-1*Mean({hlr},{n})', mechanism: 'volatility', source: 'range' },
  { id: 'lower-shadow', phrase: 'long lower shadows (absorbed selling) over {n} days', keywords: ['lower shadow', 'absorbed selling'], expression: 'Mean({lshadow}/$close,{n})', mechanism: 'microstructure', source: 'range' },
  { id: 'short-upper-shadow', phrase: 'short upper shadows (no rejected rallies) over {n} days', keywords: ['upper shadow', 'rejected rally'], expression: '-1*Mean({ushadow}/$close,{n})', mechanism: 'microstructure', source: 'range' },
  { id: 'drawdown', phrase: 'the drawdown from the {n}-day peak', keywords: ['drawdown', 'distance from the peak'], expression: '$close/Max($close,{n})-1', mechanism: 'reversion', source: 'price' },
  { id: 'trend-fit', phrase: 'the signed {n}-day trend fit (R-squared times the sign of the slope)', keywords: ['trend fit', 'r-squared', 'trend quality'], expression: 'Rsquare($close,{n})*Sign(Slope($close,{n}))', mechanism: 'momentum', source: 'price', minWindow: 3 },
  { id: 'trend-residual', phrase: 'the negative residual of the {n}-day linear trend', keywords: ['residual', 'linear trend'], expression: '-1*Resi($close,{n})/$close', mechanism: 'reversion', source: 'price', minWindow: 3 },
  { id: 'ma-deviation', phrase: 'the shortfall of the price from its {n}-day moving average', keywords: ['moving average', 'deviation from the average'], expression: '-1*($close/Mean($close,{n})-1)', mechanism: 'reversion', source: 'price' },
  { id: 'accumulation', phrase: 'volume-weighted close location over {n} days (accumulation)', keywords: ['close location', 'accumulation', 'buying pressure'], expression: 'Sum({clv}*$volume,{n})/(Sum($volume,{n})+1)', mechanism: 'microstructure', source: 'price-volume' },
  { id: 'overnight-reversal', phrase: 'the reversal of the average overnight gap over {n} days', keywords: ['overnight', 'opening gap'], expression: '-1*Mean({gap},{n})', mechanism: 'reversion', source: 'price' },
  { id: 'intraday-drift', phrase: 'the average open-to-close return over {n} days', keywords: ['intraday return', 'open-to-close'], expression: 'Mean({intra},{n})', mechanism: 'momentum', source: 'price' },
  { id: 'downside-asymmetry', phrase: 'the share of downside in {n}-day return variance (asymmetry)', keywords: ['downside variance', 'semivariance', 'asymmetry'], expression: 'Sum(Power(Less({r},0),2),{n})/(Sum(Power({r},2),{n})+1e-8)', mechanism: 'volatility', source: 'volatility' },
  { id: 'idiosyncratic-volatility', phrase: 'low volatility of the return relative to the market (cross-sectional mean) over {n} days', keywords: ['idiosyncratic volatility', 'relative to the market'], expression: '-1*Std(CSDemean({r}),{n})', mechanism: 'volatility', source: 'volatility' },
];

export const GATE_STATES: readonly GateState[] = [
  { id: 'volatility-state', phrase: 'the {n}-day return volatility', keywords: ['volatility state', 'turbulent', 'calm'], expression: 'Std({r},{n})' },
  { id: 'trend-state', phrase: 'the {n}-day trend fit (R-squared)', keywords: ['trend state', 'trending', 'trend strength'], expression: 'Rsquare($close,{n})' },
  { id: 'volume-state', phrase: 'the {n}-day mean volume', keywords: ['liquidity state', 'heavy trading', 'thin trading'], expression: 'Mean($volume,{n})' },
  { id: 'range-state', phrase: 'the {n}-day mean high-low range', keywords: ['range state', 'wide range'], expression: 'Mean({hlr},{n})' },
  { id: 'relative-strength-state', phrase: 'the cross-sectional rank of the {n}-day return', keywords: ['relative strength', 'market-relative'], expression: 'CSRank($close/Ref($close,{n})-1)' },
];

export const SIGNAL_BY_ID: ReadonlyMap<string, Signal> = new Map(SIGNALS.map((s) => [s.id, s]));
export const GATE_BY_ID: ReadonlyMap<string, GateState> = new Map(GATE_STATES.map((g) => [g.id, g]));
