import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadCsvPanel } from '../../evaluator/data/csv.js';
import { DataError } from '../../evaluator/data/errors.js';
import { row, tempDir, writeCsvDir } from './fixtures.js';

const VENDOR = 'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient';

// Newest first, with a 2:1 split on 2020-01-07: before it the vendor's adjusted close is half the close.
const XYZ = [VENDOR, '2020-01-07,52,53,51,52,52,2000,0.0,2.0', '2020-01-06,102,104,100,100,50,1000,0.0,1.0', '2020-01-03,98,101,97,96,48,1200,0.0,1.0'];
// Oldest first, plain layout, a compact date and an empty close.
const ABC = ['date,open,high,low,close,volume', '20200102,10,11,9,10,500', '2020-01-06,10,12,10,11,600', '2020-01-08,11,11,10,,700'];

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function expectDataError(load: () => unknown, ...fragments: string[]): void {
  let error: unknown;
  try {
    load();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(DataError);
  expect((error as Error).message).not.toMatch(/\n/);
  for (const f of fragments) expect((error as Error).message).toContain(f);
}

describe('loadCsvPanel', () => {
  it('reads both layouts into qlib-convention fields over the union calendar', () => {
    const panel = loadCsvPanel(writeCsvDir(dir, { 'xyz.csv': XYZ, 'ABC.CSV': ABC, 'notes.txt': ['ignored'] }));
    expect(panel.symbols).toEqual(['ABC', 'XYZ']);
    expect(panel.calendar).toEqual(['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08']);
    const T = 5;
    expect(Object.keys(panel.fields)).toEqual(['open', 'high', 'low', 'close', 'volume', 'factor', 'change']);
    expect([...panel.start]).toEqual([0, 1]);
    expect([...panel.end]).toEqual([5, 4]);

    // Plain: prices as given, factor 1, change from the previous row; missing days and the empty cell are NaN.
    expect(row(panel.fields.close!, 0, T)).toEqual([10, NaN, 11, NaN, NaN]);
    expect(row(panel.fields.volume!, 0, T)).toEqual([500, NaN, 600, NaN, 700]);
    expect(row(panel.fields.factor!, 0, T)).toEqual([1, NaN, 1, NaN, 1]);
    expect(row(panel.fields.change!, 0, T)).toEqual([NaN, NaN, 11 / 10 - 1, NaN, NaN]);

    // Vendor: factor = adjusted_close / close; prices times factor, volume divided by it.
    expect(row(panel.fields.factor!, 1, T)).toEqual([NaN, 0.5, 0.5, 1, NaN]);
    expect(row(panel.fields.open!, 1, T)).toEqual([NaN, 49, 51, 52, NaN]);
    expect(row(panel.fields.high!, 1, T)).toEqual([NaN, 50.5, 52, 53, NaN]);
    expect(row(panel.fields.low!, 1, T)).toEqual([NaN, 48.5, 50, 51, NaN]);
    expect(row(panel.fields.close!, 1, T)).toEqual([NaN, 48, 50, 52, NaN]);
    expect(row(panel.fields.volume!, 1, T)).toEqual([NaN, 2400, 2000, 2000, NaN]);
    // Across the split the adjusted close moves 4 %, not -48 %.
    expect(row(panel.fields.change!, 1, T)).toEqual([NaN, NaN, 50 / 48 - 1, 52 / 50 - 1, NaN]);

    expect(Object.keys(panel.universes)).toEqual(['all']);
    expect(row(panel.universes.all!.mask, 1, T)).toEqual([0, 1, 1, 1, 0]);
    expect(panel.source.kind).toBe('csv');
    expect(panel.fields.close!.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('loads chosen instruments and fields', () => {
    const panel = loadCsvPanel(writeCsvDir(dir, { 'XYZ.csv': XYZ, 'ABC.csv': ABC }), { instruments: ['xyz'], fields: ['$close', 'change'], universe: 'all' });
    expect(panel.symbols).toEqual(['XYZ']);
    expect(panel.calendar).toEqual(['2020-01-03', '2020-01-06', '2020-01-07']);
    expect(Object.keys(panel.fields)).toEqual(['close', 'change']);
  });

  it('reports every malformed input as one line with the file and line number', () => {
    const file = (name: string) => join(dir, name);
    writeCsvDir(dir, { 'A.csv': [VENDOR, '2020-01-03,1,1,1,1,1,1,0.0'] });
    expectDataError(() => loadCsvPanel(dir), `${file('A.csv')} line 2`, 'expected 9 columns, got 8');
    writeCsvDir(dir, { 'A.csv': ['date,open,high,low,close,volume', '2020-01-02,1,1,1,1,1', '2020-01-03,1,x1,1,1,1'] });
    expectDataError(() => loadCsvPanel(dir), `${file('A.csv')} line 3`, '"x1" is not a number');
    writeCsvDir(dir, { 'A.csv': ['date,open,high,low,close,volume', '2020-02-30,1,1,1,1,1'] });
    expectDataError(() => loadCsvPanel(dir), `${file('A.csv')} line 2`, '"2020-02-30" is not a date');
    writeCsvDir(dir, { 'A.csv': ['date,open,high,low,close,volume', '2020-01-03,1,1,1,1,1', '2020-01-02,1,1,1,1,1', '2020-01-03,2,2,2,2,2'] });
    expectDataError(() => loadCsvPanel(dir), `${file('A.csv')} line 4`, 'date 2020-01-03 already given on line 2');
    writeCsvDir(dir, { 'A.csv': ['Date,Open,High,Low,Close,Adj Close,Volume', '2020-01-03,1,1,1,1,1,1'] });
    expectDataError(() => loadCsvPanel(dir), `${file('A.csv')} line 1`, 'header "Date,Open,High,Low,Close,Adj Close,Volume" is neither');
    writeCsvDir(dir, { 'A.csv': ['date,open,high,low,close,volume'] });
    expectDataError(() => loadCsvPanel(dir), 'the CSV files have no data rows');
  });

  it('rejects unknown universes, fields and instruments, and directories without CSV files', () => {
    writeCsvDir(dir, { 'ABC.csv': ABC });
    expectDataError(() => loadCsvPanel(dir, { universe: 'sp500' }), 'unknown universe "sp500"', "only the universe 'all'");
    expectDataError(() => loadCsvPanel(dir, { fields: ['vwap'] }), 'field "vwap" is not in CSV data');
    expectDataError(() => loadCsvPanel(dir, { instruments: ['QQQ'] }), 'instrument "QQQ" has no data', 'no QQQ.csv');
    expectDataError(() => loadCsvPanel(dir, { instruments: [] }), 'no instruments to load');
    expectDataError(() => loadCsvPanel(dir, { fields: [] }), 'the list of fields to load is empty');
    expectDataError(() => loadCsvPanel(join(dir, 'nope')), join(dir, 'nope'), 'does not exist');
    const empty = writeCsvDir(join(dir, 'empty'), { 'README.txt': ['x'] });
    expectDataError(() => loadCsvPanel(empty), empty, 'no .csv files');
  });
});
