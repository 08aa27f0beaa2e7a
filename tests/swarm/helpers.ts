/**
 * Helpers for the swarm's end-to-end tests: the compiled CLI in child
 * processes (`npm test` builds first), the run directory's files, and the
 * run's stored messages replayed with `alphaswarm trace --run-dir --json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from '../runtime/helpers.js';

export { ROOT, CLI };
export { spawnCli, stopChild, tempDir, waitUntil, type Child } from '../runtime/helpers.js';

/** Small enough for a test, large enough that selection has candidates to choose from. */
export const SMALL = ['--population', '30'];

export interface TraceEntry {
  readonly id: string;
  readonly type: string;
  readonly from: string;
  readonly to: string | null;
  readonly causation: string | null;
  readonly trajectory: string | null;
  readonly payload: Record<string, unknown>;
}

/** Every stored message of a finished run (the CLI reopens its embedded store). */
export function traceOf(runDir: string): TraceEntry[] {
  const result = spawnSync(process.execPath, [CLI, 'trace', '--run-dir', runDir, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`trace failed (${result.status}): ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TraceEntry);
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function jsonLines<T = unknown>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const exists = (dir: string, file: string): boolean => existsSync(join(dir, file));
