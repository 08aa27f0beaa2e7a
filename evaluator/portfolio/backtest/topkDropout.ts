/**
 * The decision of qlib's TopkDropoutStrategy (qlib/contrib/strategy/
 * signal_strategy.py) with its defaults method_sell='bottom',
 * method_buy='top', only_tradable=False: which held stocks to sell and which
 * new ones to buy, from one day's scores. Tradability is not consulted here
 * (only_tradable=False); the simulator skips untradable orders afterwards.
 *
 * Order: scores descending; a stock without a score sorts last (pandas puts
 * NaN last); equal scores keep instrument order (pandas' sort is not stable,
 * so qlib's order among ties is arbitrary; ours is fixed).
 */

export interface TopkDropoutConfig {
  /** Stocks held. */
  readonly topk: number;
  /** Stocks replaced per day at most. */
  readonly nDrop: number;
  /** Days a stock must have been held before it may be sold. */
  readonly holdThresh: number;
  /** Share of the cash spent on each day's buys (qlib's risk_degree). */
  readonly riskDegree: number;
}

/** qlib's benchmark strategy: topk 50, n_drop 5, hold_thresh 1, risk_degree 0.95. */
export const QLIB_TOPK_DROPOUT: TopkDropoutConfig = { topk: 50, nDrop: 5, holdThresh: 1, riskDegree: 0.95 };

export interface DropoutDecision {
  /** Held stocks to sell, best score first. */
  readonly sell: readonly number[];
  /** Stocks to buy, best score first. */
  readonly buy: readonly number[];
}

/**
 * `held`: instruments in the position; `score[i]`: instrument i's score
 * (NaN = none that day); `scored`: the instruments with a score that day.
 */
export function topkDropoutDecision(
  held: readonly number[],
  score: Float64Array,
  scored: readonly number[],
  config: TopkDropoutConfig,
): DropoutDecision {
  const byScore = (a: number, b: number): number => {
    const sa = score[a]!;
    const sb = score[b]!;
    const na = Number.isNaN(sa);
    const nb = Number.isNaN(sb);
    if (na || nb) return na === nb ? a - b : na ? 1 : -1;
    return sb - sa || a - b;
  };
  const last = [...held].sort(byScore);
  const isHeld = new Set(held);
  const candidates = scored.filter((i) => !isHeld.has(i)).sort(byScore);
  // Python slices: a negative end drops from the back, exactly as Array.slice does.
  const today = candidates.slice(0, config.nDrop + config.topk - last.length);
  const combined = [...last, ...today].sort(byScore);
  const worst = new Set(combined.slice(-config.nDrop));
  const sell = last.filter((i) => worst.has(i));
  const buy = today.slice(0, sell.length + config.topk - last.length);
  return { sell, buy };
}

export function checkTopkDropoutConfig(config: TopkDropoutConfig): void {
  const fail = (what: string): never => {
    throw new RangeError(`TopkDropout: ${what}`);
  };
  if (!Number.isInteger(config.topk) || config.topk < 1) fail(`topk must be a positive integer, got ${config.topk}`);
  // qlib takes the last n_drop names with list[-n_drop:], which for 0 is the whole list: n_drop = 0 would sell everything.
  if (!Number.isInteger(config.nDrop) || config.nDrop < 1) fail(`nDrop must be a positive integer, got ${config.nDrop}`);
  if (!Number.isInteger(config.holdThresh) || config.holdThresh < 0) fail(`holdThresh must be a non-negative integer, got ${config.holdThresh}`);
  if (!(config.riskDegree > 0 && config.riskDegree <= 1)) fail(`riskDegree must be in (0, 1], got ${config.riskDegree}`);
}
