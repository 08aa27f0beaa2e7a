import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DataError } from '../../evaluator/data/errors.js';
import { loadQlibPanel } from '../../evaluator/data/qlib.js';
import { binBytes, row, tempDir, writeQlib, type QlibFixture } from './fixtures.js';

const CALENDAR = ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08', '2020-01-09'];
const T = CALENDAR.length;

const FIXTURE: QlibFixture = {
  calendar: CALENDAR,
  instruments: {
    all: ['AAA\t2020-01-02\t2020-01-09', 'BBB\t2020-01-06\t2020-01-09', 'CCC\t2020-01-02\t2020-01-07'],
    // AAA is a member twice; DDD has no feature data.
    top2: ['AAA\t2020-01-02\t2020-01-03', 'BBB\t2020-01-06\t2020-01-07', 'AAA\t2020-01-08\t2020-01-09', 'DDD\t2020-01-02\t2020-01-09'],
  },
  features: {
    aaa: { close: [0, [10.1, 11, NaN, 13, 14, 15]], volume: [1, [100, 200]] },
    bbb: { close: [2, [20, 21, 22, 23]], volume: [2, [5, 6, 7]], open: [3, [1]] },
    ccc: { close: [0, [30, 31, 32, 33]] },
  },
};

/** Asserts `load` throws a one-line DataError containing every fragment. */
function expectDataError(load: () => unknown, ...fragments: string[]): string {
  let error: unknown;
  try {
    load();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(DataError);
  const message = (error as DataError).message;
  expect(message).not.toMatch(/\n/);
  for (const f of fragments) expect(message).toContain(f);
  return message;
}

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('loadQlibPanel', () => {
  it('loads every instrument with feature data, every field, each over its own range', () => {
    const panel = loadQlibPanel(writeQlib(dir, FIXTURE));
    expect(panel.T).toBe(T);
    expect(panel.N).toBe(3);
    expect(panel.calendar).toEqual(CALENDAR);
    expect(panel.symbols).toEqual(['AAA', 'BBB', 'CCC']);
    expect(Object.keys(panel.fields).sort()).toEqual(['close', 'open', 'volume']);
    // float32 on disk, float64 in memory: 10.1 comes back as the float32 nearest to it.
    expect(row(panel.fields.close!, 0, T)).toEqual([Math.fround(10.1), 11, NaN, 13, 14, 15]);
    expect(row(panel.fields.volume!, 0, T)).toEqual([NaN, 100, 200, NaN, NaN, NaN]);
    expect(row(panel.fields.open!, 0, T)).toEqual([NaN, NaN, NaN, NaN, NaN, NaN]);
    expect(row(panel.fields.close!, 1, T)).toEqual([NaN, NaN, 20, 21, 22, 23]);
    expect(row(panel.fields.open!, 1, T)).toEqual([NaN, NaN, NaN, 1, NaN, NaN]);
    expect(row(panel.fields.close!, 2, T)).toEqual([30, 31, 32, 33, NaN, NaN]);
    // Own range = union of the fields' bin ranges.
    expect([...panel.start]).toEqual([0, 2, 0]);
    expect([...panel.end]).toEqual([6, 6, 4]);
    expect(panel.source.kind).toBe('qlib');
    // `all` comes from all.txt.
    expect(Object.keys(panel.universes)).toEqual(['all']);
    expect(row(panel.universes.all!.mask, 1, T)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(row(panel.universes.all!.mask, 2, T)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('loads the ever-members of a universe with its point-in-time mask, and notes members without data', () => {
    const panel = loadQlibPanel(writeQlib(dir, FIXTURE), { universe: 'top2' });
    expect(panel.symbols).toEqual(['AAA', 'BBB']);
    expect(Object.keys(panel.universes).sort()).toEqual(['all', 'top2']);
    const mask = panel.universes.top2!.mask;
    expect(row(mask, 0, T)).toEqual([1, 1, 0, 0, 1, 1]);
    expect(row(mask, 1, T)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(panel.source.meta?.notes).toEqual(['1 of the 3 instruments ever in top2 have no feature data and are left out']);
  });

  it('loads an explicit instrument list and field list ($ prefix and case accepted)', () => {
    const panel = loadQlibPanel(writeQlib(dir, FIXTURE), { instruments: ['ccc', 'Aaa'], fields: ['$Close'] });
    expect(panel.symbols).toEqual(['AAA', 'CCC']);
    expect(Object.keys(panel.fields)).toEqual(['close']);
    expect(row(panel.fields.close!, 1, T)).toEqual([30, 31, 32, 33, NaN, NaN]);
  });

  it("builds `all` from the instruments' own ranges when there is no all.txt", () => {
    const panel = loadQlibPanel(writeQlib(dir, { calendar: CALENDAR, features: FIXTURE.features }));
    expect(row(panel.universes.all!.mask, 0, T)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(row(panel.universes.all!.mask, 1, T)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(row(panel.universes.all!.mask, 2, T)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('gives an instrument whose bins hold no values the empty range 0..0', () => {
    const panel = loadQlibPanel(writeQlib(dir, { calendar: CALENDAR, features: { eee: { close: [3, []] }, fff: { close: [1, [1]] } } }));
    expect([...panel.start]).toEqual([0, 1]);
    expect([...panel.end]).toEqual([0, 2]);
  });

  it('keeps every array in SharedArrayBuffer', () => {
    const panel = loadQlibPanel(writeQlib(dir, FIXTURE), { universe: 'top2' });
    const arrays = [panel.start, panel.end, ...Object.values(panel.fields), ...Object.values(panel.universes).map((u) => u.mask)];
    for (const a of arrays) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('loadQlibPanel errors: one line naming the file and the problem', () => {
  it('missing directory, calendar, features folder', () => {
    expectDataError(() => loadQlibPanel(join(dir, 'nope')), join(dir, 'nope'), 'does not exist');
    writeQlib(dir, { features: FIXTURE.features });
    expectDataError(() => loadQlibPanel(dir), join(dir, 'calendars', 'day.txt'), 'missing calendar file');
    const other = join(dir, 'other');
    writeQlib(other, { calendar: CALENDAR });
    expectDataError(() => loadQlibPanel(other), join(other, 'features'), 'does not exist');
  });

  it('a malformed or unordered calendar', () => {
    writeQlib(dir, { ...FIXTURE, calendar: ['2020-01-02', '2020-13-01'] });
    expectDataError(() => loadQlibPanel(dir), 'day.txt line 2', '"2020-13-01" is not a date');
    writeQlib(dir, { ...FIXTURE, calendar: ['2020-01-03', '2020-01-02'] });
    expectDataError(() => loadQlibPanel(dir), 'day.txt line 2', '2020-01-02 does not come after 2020-01-03');
    writeQlib(dir, { ...FIXTURE, calendar: [''] });
    expectDataError(() => loadQlibPanel(dir), 'day.txt', 'no dates');
  });

  it('an unknown universe lists the universes there are', () => {
    writeQlib(dir, FIXTURE);
    expectDataError(() => loadQlibPanel(dir, { universe: 'csi500' }), "unknown universe \"csi500\"", 'csi500.txt', 'universes here: all, top2');
    expectDataError(() => loadQlibPanel(dir, { universe: '../all' }), 'unknown universe "../all"');
  });

  it('instruments file lines that do not parse', () => {
    writeQlib(dir, { ...FIXTURE, instruments: { bad: ['AAA\t2020-01-02\t2020-01-09', 'BBB\t2020-01-06'] } });
    expectDataError(() => loadQlibPanel(dir, { universe: 'bad' }), 'bad.txt line 2', 'expected SYMBOL<TAB>START<TAB>END', '"BBB\\t2020-01-06"');
    writeQlib(dir, { ...FIXTURE, instruments: { bad: ['AAA\t2020-01-02\t2020/01/09'] } });
    expectDataError(() => loadQlibPanel(dir, { universe: 'bad' }), 'bad.txt line 1', '"2020/01/09" is not a date');
    writeQlib(dir, { ...FIXTURE, instruments: { bad: ['AAA\t2020-01-09\t2020-01-02'] } });
    expectDataError(() => loadQlibPanel(dir, { universe: 'bad' }), 'bad.txt line 1', 'start 2020-01-09 is after end 2020-01-02');
  });

  it('a field no instrument has, a malformed field name, an instrument without data', () => {
    writeQlib(dir, FIXTURE);
    expectDataError(() => loadQlibPanel(dir, { fields: ['close', 'vwap'] }), '"vwap" not found', 'fields present: close, open, volume');
    expectDataError(() => loadQlibPanel(dir, { fields: ['../x'] }), '"../x" is not a field name');
    expectDataError(() => loadQlibPanel(dir, { instruments: ['AAA', 'ZZZ'] }), 'instrument "ZZZ" has no data', join(dir, 'features', 'zzz'));
    expectDataError(() => loadQlibPanel(dir, { fields: [] }), 'the list of fields to load is empty');
    expectDataError(() => loadQlibPanel(dir, { instruments: [] }), 'no instruments to load');
  });

  it('a directory where a .bin file should be', () => {
    writeQlib(dir, FIXTURE);
    const path = join(dir, 'features', 'ccc', 'open.day.bin');
    mkdirSync(path);
    expectDataError(() => loadQlibPanel(dir, { fields: ['close', 'open'] }), path, 'not a file');
  });

  it('truncated, misaligned and out-of-calendar .bin files', () => {
    const file = join(dir, 'features', 'aaa', 'close.day.bin');
    writeQlib(dir, FIXTURE);
    const cases: [Buffer, string][] = [
      [binBytes(0, [1, 2]).subarray(0, 11), '11 bytes is not a whole number of float32 values'],
      [Buffer.alloc(0), 'empty file'],
      // A header shifted by two bytes reads as a tiny non-integer start index.
      [Buffer.concat([Buffer.from([0x12, 0x34]), binBytes(1, [1, 2])]).subarray(0, 12), 'is not a day of the calendar'],
      [binBytes(6, [1]), 'start index 6 is not a day of the calendar (0..5'],
      [binBytes(-1, [1]), 'start index -1 is not a day'],
      [binBytes(1.5, [1]), 'start index 1.5 is not a day'],
      [binBytes(NaN, [1]), 'start index NaN is not a day'],
      [binBytes(4, [1, 2, 3]), '3 values from day 4 (2020-01-08) run past the calendar\'s last day 2020-01-09 by 1'],
      [binBytes(0, [1, 2, 3, 4, 5, 6, 7]), '7 values but the calendar has only 6 days'],
    ];
    for (const [bytes, fragment] of cases) {
      writeFileSync(file, bytes);
      expectDataError(() => loadQlibPanel(dir), file, fragment);
    }
  });

  it('any bytes at all in a .bin load or give a DataError, never another exception', () => {
    writeQlib(dir, FIXTURE);
    const file = join(dir, 'features', 'bbb', 'close.day.bin');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        writeFileSync(file, bytes);
        try {
          const panel = loadQlibPanel(dir, { fields: ['close'] });
          expect(panel.start[1]).toBeGreaterThanOrEqual(0);
          expect(panel.end[1]).toBeLessThanOrEqual(T);
        } catch (err) {
          expect(err).toBeInstanceOf(DataError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
