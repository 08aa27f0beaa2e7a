/**
 * Train / valid / test periods as day ranges of a calendar.
 *
 * Agents get `AgentSplits`: train and valid only, plus `lastDay`, the first
 * day no agent-side computation may read (the engine's `lastDay` option), so
 * test-period data is never computed, let alone scored. The test period
 * exists only sealed, inside finalReport.ts, the one module that can open it.
 */

import { type DateSplit, resolveDateRange } from '../data/dates.js';
import { DataError } from '../data/errors.js';
import type { DayRange } from './types.js';

/** A day range with the trading dates it actually starts and ends on. */
export interface SplitRange extends DayRange {
  /** First trading day, YYYY-MM-DD. */
  readonly first: string;
  /** Last trading day (inclusive), YYYY-MM-DD. */
  readonly last: string;
}

/** Dates of the three periods; each side inclusive, an omitted side open (calendar start or end). */
export interface SplitDates {
  readonly train: DateSplit;
  readonly valid: DateSplit;
  readonly test: DateSplit;
}

/** All an agent may know of the periods. */
export interface AgentSplits {
  readonly train: SplitRange;
  readonly valid: SplitRange;
  /**
   * Exclusive day index = valid.end: compute and read nothing on or after it.
   * Labels computed with the engine clipped here are missing on the last days
   * of valid (they would need test-period prices), as they should be.
   */
  readonly lastDay: number;
  /** How the dates were snapped to trading days. */
  readonly notes: readonly string[];
}

export function resolveSplitRange(calendar: readonly string[], name: string, dates: DateSplit): SplitRange & { notes: string[] } {
  let resolved;
  try {
    resolved = resolveDateRange(calendar, dates.start, dates.end);
  } catch (error) {
    throw error instanceof DataError ? new DataError(`${name} period: ${error.message}`) : error;
  }
  return {
    start: resolved.startIndex,
    end: resolved.endIndex,
    first: calendar[resolved.startIndex]!,
    last: calendar[resolved.endIndex - 1]!,
    notes: resolved.notes.map((note) => `${name}: ${note}`),
  };
}

/** Throws unless the periods follow one another without overlap, in the order given. */
export function checkSplitOrder(periods: readonly (readonly [string, DayRange])[]): void {
  for (let k = 1; k < periods.length; k++) {
    const [before, a] = periods[k - 1]!;
    const [after, b] = periods[k]!;
    if (a.end > b.start) throw new DataError(`the ${before} period overlaps or follows the ${after} period`);
  }
}

/** Agent-side splits from train and valid ranges; frozen, and holding nothing else. */
export function makeAgentSplits(train: SplitRange, valid: SplitRange, notes: readonly string[]): AgentSplits {
  checkSplitOrder([
    ['train', train],
    ['valid', valid],
  ]);
  const range = (r: SplitRange): SplitRange => Object.freeze({ start: r.start, end: r.end, first: r.first, last: r.last });
  return Object.freeze({
    train: range(train),
    valid: range(valid),
    lastDay: valid.end,
    notes: Object.freeze([...notes]),
  });
}
