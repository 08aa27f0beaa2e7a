/**
 * The readers on the shared real data (skipped with a message when it is absent).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadCsvPanel } from '../../evaluator/data/csv.js';
import { loadPanel } from '../../evaluator/data/load.js';
import { loadQlibPanel } from '../../evaluator/data/qlib.js';
import type { Panel } from '../../evaluator/panel.js';
import { sharedDataSet } from '../helpers/sharedData.js';

const cn = sharedDataSet('cn_csi300');
const usCsv = sharedDataSet('us_csv_sample');
const usBin = sharedDataSet('us_sp500');

/** A .day.bin read directly: its start index and float32 values. */
function readBin(path: string): { first: number; values: number[] } {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = Array.from({ length: bytes.byteLength / 4 - 1 }, (_, k) => view.getFloat32(4 * (k + 1), true));
  return { first: view.getFloat32(0, true), values };
}

function value(panel: Panel, field: string, symbol: string, date: string): number {
  const i = panel.symbols.indexOf(symbol);
  const t = panel.calendar.indexOf(date);
  expect(i).toBeGreaterThanOrEqual(0);
  expect(t).toBeGreaterThanOrEqual(0);
  return panel.fields[field]![i * panel.T + t]!;
}

describe.skipIf(!cn)('cn_csi300 (qlib bin)', () => {
  const dir = cn!;
  const csi300 = (): Map<string, [string, string][]> => {
    const intervals = new Map<string, [string, string][]>();
    for (const line of readFileSync(join(dir, 'instruments', 'csi300.txt'), 'utf8').trim().split('\n')) {
      const [symbol, from, to] = line.trim().split('\t') as [string, string, string];
      intervals.set(symbol, [...(intervals.get(symbol) ?? []), [from, to]]);
    }
    return intervals;
  };

  it('loads every instrument, day and field', () => {
    const panel = loadPanel(dir);
    expect(panel.source.kind).toBe('qlib');
    expect(panel.N).toBe(736);
    expect(panel.T).toBe(2917);
    expect(panel.symbols).toContain('SH000300');
    expect(panel.calendar[0]).toBe('2010-01-04');
    expect(panel.calendar[panel.T - 1]).toBe('2021-12-31');
    expect(Object.keys(panel.fields)).toEqual(['change', 'close', 'factor', 'high', 'low', 'open', 'volume']);
    // all.txt gives each instrument exactly its own date range.
    for (let i = 0; i < panel.N; i++) {
      let members = 0;
      for (let t = 0; t < panel.T; t++) members += panel.universes.all!.mask[i * panel.T + t]!;
      expect(members).toBe(panel.end[i]! - panel.start[i]!);
    }
  });

  it('holds the same values as the .bin files read directly, at their offsets', () => {
    const panel = loadQlibPanel(dir);
    const lateListed = readdirSync(join(dir, 'features')).find((s) => readBin(join(dir, 'features', s, 'close.day.bin')).first > 500)!;
    for (const folder of ['sh600000', 'sh000300', lateListed]) {
      const i = panel.symbols.indexOf(folder.toUpperCase());
      for (const field of ['close', 'volume', 'factor']) {
        const { first, values } = readBin(join(dir, 'features', folder, `${field}.day.bin`));
        expect(panel.start[i]).toBe(first);
        expect(panel.end[i]).toBe(first + values.length);
        for (const k of [0, 1, 250, values.length - 1]) expect(panel.fields[field]![i * panel.T + first + k]).toBe(values[k]);
        if (first > 0) expect(panel.fields[field]![i * panel.T + first - 1]).toBeNaN();
      }
    }
  });

  it('loads the point-in-time csi300 universe: ever-members only, about 300 members a day', () => {
    const panel = loadPanel(dir, { universe: 'csi300' });
    const intervals = csi300();
    const withData = [...intervals.keys()].filter((s) => existsSync(join(dir, 'features', s.toLowerCase())));
    expect(panel.symbols).toEqual(withData.sort());
    expect(panel.symbols).not.toContain('SH000300');
    const mask = panel.universes.csi300!.mask;
    for (const date of ['2010-01-04', '2015-06-30', '2020-01-02']) {
      const t = panel.calendar.indexOf(date);
      let members = 0;
      for (let i = 0; i < panel.N; i++) members += mask[i * panel.T + t]!;
      const expected = withData.filter((s) => intervals.get(s)!.some(([a, b]) => a <= date && date <= b)).length;
      expect(members).toBe(expected);
      expect(members).toBeGreaterThan(250);
      expect(members).toBeLessThanOrEqual(300);
    }
    // SH600004 left the index on 2011-12-12 and came back on 2018-12-17.
    const i = panel.symbols.indexOf('SH600004');
    const on = (date: string) => mask[i * panel.T + panel.calendar.indexOf(date)];
    expect([on('2011-12-12'), on('2011-12-13'), on('2018-12-14'), on('2018-12-17')]).toEqual([1, 0, 0, 1]);
  });
});

describe.skipIf(!usCsv)('us_csv_sample (vendor CSV)', () => {
  it('loads 10 instruments over the union of their dates', () => {
    const panel = loadPanel(usCsv!);
    expect(panel.source.kind).toBe('csv');
    expect(panel.symbols).toEqual(['AAPL', 'CSCO', 'GE', 'INTC', 'JPM', 'KO', 'MSFT', 'PFE', 'WMT', 'XOM']);
    expect(panel.calendar[0]).toBe('1999-11-01');
    const rows = readFileSync(join(usCsv!, 'AAPL.csv'), 'utf8').trim().split('\n').length - 1;
    expect(panel.T).toBe(rows);
  });

  it("adjusts AAPL across its 4:1 split of 2020-08-31 as computed by hand from the file's rows", () => {
    // 2020-08-28,504.05,505.77,498.31,499.23,124.405824223,46907479,0.0,1.0
    // 2020-08-31,127.58,131.0,126.0,129.04,128.624702503,223505733,0.0,4.0
    const panel = loadCsvPanel(usCsv!, { instruments: ['AAPL'] });
    const before = 124.405824223 / 499.23;
    const after = 128.624702503 / 129.04;
    expect(value(panel, 'factor', 'AAPL', '2020-08-28')).toBeCloseTo(before, 12);
    expect(value(panel, 'factor', 'AAPL', '2020-08-31')).toBeCloseTo(after, 12);
    expect(value(panel, 'open', 'AAPL', '2020-08-28')).toBeCloseTo(504.05 * before, 10);
    expect(value(panel, 'close', 'AAPL', '2020-08-31')).toBe(128.624702503);
    expect(value(panel, 'volume', 'AAPL', '2020-08-31')).toBeCloseTo(223505733 / after, 4);
    // About +3.4 % on the split day, not the -74 % of the raw closes.
    expect(value(panel, 'change', 'AAPL', '2020-08-31')).toBeCloseTo(128.624702503 / 124.405824223 - 1, 12);
  });

  it.skipIf(!usBin)('agrees with the qlib conversion in us_sp500 on every field and common day, to float32 precision', () => {
    const csv = loadCsvPanel(usCsv!);
    const bin = loadQlibPanel(usBin!, { instruments: [...csv.symbols] });
    const binDay = new Map(bin.calendar.map((d, t) => [d, t]));
    let compared = 0;
    for (const field of Object.keys(csv.fields)) {
      for (let i = 0; i < csv.N; i++) {
        const j = bin.symbols.indexOf(csv.symbols[i]!);
        for (let t = 0; t < csv.T; t++) {
          const u = binDay.get(csv.calendar[t]!);
          // us_sp500 starts in 2008, so its first change has no previous close; the CSV's has one.
          if (u === undefined || (field === 'change' && u === bin.start[j])) continue;
          const a = csv.fields[field]![i * csv.T + t]!;
          const b = bin.fields[field]![j * bin.T + u]!;
          if (Number.isNaN(a) && Number.isNaN(b)) continue;
          const error = field === 'change' ? Math.abs(a - b) : Math.abs(a / b - 1);
          if (!(error < 1e-7)) throw new Error(`${field} ${csv.symbols[i]} ${csv.calendar[t]}: csv ${a} vs bin ${b}`);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(7 * 10 * 3000);
  });
});
