import { describe, expect, it } from 'vitest';

import { normalizeDate, parseSplit, resolveDateRange } from '../../evaluator/data/dates.js';
import { DataError } from '../../evaluator/data/errors.js';

// Thursday 2 Jan .. Friday 10 Jan 2020, without the weekend.
const CALENDAR = ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08', '2020-01-09', '2020-01-10'];

function dataError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).not.toMatch(/\n/);
    return (err as Error).message;
  }
  throw new Error('expected a DataError');
}

describe('normalizeDate', () => {
  it('accepts YYYY-MM-DD and YYYYMMDD for real dates only', () => {
    expect(normalizeDate('2020-01-06')).toBe('2020-01-06');
    expect(normalizeDate(' 20200106 ')).toBe('2020-01-06');
    expect(normalizeDate('2020-02-29')).toBe('2020-02-29');
    expect(normalizeDate('2000-02-29')).toBe('2000-02-29');
    for (const bad of ['2019-02-29', '1900-02-29', '2020-04-31', '2020-00-10', '2020-1-6', '2020/01/06', '06-01-2020', '', 'today']) {
      expect(normalizeDate(bad)).toBeNull();
    }
  });
});

describe('resolveDateRange', () => {
  it('gives [startIndex, endIndex) with both dates inclusive', () => {
    expect(resolveDateRange(CALENDAR, '2020-01-03', '2020-01-08')).toEqual({ startIndex: 1, endIndex: 5, notes: [] });
    expect(resolveDateRange(CALENDAR, '20200103', '20200103')).toEqual({ startIndex: 1, endIndex: 2, notes: [] });
    expect(resolveDateRange(CALENDAR)).toEqual({ startIndex: 0, endIndex: 7, notes: [] });
  });

  it('snaps a non-trading start forward and end backward, inside the range, with notes', () => {
    // Saturday to Sunday: no trading day inside.
    expect(dataError(() => resolveDateRange(CALENDAR, '2020-01-04', '2020-01-05'))).toContain('no trading day between 2020-01-04 and 2020-01-05');
    const snapped = resolveDateRange(CALENDAR, '2020-01-04', '2020-01-12');
    expect(snapped.startIndex).toBe(2);
    expect(snapped.endIndex).toBe(7);
    expect(snapped.notes).toEqual([
      'start 2020-01-04 is not a trading day: using the next one, 2020-01-06',
      "end 2020-01-12 is after the calendar's last day: using 2020-01-10",
    ]);
    const early = resolveDateRange(CALENDAR, '2019-06-01', '2020-01-05');
    expect([early.startIndex, early.endIndex]).toEqual([0, 2]);
    expect(early.notes).toEqual([
      "start 2019-06-01 is before the calendar's first day: using 2020-01-02",
      'end 2020-01-05 is not a trading day: using the previous one, 2020-01-03',
    ]);
  });

  it('rejects ranges outside the calendar, reversed ranges and malformed dates, naming the calendar span', () => {
    const span = 'calendar 2020-01-02 .. 2020-01-10';
    expect(dataError(() => resolveDateRange(CALENDAR, '2021-01-01', '2021-12-31'))).toBe(`start 2021-01-01 is after the calendar's last day: the range is outside the ${span}`);
    expect(dataError(() => resolveDateRange(CALENDAR, undefined, '2019-12-31'))).toBe(`end 2019-12-31 is before the calendar's first day: the range is outside the ${span}`);
    expect(dataError(() => resolveDateRange(CALENDAR, '2019-01-01', '2019-12-31'))).toContain("end 2019-12-31 is before the calendar's first day");
    expect(dataError(() => resolveDateRange(CALENDAR, '2020-01-08', '2020-01-03'))).toBe(`start 2020-01-08 is after end 2020-01-03 (${span})`);
    expect(dataError(() => resolveDateRange(CALENDAR, '2020-13-01'))).toBe(`start date "2020-13-01" is malformed: expected YYYY-MM-DD or YYYYMMDD (${span})`);
    expect(dataError(() => resolveDateRange(CALENDAR, undefined, 'soon'))).toContain('end date "soon" is malformed');
    expect(dataError(() => resolveDateRange([], '2020-01-01'))).toContain('calendar is empty');
  });
});

describe('parseSplit', () => {
  it('parses A:B with either date format and open ends', () => {
    expect(parseSplit('2010-01-01:2018-12-31')).toEqual({ start: '2010-01-01', end: '2018-12-31' });
    expect(parseSplit('20190101:20191231')).toEqual({ start: '2019-01-01', end: '2019-12-31' });
    expect(parseSplit('2020-01-01:')).toEqual({ start: '2020-01-01' });
    expect(parseSplit(':2009-12-31')).toEqual({ end: '2009-12-31' });
  });

  it('rejects malformed splits with one line saying what is wrong', () => {
    expect(dataError(() => parseSplit('2010-01-01'))).toContain('needs exactly one ":"');
    expect(dataError(() => parseSplit('2010-01-01:2011-01-01:2012-01-01'))).toContain('needs exactly one ":"');
    expect(dataError(() => parseSplit(':'))).toContain('both sides are empty');
    expect(dataError(() => parseSplit('2010-01-01:2009-12-31'))).toContain('start 2010-01-01 is after end 2009-12-31');
    expect(dataError(() => parseSplit('2010-1-1:2011-01-01'))).toContain('start "2010-1-1" is not a date');
  });
});
