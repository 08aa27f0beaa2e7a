/**
 * Reader for qlib's on-disk "bin" format:
 *
 *   calendars/day.txt                   one trading date per line, ascending
 *   instruments/<universe>.txt          SYMBOL<TAB>start<TAB>end; several lines = several membership intervals
 *   features/<symbol>/<field>.day.bin   little-endian float32: [index of the first day, values...]
 *
 * Each instrument's own range is the union of its fields' bin ranges (qlib
 * computes operators over an instrument's own dates). Any defect in the
 * files is a one-line DataError naming the file, never an index crash.
 */

import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';

import type { Panel, Universe } from '../panel.js';
import { allocatePanel, membershipUniverse, normalizeEmptyRanges, ownRangeUniverse, type MembershipInterval } from './assemble.js';
import { normalizeDate } from './dates.js';
import { DataError, quote } from './errors.js';
import { requestedFields, type LoadOptions } from './options.js';

const BIN_SUFFIX = '.day.bin';
const UNIVERSE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function loadQlibPanel(dir: string, options: LoadOptions = {}): Panel {
  requireDirectory(dir, 'qlib data directory');
  const calendarPath = join(dir, 'calendars', 'day.txt');
  const calendar = readCalendar(calendarPath);
  const featuresDir = join(dir, 'features');
  requireDirectory(featuresDir, 'features directory');
  const instrumentsDir = join(dir, 'instruments');
  const notes: string[] = [];

  const chosen = options.universe === undefined ? null : readUniverse(instrumentsDir, options.universe);
  const folders = featureFolders(featuresDir);
  const symbols = chooseSymbols(featuresDir, folders, chosen, options.universe, options.instruments, notes);
  const fields = options.fields ? requestedFields(options.fields) : discoverFields(featuresDir, symbols, folders);
  if (fields.length === 0) throw new DataError(`${featuresDir}: no ${BIN_SUFFIX} files for the chosen instruments`);

  const T = calendar.length;
  const N = symbols.length;
  const buffers = allocatePanel(N, T, fields);
  const reader = new BinReader(T, calendar, calendarPath);
  const found = new Set<string>();
  symbols.forEach((symbol, i) => {
    const folder = join(featuresDir, folders.get(symbol)!);
    for (const field of Object.keys(buffers.fields)) {
      const range = reader.read(join(folder, `${field}${BIN_SUFFIX}`), buffers.fields[field]!, i * T);
      if (!range) continue;
      found.add(field);
      if (range.end > range.start) {
        buffers.start[i] = Math.min(buffers.start[i]!, range.start);
        buffers.end[i] = Math.max(buffers.end[i]!, range.end);
      }
    }
  });
  for (const field of Object.keys(buffers.fields)) {
    if (!found.has(field)) {
      const present = discoverFields(featuresDir, symbols, folders);
      throw new DataError(`${featuresDir}: field ${quote(field)} not found for any chosen instrument (fields present: ${present.join(', ') || 'none'})`);
    }
  }
  normalizeEmptyRanges(buffers.start, buffers.end);

  const allPath = join(instrumentsDir, 'all.txt');
  const universes: Record<string, Universe> = {
    all: existsSync(allPath)
      ? membershipUniverse('all', calendar, symbols, readInstrumentFile(allPath))
      : ownRangeUniverse('all', T, buffers.start, buffers.end),
  };
  if (chosen && options.universe !== 'all') universes[options.universe!] = membershipUniverse(options.universe!, calendar, symbols, chosen);

  return {
    T,
    N,
    start: buffers.start,
    end: buffers.end,
    calendar,
    symbols,
    fields: buffers.fields,
    universes,
    source: { kind: 'qlib', location: dir, meta: { notes } },
  };
}

function requireDirectory(path: string, what: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new DataError(`${path}: ${what} does not exist`);
  }
  if (!isDir) throw new DataError(`${path}: ${what} is not a directory`);
}

/** The calendar file: `YYYY-MM-DD` per line, strictly ascending. */
export function readCalendar(path: string): string[] {
  const text = readText(path, 'calendar file (a qlib data directory needs calendars/day.txt)');
  const calendar: string[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === '') return;
    const date = normalizeDate(line);
    if (!date) throw new DataError(`${path} line ${n + 1}: ${quote(line)} is not a date (YYYY-MM-DD)`);
    const previous = calendar[calendar.length - 1];
    if (previous !== undefined && date <= previous) throw new DataError(`${path} line ${n + 1}: ${date} does not come after ${previous} (dates must be ascending)`);
    calendar.push(date);
  });
  if (calendar.length === 0) throw new DataError(`${path}: calendar file has no dates`);
  return calendar;
}

/** An instruments file: symbol (upper-cased) to its membership intervals. */
export function readInstrumentFile(path: string): Map<string, MembershipInterval[]> {
  const text = readText(path, 'instruments file');
  const intervals = new Map<string, MembershipInterval[]>();
  text.split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === '') return;
    const where = `${path} line ${n + 1}`;
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) throw new DataError(`${where}: expected SYMBOL<TAB>START<TAB>END, got ${quote(line)}`);
    const [symbol, from, to] = parts as [string, string, string];
    const start = normalizeDate(from);
    const end = normalizeDate(to);
    if (!start || !end) throw new DataError(`${where}: ${quote(start ? to : from)} is not a date (YYYY-MM-DD)`);
    if (start > end) throw new DataError(`${where}: start ${start} is after end ${end}`);
    const key = symbol.toUpperCase();
    let list = intervals.get(key);
    if (!list) intervals.set(key, (list = []));
    list.push({ start, end });
  });
  return intervals;
}

function readUniverse(instrumentsDir: string, universe: string): Map<string, MembershipInterval[]> {
  const path = join(instrumentsDir, `${universe}.txt`);
  if (!UNIVERSE_NAME.test(universe) || !existsSync(path)) {
    const known = existsSync(instrumentsDir)
      ? readdirSync(instrumentsDir).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort()
      : [];
    throw new DataError(`unknown universe ${quote(universe)}: no ${path} (universes here: ${known.join(', ') || 'none'})`);
  }
  return readInstrumentFile(path);
}

/** Upper-case symbol to its folder name under features/. */
function featureFolders(featuresDir: string): Map<string, string> {
  const folders = new Map<string, string>();
  for (const entry of readdirSync(featuresDir, { withFileTypes: true })) {
    if (entry.isDirectory() || entry.isSymbolicLink()) folders.set(entry.name.toUpperCase(), entry.name);
  }
  return folders;
}

function chooseSymbols(
  featuresDir: string,
  folders: ReadonlyMap<string, string>,
  chosen: ReadonlyMap<string, readonly MembershipInterval[]> | null,
  universe: string | undefined,
  instruments: readonly string[] | undefined,
  notes: string[],
): string[] {
  let symbols: string[];
  if (instruments) {
    symbols = [...new Set(instruments.map((s) => s.trim().toUpperCase()))];
    for (const symbol of symbols) {
      if (!folders.has(symbol)) throw new DataError(`instrument ${quote(symbol)} has no data: no folder ${join(featuresDir, symbol.toLowerCase())}`);
    }
  } else if (chosen) {
    const members = [...chosen.keys()];
    symbols = members.filter((s) => folders.has(s));
    const missing = members.length - symbols.length;
    if (missing > 0) notes.push(`${missing} of the ${members.length} instruments ever in ${universe} have no feature data and are left out`);
  } else {
    symbols = [...folders.keys()];
  }
  if (symbols.length === 0) throw new DataError(`${featuresDir}: no instruments to load${universe ? ` for universe ${universe}` : ''}`);
  return symbols.sort();
}

/** Every field with a .day.bin file for at least one of the instruments, sorted. */
function discoverFields(featuresDir: string, symbols: readonly string[], folders: ReadonlyMap<string, string>): string[] {
  const fields = new Set<string>();
  for (const symbol of symbols) {
    for (const file of readdirSync(join(featuresDir, folders.get(symbol)!))) {
      if (file.endsWith(BIN_SUFFIX)) fields.add(file.slice(0, -BIN_SUFFIX.length));
    }
  }
  return [...fields].sort();
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `${path}: missing ${what}` : `${path}: cannot read ${what} (${code ?? String(err)})`);
  }
}

/**
 * Reads .day.bin files into panel rows through one reusable buffer, so a
 * whole data set loads without allocating per file.
 */
class BinReader {
  private readonly bytes: Uint8Array;
  private readonly floats: Float32Array;

  constructor(
    private readonly T: number,
    private readonly calendar: readonly string[],
    private readonly calendarPath: string,
  ) {
    if (endianness() !== 'LE') throw new DataError('qlib .bin files are little-endian float32; this big-endian host is not supported');
    const buffer = new ArrayBuffer((T + 1) * 4);
    this.bytes = new Uint8Array(buffer);
    this.floats = new Float32Array(buffer);
  }

  /** Copies the file's values into `out` at `offset + day`; the day range it covers, or null if the file is absent. */
  read(path: string, out: Float64Array, offset: number): { start: number; end: number } | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new DataError(`${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new DataError(`${path}: not a file`);
      const size = stat.size;
      if (size === 0) throw new DataError(`${path}: empty file (a ${BIN_SUFFIX} holds a start index, then values)`);
      if (size % 4 !== 0) throw new DataError(`${path}: ${size} bytes is not a whole number of float32 values (truncated file?)`);
      const count = size / 4 - 1;
      if (count > this.T) {
        throw new DataError(`${path}: ${count} values but the calendar has only ${this.T} days (${this.calendarPath})`);
      }
      this.readAll(fd, path, size);
      const first = this.floats[0]!;
      if (!Number.isInteger(first) || first < 0 || first >= this.T) {
        throw new DataError(
          `${path}: start index ${first} is not a day of the calendar (0..${this.T - 1} in ${this.calendarPath}); misaligned or not a qlib ${BIN_SUFFIX}?`,
        );
      }
      if (first + count > this.T) {
        throw new DataError(
          `${path}: ${count} values from day ${first} (${this.calendar[first]}) run past the calendar's last day ${this.calendar[this.T - 1]} by ${first + count - this.T}`,
        );
      }
      const base = offset + first;
      for (let j = 0; j < count; j++) out[base + j] = this.floats[j + 1]!;
      return { start: first, end: first + count };
    } finally {
      closeSync(fd);
    }
  }

  private readAll(fd: number, path: string, size: number): void {
    let read = 0;
    while (read < size) {
      let n: number;
      try {
        n = readSync(fd, this.bytes, read, size - read, read);
      } catch (err) {
        throw new DataError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
      if (n === 0) throw new DataError(`${path}: file shrank while reading (${read} of ${size} bytes)`);
      read += n;
    }
  }
}
