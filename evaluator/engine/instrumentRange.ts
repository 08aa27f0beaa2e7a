/**
 * A panel restricted to a contiguous range of instruments: views into the
 * same arrays, no copies. Per-instrument operators give the same values on
 * the slice as on the whole panel; cross-sectional ones need whole days
 * and must not be evaluated on a slice.
 */

import type { Panel } from '../panel.js';
import { EvaluationError } from './plan.js';

export function instrumentRange(panel: Panel, from: number, to: number): Panel {
  if (from === 0 && to === panel.N) return panel;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= panel.N)) {
    throw new EvaluationError(`instrument range [${from}, ${to}) is not inside [0, ${panel.N})`);
  }
  const T = panel.T;
  return {
    ...panel,
    N: to - from,
    start: panel.start.subarray(from, to),
    end: panel.end.subarray(from, to),
    symbols: panel.symbols.slice(from, to),
    fields: Object.fromEntries(Object.entries(panel.fields).map(([name, f]) => [name, f.subarray(from * T, to * T)])),
    universes: Object.fromEntries(Object.entries(panel.universes).map(([name, u]) => [name, { name: u.name, mask: u.mask.subarray(from * T, to * T) }])),
  };
}
