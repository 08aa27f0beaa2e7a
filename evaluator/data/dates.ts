/**
 * Trading dates: parsing user-given dates and resolving a date range to
 * calendar indices.
 *
 * Dates are `YYYY-MM-DD` strings everywhere inside the project, so they
 * compare correctly as strings and a sorted calendar can be binary-searched.
 */

import { DataError, quote } from './errors.js';

/** A resolved range of trading days: `startIndex <= t < endIndex` (end exclusive, like SeriesLayout.end). */
export interface DateRange {
  readonly startIndex: number;
  readonly endIndex: number;
  /** What was adjusted to fit the calendar (a date that is not a trading day, ...), one sentence each. */
  readonly notes: readonly string[];
}

/** The two sides of an `A:B` split argument, normalised to `YYYY-MM-DD`; an empty side is left open. */
export interface DateSplit {
  readonly start?: string;
  readonly end?: string;
}

const DASHED = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/** `YYYY-MM-DD` for a real calendar date written `YYYY-MM-DD` or `YYYYMMDD`, else null. */
export function normalizeDate(text: string): string | null {
  const m = DASHED.exec(text.trim()) ?? COMPACT.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Index of the first calendar day >= date (calendar.length if none). */
export function firstDayOnOrAfter(calendar: readonly string[], date: string): number {
  let lo = 0;
  let hi = calendar.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (calendar[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last calendar day <= date (-1 if none). */
export function lastDayOnOrBefore(calendar: readonly string[], date: string): number {
  return firstDayOnOrAfter(calendar, `${date}\u0000`) - 1;
}

/**
 * The trading days from `start` to `end`, both inclusive as dates, as the
 * index range [startIndex, endIndex). A date that is not a trading day snaps
 * to the nearest trading day inside the range (start forward, end backward),
 * with a note. Omitted sides default to the calendar's first and last day.
 */
export function resolveDateRange(calendar: readonly string[], start?: string, end?: string): DateRange {
  if (calendar.length === 0) throw new DataError('the calendar is empty: no trading days to choose from');
  const first = calendar[0]!;
  const last = calendar[calendar.length - 1]!;
  const span = `calendar ${first} .. ${last}`;
  const parse = (text: string | undefined, side: string, fallback: string): string => {
    if (text === undefined) return fallback;
    const date = normalizeDate(text);
    if (!date) throw new DataError(`${side} date ${quote(text)} is malformed: expected YYYY-MM-DD or YYYYMMDD (${span})`);
    return date;
  };
  const from = parse(start, 'start', first);
  const to = parse(end, 'end', last);
  if (to < first) throw new DataError(`end ${to} is before the calendar's first day: the range is outside the ${span}`);
  if (from > last) throw new DataError(`start ${from} is after the calendar's last day: the range is outside the ${span}`);
  if (from > to) throw new DataError(`start ${from} is after end ${to} (${span})`);

  const notes: string[] = [];
  const startIndex = firstDayOnOrAfter(calendar, from);
  const lastIndex = lastDayOnOrBefore(calendar, to);
  if (startIndex > lastIndex) throw new DataError(`no trading day between ${from} and ${to} (${span})`);
  const startDay = calendar[startIndex]!;
  const endDay = calendar[lastIndex]!;
  if (from < first) notes.push(`start ${from} is before the calendar's first day: using ${startDay}`);
  else if (startDay !== from) notes.push(`start ${from} is not a trading day: using the next one, ${startDay}`);
  if (to > last) notes.push(`end ${to} is after the calendar's last day: using ${endDay}`);
  else if (endDay !== to) notes.push(`end ${to} is not a trading day: using the previous one, ${endDay}`);
  return { startIndex, endIndex: lastIndex + 1, notes };
}

/** Parses an `A:B` split argument (`2010-01-01:2018-12-31`; either side may be empty for an open end). */
export function parseSplit(text: string): DateSplit {
  const parts = text.split(':');
  const malformed = (why: string) =>
    new DataError(`split ${quote(text)} is malformed: ${why} (expected START:END, e.g. 2010-01-01:2018-12-31)`);
  if (parts.length !== 2) throw malformed('it needs exactly one ":"');
  const [a, b] = parts.map((p) => p.trim()) as [string, string];
  if (a === '' && b === '') throw malformed('both sides are empty');
  const side = (raw: string, which: string): string | undefined => {
    if (raw === '') return undefined;
    const date = normalizeDate(raw);
    if (!date) throw malformed(`${which} ${quote(raw)} is not a date in YYYY-MM-DD or YYYYMMDD`);
    return date;
  };
  const start = side(a, 'start');
  const end = side(b, 'end');
  if (start && end && start > end) throw malformed(`start ${start} is after end ${end}`);
  return { ...(start && { start }), ...(end && { end }) };
}
