/**
 * Small market data directories written by the tests themselves into a
 * temporary folder (no market data is ever committed).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory; `cleanup` removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'alphaswarm-data-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bytes of a qlib .day.bin: little-endian float32 start index, then the values. */
export function binBytes(startIndex: number, values: readonly number[]): Buffer {
  const buffer = Buffer.alloc(4 * (values.length + 1));
  buffer.writeFloatLE(startIndex, 0);
  values.forEach((v, k) => buffer.writeFloatLE(v, 4 * (k + 1)));
  return buffer;
}

export interface QlibFixture {
  /** Calendar lines (written as is, one per line). */
  readonly calendar?: readonly string[];
  /** Universe name to the lines of its instruments file. */
  readonly instruments?: Readonly<Record<string, readonly string[]>>;
  /** Folder name under features/ to field name to [start index, values] or raw bytes. */
  readonly features?: Readonly<Record<string, Readonly<Record<string, readonly [number, readonly number[]] | Buffer>>>>;
}

/** Writes a qlib-layout directory under `root`; omitted parts are not created. */
export function writeQlib(root: string, fixture: QlibFixture): string {
  if (fixture.calendar) {
    mkdirSync(join(root, 'calendars'), { recursive: true });
    writeFileSync(join(root, 'calendars', 'day.txt'), fixture.calendar.join('\n') + '\n');
  }
  if (fixture.instruments) {
    mkdirSync(join(root, 'instruments'), { recursive: true });
    for (const [name, lines] of Object.entries(fixture.instruments)) {
      writeFileSync(join(root, 'instruments', `${name}.txt`), lines.join('\n') + '\n');
    }
  }
  if (fixture.features) {
    for (const [folder, fields] of Object.entries(fixture.features)) {
      mkdirSync(join(root, 'features', folder), { recursive: true });
      for (const [field, content] of Object.entries(fields)) {
        const bytes = Buffer.isBuffer(content) ? content : binBytes(content[0], content[1]);
        writeFileSync(join(root, 'features', folder, `${field}.day.bin`), bytes);
      }
    }
  }
  return root;
}

/** Writes CSV files (file name to lines) into `root`. */
export function writeCsvDir(root: string, files: Readonly<Record<string, readonly string[]>>): string {
  mkdirSync(root, { recursive: true });
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(root, name), lines.join('\n') + '\n');
  return root;
}

/** Instrument i's row of an N*T array. */
export function row(values: ArrayLike<number>, i: number, T: number): number[] {
  return Array.from({ length: T }, (_, t) => values[i * T + t]!);
}
