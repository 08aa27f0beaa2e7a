/**
 * The benchmark's daily return, qlib's `$close/Ref($close,1)-1` of the
 * benchmark code: an index's own close (`SH000300` for CSI 300), or, where a
 * market has no index in the data, the equal-weight mean over the day's
 * universe members (qlib's list benchmark averages the day's change over the
 * listed codes that have one). A day without any is 0, as qlib fills it.
 */

import type { DayRange } from '../../metrics/types.js';
import type { Panel } from '../../panel.js';
import type { BacktestMarket } from './market.js';

export type Benchmark =
  | { readonly kind: 'index'; readonly name: string; /** Close over the panel calendar (length T). */ readonly close: Float64Array }
  | { readonly kind: 'universe-mean' };

/** The index `symbol` of a panel on the same calendar as the market (load it with `instruments: [symbol]`). */
export function indexBenchmark(panel: Panel, symbol: string): Benchmark {
  const i = panel.symbols.indexOf(symbol.toUpperCase());
  if (i < 0) throw new RangeError(`benchmark ${symbol} is not in the panel from ${panel.source.location}`);
  const close = panel.fields.close;
  if (!close) throw new RangeError(`benchmark ${symbol}: the panel from ${panel.source.location} has no close field`);
  return { kind: 'index', name: symbol.toUpperCase(), close: close.slice(i * panel.T, (i + 1) * panel.T) };
}

export function benchmarkName(benchmark: Benchmark): string {
  return benchmark.kind === 'index' ? benchmark.name : 'universe equal-weight mean';
}

/** Return of each day of `range`. */
export function benchmarkReturns(benchmark: Benchmark, market: BacktestMarket, universe: Uint8Array, range: DayRange): Float64Array {
  const days = range.end - range.start;
  const out = new Float64Array(days);
  if (benchmark.kind === 'index') {
    if (benchmark.close.length !== market.T) {
      throw new RangeError(`benchmark ${benchmark.name} has ${benchmark.close.length} days, the market ${market.T}: load both on one calendar`);
    }
    for (let d = 0; d < days; d++) {
      const t = range.start + d;
      const change = t > 0 ? benchmark.close[t]! / benchmark.close[t - 1]! - 1 : NaN;
      out[d] = Number.isFinite(change) ? change : 0;
    }
    return out;
  }
  const { N, T, close } = market;
  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < N && t > 0; i++) {
      if (universe[i * T + t] === 0) continue;
      const change = close[i * T + t]! / close[i * T + t - 1]! - 1;
      if (!Number.isFinite(change)) continue;
      sum += change;
      n++;
    }
    out[d] = n > 0 ? sum / n : 0;
  }
  return out;
}
