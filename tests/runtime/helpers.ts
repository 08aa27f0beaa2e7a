/**
 * Helpers for the runtime's tests: each test starts its own real nats-server
 * (embedded, free port, temporary store) and real child processes running the
 * compiled CLI (`npm test` builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startBus, type StartedBus } from '../../runtime/start.js';
import '../../agents/specialistDefinition.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI = join(ROOT, 'dist/bin/alphaswarm.js');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the runtime tests (npm test does)`);

export function tempDir(prefix = 'alphaswarm-rt-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestRun extends StartedBus {
  readonly dir: string;
  readonly run: string;
  close(): Promise<void>;
}

let runCounter = 0;

/** A fresh run with an embedded server in a temporary directory. */
export async function startTestRun(options: { listen?: string } = {}): Promise<TestRun> {
  const dir = tempDir();
  const run = `t${process.pid}-${++runCounter}`;
  const started = await startBus({ run, runDir: dir, log: () => {}, ...options });
  return {
    ...started,
    dir,
    run,
    close: async () => {
      await started.bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A child process with its output lines collected, and a way to wait for one. */
export interface Child {
  readonly process: ChildProcess;
  readonly lines: string[];
  readonly errors: string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
}

export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    waiters.forEach((w) => w());
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    errors.push(line);
    waiters.forEach((w) => w());
  });
  // 'close', not 'exit': 'exit' may come before the last lines of stdout and stderr have been read.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    process: child,
    lines,
    errors,
    exited,
    waitForLine: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit === undefined) return;
          done();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${errors.slice(-5).join(' | ')}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

export const spawnCli = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Child => spawnNode([CLI, ...args], env);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a child (SIGTERM, then SIGKILL) and waits for it. */
export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}
