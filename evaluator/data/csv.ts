/**
 * Reader for a directory of daily CSV files, one per instrument (the symbol
 * is the file name, upper-cased). Two layouts, recognised from the header:
 *
 * - vendor: `timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient`
 *   with unadjusted prices. Converted to qlib's convention: factor =
 *   adjusted_close / close, prices multiplied by it, volume divided by it.
 * - plain: `date,open,high,low,close,volume`, prices already adjusted (factor = 1).
 *
 * Both give the fields open, high, low, close, volume, factor and change
 * (close / the previous row's close - 1, a ratio). Rows may come in any date
 * order; the calendar is the union of every file's dates and days an
 * instrument has no row for are NaN.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

import type { Panel } from '../panel.js';
import { allocatePanel, normalizeEmptyRanges, ownRangeUniverse } from './assemble.js';
import { normalizeDate } from './dates.js';
import { DataError, quote } from './errors.js';
import { requestedFields, type LoadOptions } from './options.js';

export const CSV_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'factor', 'change'] as const;

const VENDOR_HEADER = ['timestamp', 'open', 'high', 'low', 'close', 'adjusted_close', 'volume', 'dividend_amount', 'split_coefficient'];
const PLAIN_HEADER = ['date', 'open', 'high', 'low', 'close', 'volume'];

type Layout = 'vendor' | 'plain';

/** One file's rows in date order, already in qlib's convention. */
interface InstrumentRows {
  readonly dates: string[];
  /** Field name to one value per row. */
  readonly values: Record<(typeof CSV_FIELDS)[number], Float64Array>;
}

export function loadCsvPanel(dir: string, options: LoadOptions = {}): Panel {
  const files = csvFiles(dir);
  if (options.universe !== undefined && options.universe !== 'all') {
    throw new DataError(`unknown universe ${quote(options.universe)}: CSV data in ${dir} has only the universe 'all'`);
  }
  const bySymbol = new Map(files.map((f) => [f.slice(0, -extname(f).length).toUpperCase(), f]));
  let symbols = [...bySymbol.keys()].sort();
  if (options.instruments) {
    symbols = [...new Set(options.instruments.map((s) => s.trim().toUpperCase()))].sort();
    for (const s of symbols) if (!bySymbol.has(s)) throw new DataError(`instrument ${quote(s)} has no data: no ${s}.csv in ${dir}`);
  }
  if (symbols.length === 0) throw new DataError(`${dir}: no instruments to load`);
  const fields = options.fields ? requestedFields(options.fields) : [...CSV_FIELDS];
  for (const f of fields) {
    if (!(CSV_FIELDS as readonly string[]).includes(f)) throw new DataError(`field ${quote(f)} is not in CSV data (fields: ${CSV_FIELDS.join(', ')})`);
  }

  const rows = symbols.map((s) => readInstrumentCsv(join(dir, bySymbol.get(s)!)));
  const calendar = [...new Set(rows.flatMap((r) => r.dates))].sort();
  if (calendar.length === 0) throw new DataError(`${dir}: the CSV files have no data rows`);
  const dayIndex = new Map(calendar.map((d, t) => [d, t]));
  const T = calendar.length;
  const buffers = allocatePanel(symbols.length, T, fields);
  rows.forEach((r, i) => {
    if (r.dates.length === 0) return;
    const days = r.dates.map((d) => dayIndex.get(d)!);
    buffers.start[i] = days[0]!;
    buffers.end[i] = days[days.length - 1]! + 1;
    for (const f of fields) {
      const out = buffers.fields[f]!;
      const values = r.values[f as (typeof CSV_FIELDS)[number]];
      days.forEach((t, k) => (out[i * T + t] = values[k]!));
    }
  });
  normalizeEmptyRanges(buffers.start, buffers.end);

  return {
    T,
    N: symbols.length,
    start: buffers.start,
    end: buffers.end,
    calendar,
    symbols,
    fields: buffers.fields,
    universes: { all: ownRangeUniverse('all', T, buffers.start, buffers.end) },
    source: { kind: 'csv', location: dir },
  };
}

/** The .csv file names of a directory, or a DataError. */
export function csvFiles(dir: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new DataError(`${dir}: not a directory`);
    entries = readdirSync(dir);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`${dir}: CSV data directory does not exist`);
  }
  const files = entries.filter((f) => extname(f).toLowerCase() === '.csv' && f.length > 4);
  if (files.length === 0) throw new DataError(`${dir}: no .csv files (one file per instrument expected)`);
  return files;
}

function detectLayout(path: string, header: string): Layout {
  const columns = header.split(',').map((c) => c.trim().toLowerCase());
  const same = (expected: readonly string[]) => columns.length === expected.length && columns.every((c, k) => c === expected[k]);
  if (same(VENDOR_HEADER)) return 'vendor';
  if (same(PLAIN_HEADER)) return 'plain';
  throw new DataError(`${path} line 1: header ${quote(header)} is neither ${VENDOR_HEADER.join(',')} nor ${PLAIN_HEADER.join(',')}`);
}

function readInstrumentCsv(path: string): InstrumentRows {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const layout = detectLayout(path, lines[0] ?? '');
  const width = layout === 'vendor' ? VENDOR_HEADER.length : PLAIN_HEADER.length;

  const at = (n: number) => `${path} line ${n + 1}`;
  // Parse every row, then order them by date (files may be newest-first or newest-last).
  const parsed: { date: string; line: number; cells: Float64Array }[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const parts = line.split(',');
    if (parts.length !== width) throw new DataError(`${at(n)}: expected ${width} columns, got ${parts.length}: ${quote(line)}`);
    const date = normalizeDate(parts[0]!);
    if (!date) throw new DataError(`${at(n)}: ${quote(parts[0]!)} is not a date (YYYY-MM-DD)`);
    const cells = new Float64Array(width - 1);
    for (let c = 1; c < width; c++) {
      const cell = parts[c]!.trim();
      // An empty cell is a missing value; anything else must be a number.
      const v = cell === '' ? NaN : Number(cell);
      if (cell !== '' && !Number.isFinite(v)) throw new DataError(`${at(n)}: ${quote(parts[c]!)} is not a number`);
      cells[c - 1] = v;
    }
    parsed.push({ date, line: n + 1, cells });
  }
  parsed.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (let k = 1; k < parsed.length; k++) {
    const [a, b] = [parsed[k - 1]!, parsed[k]!];
    if (a.date === b.date) throw new DataError(`${path} line ${Math.max(a.line, b.line)}: date ${b.date} already given on line ${Math.min(a.line, b.line)}`);
  }

  const values = Object.fromEntries(CSV_FIELDS.map((f) => [f, new Float64Array(parsed.length)])) as InstrumentRows['values'];
  parsed.forEach(({ cells }, k) => {
    // vendor cells: open high low close adjusted_close volume dividend split; plain: open high low close volume
    const [open, high, low, close] = cells as unknown as [number, number, number, number];
    const factor = layout === 'plain' ? 1 : close > 0 ? cells[4]! / close : NaN;
    const volume = layout === 'plain' ? cells[4]! : cells[5]!;
    values.open[k] = open * factor;
    values.high[k] = high * factor;
    values.low[k] = low * factor;
    // The vendor's adjusted close is the adjusted close itself (close * factor could differ in the last bit).
    values.close[k] = layout === 'plain' ? close : Number.isNaN(factor) ? NaN : cells[4]!;
    values.volume[k] = volume / factor;
    values.factor[k] = factor;
    values.change[k] = k === 0 ? NaN : values.close[k]! / values.close[k - 1]! - 1;
  });
  return { dates: parsed.map((p) => p.date), values };
}
