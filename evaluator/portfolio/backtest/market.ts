/**
 * The market as the backtest sees it: prices to deal and value at, and which
 * stocks can be traded on a day.
 *
 * qlib deals at the close ("deal_price: close") in adjusted prices, marks a
 * stock suspended when its close is missing, and blocks it when its `$change`
 * (close over the previous close, minus 1) reached the limit threshold. The
 * vendor data here keeps suspended days as rows with volume 0 and the last
 * close repeated, so zero (or missing) volume is a suspension too; and the
 * change is computed from the adjusted closes, because the `change` field is
 * a percentage in cn_csi300 and a ratio in us_sp500.
 */

import type { PanelShape } from '../../metrics/types.js';
import type { Panel } from '../../panel.js';

export interface BacktestMarket extends PanelShape {
  /** Adjusted close, N*T: the deal price and the valuation price. */
  readonly close: Float64Array;
  /** Adjustment factor, N*T (raw price = close / factor), for lot rounding; null when the data has none. */
  readonly factor: Float64Array | null;
  /** Volume, N*T; null when the data has none (then only a missing close marks a suspension). */
  readonly volume: Float64Array | null;
}

export function marketFromPanel(panel: Panel): BacktestMarket {
  const close = panel.fields.close;
  if (!close) throw new RangeError(`backtest: the panel from ${panel.source.location} has no close field (fields: ${Object.keys(panel.fields).join(', ')})`);
  return { N: panel.N, T: panel.T, close, factor: panel.fields.factor ?? null, volume: panel.fields.volume ?? null };
}

export function isSuspended(market: BacktestMarket, i: number, t: number): boolean {
  const cell = i * market.T + t;
  if (!Number.isFinite(market.close[cell]!)) return true;
  return market.volume !== null && !(market.volume[cell]! > 0);
}

/** close[t] / close[t - 1] - 1 (qlib's `$change`); NaN on the first day or next to a missing close. */
export function closeChange(market: BacktestMarket, i: number, t: number): number {
  if (t === 0) return NaN;
  const cell = i * market.T + t;
  return market.close[cell]! / market.close[cell - 1]! - 1;
}

/**
 * qlib's is_stock_tradable without a direction, which TopkDropout uses for
 * both its sells and its buys: not suspended, and the day's change inside
 * the limit on both sides.
 */
export function isTradable(market: BacktestMarket, i: number, t: number, limitThreshold: number | null): boolean {
  if (isSuspended(market, i, t)) return false;
  if (limitThreshold === null) return true;
  const change = closeChange(market, i, t);
  return !(change >= limitThreshold) && !(change <= -limitThreshold);
}
