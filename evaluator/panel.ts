/**
 * A market panel: every field of every instrument over one trading calendar,
 * held in SharedArrayBuffer so worker threads read it without copying.
 *
 * Layout is instrument-major (see operators/kernels/types.ts): the value of
 * instrument i on day t is `field[i * T + t]`.
 */

import type { SeriesLayout } from '../operators/kernels/types.js';

export interface Universe {
  readonly name: string;
  /** Point-in-time membership, N*T, 1 = member that day. */
  readonly mask: Uint8Array;
}

export interface Panel extends SeriesLayout {
  /** Trading days, ascending, `YYYY-MM-DD`. */
  readonly calendar: readonly string[];
  /** Instrument codes, upper-case as in the instrument files. */
  readonly symbols: readonly string[];
  /** Field name without `$` (`close`, `volume`, ...) to N*T values. */
  readonly fields: Readonly<Record<string, Float64Array>>;
  /** Universes known for this panel, by name (`csi300`, `all`, ...). */
  readonly universes: Readonly<Record<string, Universe>>;
  /** Where the panel came from, for reports and errors. */
  readonly source: PanelSource;
}

export interface PanelSource {
  readonly kind: 'qlib' | 'csv' | 'synthetic';
  /** Directory read, or the generator's description. */
  readonly location: string;
  /** Free-form metadata (the synthetic market names its planted signals here). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** A Float64Array of `length` NaNs backed by a SharedArrayBuffer. */
export function sharedFloat64(length: number): Float64Array {
  const a = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  a.fill(NaN);
  return a;
}

/** A zeroed Uint8Array of `length` backed by a SharedArrayBuffer. */
export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** A zeroed Int32Array of `length` backed by a SharedArrayBuffer. */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}
