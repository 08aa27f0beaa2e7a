/**
 * Order execution as qlib's Exchange deals an order at the day's deal price
 * (qlib/backtest/exchange.py: round_amount_by_trade_unit,
 * _get_buy_amount_by_cash_limit, _calc_trade_info_by_order), with no volume
 * limit and no impact cost, as in qlib's benchmark configurations.
 *
 * Amounts are in adjusted shares (prices are adjusted); the trade unit counts
 * raw shares, amount * factor.
 */

export interface ExchangeConfig {
  /** Cost rate of a buy. */
  readonly openCost: number;
  /** Cost rate of a sell. */
  readonly closeCost: number;
  /** Least cost of any executed trade, in account currency. */
  readonly minCost: number;
  /** Raw shares per lot (100 on A-shares); null trades any amount. */
  readonly tradeUnit: number | null;
  /** A stock whose close moved at least this far up (down) that day cannot be traded; null: no price limit. */
  readonly limitThreshold: number | null;
}

/** qlib's CSI 300 benchmark settings (workflow_config_*_Alpha158.yaml exchange_kwargs, region cn). */
export const CHINA_A_SHARES: ExchangeConfig = {
  openCost: 0.0005,
  closeCost: 0.0015,
  minCost: 5,
  tradeUnit: 100,
  limitThreshold: 0.095,
};

/** Same costs; no daily price limit and no lot size. */
export const US_EQUITIES: ExchangeConfig = {
  openCost: 0.0005,
  closeCost: 0.0015,
  minCost: 5,
  tradeUnit: null,
  limitThreshold: null,
};

export interface Fill {
  /** Adjusted shares dealt (0 when nothing was). */
  readonly amount: number;
  /** amount * price. */
  readonly value: number;
  readonly cost: number;
}

const NO_FILL: Fill = { amount: 0, value: 0, cost: 0 };

/** Below this trade value (qlib's 1e-5) an order counts as not dealt: no cost, no position change. */
const DEALT = 1e-5;

/** Whole lots of raw shares, back in adjusted shares; +0.1 absorbs float error (qlib's rounding). */
export function roundToTradeUnit(amount: number, factor: number, tradeUnit: number | null): number {
  if (tradeUnit === null) return amount;
  return (Math.floor((amount * factor + 0.1) / tradeUnit) * tradeUnit) / factor;
}

/** Most shares `cash` buys once the cost is paid out of it. */
export function buyAmountWithinCash(price: number, cash: number, costRate: number, minCost: number): number {
  if (cash < minCost) return 0;
  // At this cash the proportional cost equals the minimum cost (Infinity at a zero rate).
  const critical = minCost / costRate + minCost;
  return cash >= critical ? cash / (1 + costRate) / price : (cash - minCost) / price;
}

/** A buy of `amount` with `cash` on hand: shrunk to what the cash covers, in whole lots. */
export function dealBuy(amount: number, price: number, factor: number, cash: number, config: ExchangeConfig): Fill {
  const wanted = amount * price;
  const wantedCost = Math.max(wanted * config.openCost, config.minCost);
  let dealt: number;
  if (cash < wantedCost) dealt = 0;
  else if (cash < wanted + wantedCost) {
    dealt = roundToTradeUnit(Math.min(buyAmountWithinCash(price, cash, config.openCost, config.minCost), amount), factor, config.tradeUnit);
  } else dealt = roundToTradeUnit(amount, factor, config.tradeUnit);
  return fill(dealt, price, config.openCost, config.minCost);
}

/** A sale of the whole holding (no rounding: the last lot may be odd); refused if the cost would overdraw the cash. */
export function dealSell(amount: number, price: number, cash: number, config: ExchangeConfig): Fill {
  const value = amount * price;
  if (cash + value < Math.max(value * config.closeCost, config.minCost)) return NO_FILL;
  return fill(amount, price, config.closeCost, config.minCost);
}

function fill(amount: number, price: number, costRate: number, minCost: number): Fill {
  const value = amount * price;
  if (value <= DEALT) return NO_FILL;
  return { amount, value, cost: Math.max(value * costRate, minCost) };
}

export function checkExchangeConfig(config: ExchangeConfig): void {
  const fail = (what: string): never => {
    throw new RangeError(`exchange: ${what}`);
  };
  if (!(config.openCost >= 0 && config.openCost < 1)) fail(`openCost must be in [0, 1), got ${config.openCost}`);
  if (!(config.closeCost >= 0 && config.closeCost < 1)) fail(`closeCost must be in [0, 1), got ${config.closeCost}`);
  if (!(config.minCost >= 0)) fail(`minCost must be >= 0, got ${config.minCost}`);
  if (config.tradeUnit !== null && !(config.tradeUnit > 0)) fail(`tradeUnit must be positive or null, got ${config.tradeUnit}`);
  if (config.limitThreshold !== null && !(config.limitThreshold > 0)) fail(`limitThreshold must be positive or null, got ${config.limitThreshold}`);
}
