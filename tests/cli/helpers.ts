/**
 * Runs the compiled CLI (dist/bin/alphaswarm.js) as a child process, and
 * reads qlib data files by hand - independently of evaluator/data - so the
 * commands' output can be checked against the raw files.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/sharedData.js';

export const CLI = join(repoRoot, 'dist/bin/alphaswarm.js');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the CLI tests (npm test does)`);

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Non-empty stderr lines. */
  readonly errors: readonly string[];
}

export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, env: { ...process.env, ALPHASWARM_DEBUG: '' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr, errors: stderr.split('\n').filter((l) => l !== '') });
    });
  });
}

/** Runs the CLI and parses its stdout as one JSON document, failing with stderr when it exits non-zero. */
export async function runJson<T = Record<string, unknown>>(args: readonly string[]): Promise<{ json: T; errors: readonly string[] }> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`alphaswarm ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return { json: JSON.parse(r.stdout) as T, errors: r.errors };
}

export function tempDir(prefix = 'alphaswarm-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

// ---- raw qlib files, read by hand ----

export function rawCalendar(dir: string): string[] {
  return readFileSync(join(dir, 'calendars/day.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** Symbol -> [start, end] date intervals (inclusive) of instruments/<universe>.txt. */
export function rawMembership(dir: string, universe: string): Map<string, [string, string][]> {
  const map = new Map<string, [string, string][]>();
  for (const line of readFileSync(join(dir, 'instruments', `${universe}.txt`), 'utf8').split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    const [symbol, start, end] = parts as [string, string, string];
    const list = map.get(symbol.toUpperCase()) ?? [];
    list.push([start, end]);
    map.set(symbol.toUpperCase(), list);
  }
  return map;
}

export function isMember(intervals: readonly [string, string][] | undefined, date: string): boolean {
  return (intervals ?? []).some(([a, b]) => a <= date && date <= b);
}

/**
 * One field of one instrument as a calendar-length array (NaN where the file
 * has no value), plus the file's own day range [start, end).
 */
export function rawField(dir: string, symbol: string, field: string, T: number): { values: Float64Array; start: number; end: number } {
  const path = join(dir, 'features', symbol.toLowerCase(), `${field}.day.bin`);
  const values = new Float64Array(T).fill(NaN);
  if (!existsSync(path)) return { values, start: 0, end: 0 };
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / 4;
  const start = view.getFloat32(0, true);
  for (let k = 1; k < count; k++) values[start + k - 1] = view.getFloat32(4 * k, true);
  return { values, start, end: start + count - 1 };
}

// ---- a tiny CSV market, for fast in-process and error tests ----

/**
 * `instruments` CSV files (`date,open,high,low,close,volume`) of `days`
 * weekdays from 2020-01-06, prices from a fixed pseudo-random walk.
 */
export function writeCsvMarket(instruments = 12, days = 80): string {
  const dir = tempDir('alphaswarm-csv-');
  let state = 12345;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const dates: string[] = [];
  for (let day = new Date(Date.UTC(2020, 0, 6)); dates.length < days; day.setUTCDate(day.getUTCDate() + 1)) {
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) dates.push(day.toISOString().slice(0, 10));
  }
  for (let i = 0; i < instruments; i++) {
    let close = 10 + 5 * random();
    const rows = ['date,open,high,low,close,volume'];
    for (const date of dates) {
      const open = close * (1 + 0.01 * (random() - 0.5));
      close = open * (1 + 0.03 * (random() - 0.5));
      const high = Math.max(open, close) * (1 + 0.01 * random());
      const low = Math.min(open, close) * (1 - 0.01 * random());
      rows.push(`${date},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${Math.round(1e5 * (1 + random()))}`);
    }
    writeFileSync(join(dir, `S${String(i).padStart(2, '0')}.csv`), `${rows.join('\n')}\n`);
  }
  return dir;
}

/** A qlib-layout directory whose calendar has a line that is not a date. */
export function writeBrokenQlibDir(): string {
  const dir = tempDir('alphaswarm-badqlib-');
  mkdirSync(join(dir, 'calendars'));
  mkdirSync(join(dir, 'features'));
  mkdirSync(join(dir, 'instruments'));
  writeFileSync(join(dir, 'calendars/day.txt'), '2020-01-02\n2020-01-03\nnot a date\n');
  return dir;
}
