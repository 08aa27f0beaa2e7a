import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DataError } from '../../evaluator/data/errors.js';
import { detectLayout, loadPanel } from '../../evaluator/data/load.js';
import { tempDir, writeCsvDir, writeQlib } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('loadPanel', () => {
  it('reads a directory with calendars/ as qlib data and passes the options on', () => {
    writeQlib(dir, {
      calendar: ['2020-01-02', '2020-01-03'],
      instruments: { u: ['BBB\t2020-01-03\t2020-01-03'] },
      features: { aaa: { close: [0, [1, 2]] }, bbb: { close: [1, [3]] } },
    });
    expect(detectLayout(dir)).toBe('qlib');
    const panel = loadPanel(dir, { universe: 'u' });
    expect(panel.source.kind).toBe('qlib');
    expect(panel.symbols).toEqual(['BBB']);
    expect(Array.from(panel.universes.u!.mask)).toEqual([0, 1]);
  });

  it('reads a directory of .csv files as CSV data', () => {
    writeCsvDir(dir, { 'AAA.csv': ['date,open,high,low,close,volume', '2020-01-02,1,1,1,1,1'] });
    expect(detectLayout(dir)).toBe('csv');
    expect(loadPanel(dir).source.kind).toBe('csv');
  });

  it('says why a directory is neither, in one line', () => {
    mkdirSync(join(dir, 'empty'));
    expect(() => loadPanel(join(dir, 'empty'))).toThrow(new DataError(`${join(dir, 'empty')}: not market data: no calendars/ folder (qlib layout) and no .csv files (CSV layout)`));
    expect(() => loadPanel(join(dir, 'missing'))).toThrow(DataError);
    expect(() => loadPanel(join(dir, 'missing'))).toThrow('data directory does not exist');
  });
});
