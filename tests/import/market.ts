/**
 * A small hand-made market for the translation tests: 6 instruments x 48
 * days, with what real data has and the rules must survive: a late listing,
 * an early delisting, suspensions (NaN runs), a flat stretch, prices rounded
 * to cents (ties), and volumes with zeros.
 */
import type { Panel } from '../../evaluator/panel.js';
import { FactorEngine } from '../../evaluator/engine.js';
import type { Node } from '../../operators/index.js';
import { mulberry32 } from '../kernels/panels.js';

export const T = 48;
export const N = 6;

export function smallMarket(seed = 7): Panel {
  const rand = mulberry32(seed);
  const start = Int32Array.from([0, 6, 0, 0, 3, 0]);
  const end = Int32Array.from([T, T, T, 36, T, T]);
  const names = ['open', 'high', 'low', 'close', 'volume', 'factor', 'change'] as const;
  const fields = Object.fromEntries(names.map((n) => [n, new Float64Array(N * T).fill(NaN)])) as Record<(typeof names)[number], Float64Array>;
  const suspended = (i: number, t: number): boolean => (i === 1 && t >= 15 && t <= 17) || (i === 3 && t === 10) || (i === 5 && t === 30);
  for (let i = 0; i < N; i++) {
    let close = 10 + 20 * rand();
    for (let t = start[i]!; t < end[i]!; t++) {
      const k = i * T + t;
      const flat = i === 2 && t >= 20 && t < 30;
      const open = flat ? close : Math.round(close * (1 + 0.02 * (rand() - 0.5)) * 100) / 100;
      if (!flat) close = Math.round(open * (1 + 0.05 * (rand() - 0.5)) * 100) / 100;
      if (suspended(i, t)) continue;
      fields.open[k] = open;
      fields.close[k] = close;
      fields.high[k] = flat ? close : Math.round(Math.max(open, close) * (1 + 0.01 * rand()) * 100) / 100;
      fields.low[k] = flat ? close : Math.round(Math.min(open, close) * (1 - 0.01 * rand()) * 100) / 100;
      fields.volume[k] = rand() < 0.05 ? 0 : Math.round(1000 + 100000 * rand());
      fields.factor[k] = 1;
      fields.change[k] = 0;
    }
  }
  const calendar = Array.from({ length: T }, (_, t) => new Date(Date.UTC(2020, 0, 1 + t)).toISOString().slice(0, 10));
  const mask = new Uint8Array(N * T);
  for (let i = 0; i < N; i++) for (let t = start[i]!; t < end[i]!; t++) mask[i * T + t] = 1;
  return {
    T,
    N,
    start,
    end,
    calendar,
    symbols: Array.from({ length: N }, (_, i) => `S${i}`),
    fields,
    universes: { all: { name: 'all', mask } },
    source: { kind: 'synthetic', location: 'tests/import/market.ts' },
  };
}

/** Our engine's values for a typed AST over every instrument with data (as QuantaAlpha's cross-section: all instruments in its file). */
export function evaluate(panel: Panel, ast: Node): Float64Array {
  return new FactorEngine(panel, { universe: null }).evaluate(ast);
}
