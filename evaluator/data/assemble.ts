/**
 * Pieces every reader uses to put a Panel together: shared buffers for the
 * fields and ranges, and universe masks from membership intervals or from
 * the instruments' own date ranges.
 */

import { sharedFloat64, sharedInt32, sharedUint8, type Universe } from '../panel.js';
import { firstDayOnOrAfter, lastDayOnOrBefore } from './dates.js';

/** One membership interval of an instrument file, dates inclusive (`YYYY-MM-DD`). */
export interface MembershipInterval {
  readonly start: string;
  readonly end: string;
}

export interface PanelBuffers {
  readonly fields: Record<string, Float64Array>;
  /** Each instrument's own range [start, end); starts empty (start = T, end = 0) for readers to widen. */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** NaN-filled N*T fields and empty ranges, all in SharedArrayBuffer. */
export function allocatePanel(N: number, T: number, fieldNames: readonly string[]): PanelBuffers {
  const fields: Record<string, Float64Array> = {};
  for (const name of fieldNames) fields[name] = sharedFloat64(N * T);
  const start = sharedInt32(N);
  const end = sharedInt32(N);
  start.fill(T);
  return { fields, start, end };
}

/** Instruments that never got data keep start = end = 0, the canonical empty range. */
export function normalizeEmptyRanges(start: Int32Array, end: Int32Array): void {
  for (let i = 0; i < start.length; i++) {
    if (start[i]! >= end[i]!) {
      start[i] = 0;
      end[i] = 0;
    }
  }
}

/** Point-in-time mask: instrument i is a member on the calendar days inside one of its intervals. */
export function membershipUniverse(
  name: string,
  calendar: readonly string[],
  symbols: readonly string[],
  intervals: ReadonlyMap<string, readonly MembershipInterval[]>,
): Universe {
  const T = calendar.length;
  const mask = sharedUint8(symbols.length * T);
  symbols.forEach((symbol, i) => {
    for (const { start, end } of intervals.get(symbol) ?? []) {
      const from = firstDayOnOrAfter(calendar, start);
      const to = lastDayOnOrBefore(calendar, end) + 1;
      if (from < to) mask.fill(1, i * T + from, i * T + to);
    }
  });
  return { name, mask };
}

/** Every instrument is a member on each day of its own range. */
export function ownRangeUniverse(name: string, T: number, start: Int32Array, end: Int32Array): Universe {
  const mask = sharedUint8(start.length * T);
  for (let i = 0; i < start.length; i++) {
    if (start[i]! < end[i]!) mask.fill(1, i * T + start[i]!, i * T + end[i]!);
  }
  return { name, mask };
}
