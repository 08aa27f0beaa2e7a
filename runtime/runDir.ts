/**
 * The run directory: `run.json` tells other processes how to join the run;
 * `nats/` holds the embedded server's configuration, credentials and store, so
 * a restarted run finds its messages, state and credentials again.
 *
 *   <run-dir>/run.json               {"run", "nats" (URL with the agent role's credentials), ...}
 *   <run-dir>/nats/credentials.json  both roles' credentials (mode 0600)
 *   <run-dir>/nats/server.conf       embedded server configuration (mode 0600)
 *   <run-dir>/nats/jetstream/        JetStream store
 *   <run-dir>/nats/server.log        embedded server log
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Credentials } from './permissions.js';
import { RUN_ID } from './names.js';

export const runInfoSchema = z.object({
  run: z.string().regex(RUN_ID),
  /** URL of the run's NATS server with the agent role's credentials: what `agent` and `trace` take as --nats. */
  nats: z.string(),
  /** True when the run started its own nats-server (it stops with the run). */
  embedded: z.boolean(),
  stream: z.string(),
  buckets: z.object({ state: z.string(), library: z.string() }),
  startedAt: z.string(),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

export const runInfoPath = (runDir: string): string => join(runDir, 'run.json');
export const natsDir = (runDir: string): string => join(runDir, 'nats');

/** Written atomically (rename) so a reader never sees half a file. */
export function writeRunInfo(runDir: string, info: RunInfo): void {
  writePrivate(runInfoPath(runDir), `${JSON.stringify(info, null, 2)}\n`);
}

export function readRunInfo(runDir: string): RunInfo {
  const path = runInfoPath(runDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`no run at ${runDir} (${path} not found)`);
  }
  const parsed = runInfoSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path} is not a run description: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

const credentialsSchema = z.object({
  owner: z.object({ user: z.string(), password: z.string() }),
  agent: z.object({ user: z.string(), password: z.string() }),
});

/** The run's credentials: created once (random), then reused so agents reconnect after a restart. */
export function loadOrCreateCredentials(runDir: string): Credentials {
  const path = join(natsDir(runDir), 'credentials.json');
  try {
    return credentialsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path} is unreadable: ${(err as Error).message}`);
  }
  const secret = (): string => randomBytes(24).toString('base64url');
  const credentials: Credentials = {
    owner: { user: 'owner', password: secret() },
    agent: { user: 'agent', password: secret() },
  };
  writePrivate(path, `${JSON.stringify(credentials, null, 2)}\n`);
  return credentials;
}

/** Owner-only file, written via a temporary name so it appears whole. */
export function writePrivate(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}
