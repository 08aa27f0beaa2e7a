/**
 * The embedded nats-server: a child process with JetStream on, its store under
 * the run directory, random credentials with per-role permissions, on a free
 * port. It stops with the run: on stop(), and, through a watchdog, whenever the
 * parent process dies in any way (including kill -9), since a pipe from the
 * parent reaches end-of-file then.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { authorizationConfig, type Credentials, type Role } from './permissions.js';
import { isLoopbackHost, natsUrlToString } from './natsUrl.js';
import { writePrivate } from './runDir.js';

export const NATS_INSTALL_HINT = 'install it with `apt-get install -y nats-server` (Debian/Ubuntu) or from https://github.com/nats-io/nats-server/releases, or pass --nats URL';

export class NatsServerError extends Error {
  override readonly name = 'NatsServerError';
}

export interface EmbeddedServerOptions {
  /** Directory for configuration, store and log (the run's `nats/`). */
  readonly dir: string;
  readonly run: string;
  readonly credentials: Credentials;
  /** Interface to listen on; default loopback. Anything else is reachable from other machines. */
  readonly host?: string;
  /** Port to try first (a restarted run reuses its port so agents reconnect); a random free port otherwise. */
  readonly preferredPort?: number;
  /** Largest message the server accepts (NATS max_payload). */
  readonly maxPayloadBytes?: number;
  readonly startTimeoutMs?: number;
}

export interface EmbeddedServer {
  /** The host other processes use to reach it. */
  readonly host: string;
  readonly port: number;
  /** The nats-server process id. */
  readonly pid: number;
  url(role: Role): string;
  /** Resolves when the server process has exited. */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

/** `NATS_SERVER_BIN`, else `nats-server` on the PATH or in the sbin directories Debian installs it to. */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NATS_SERVER_BIN) return isExecutable(env.NATS_SERVER_BIN) ? env.NATS_SERVER_BIN : null;
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'nats-server');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// The watchdog: runs nats-server in the background and kills it when its own
// stdin (a pipe from the parent) closes, i.e. when the parent exits however it
// exits. TERM/INT from stop() are forwarded so the server shuts down cleanly.
const WATCHDOG = `
exec 3<&0
"$1" -c "$2" </dev/null &
server=$!
{ while read -r _ <&3; do :; done; kill -TERM "$server" 2>/dev/null; } &
watcher=$!
trap 'kill -TERM "$server" 2>/dev/null' TERM INT HUP
while :; do
  wait "$server"; status=$?
  kill -0 "$server" 2>/dev/null || break
done
kill "$watcher" 2>/dev/null
exit "$status"
`;

export async function startNatsServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const binary = findNatsServerBinary();
  if (binary === null) throw new NatsServerError(`nats-server not found: ${NATS_INSTALL_HINT}`);
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const pidFile = join(options.dir, 'server.pid');
  refuseIfRunning(pidFile, options.dir);

  const port = options.preferredPort !== undefined && (await portIsFree(host, options.preferredPort)) ? options.preferredPort : -1;
  const configPath = join(options.dir, 'server.conf');
  writePrivate(configPath, serverConfig({ ...options, host, port, pidFile }));

  const log = createWriteStream(join(options.dir, 'server.log'), { flags: 'a' });
  const child = spawn('sh', ['-c', WATCHDOG, 'alphaswarm-nats-watchdog', binary, configPath], {
    stdio: ['pipe', 'ignore', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only the parent, which drains and then stops the server.
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const recent: string[] = [];
  const listening = waitForReady(child, log, recent, options.startTimeoutMs ?? 15_000);
  let address: { host: string; port: number };
  try {
    address = await listening;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  // The server must not keep the parent alive; the watchdog ends it when the parent goes.
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  (child.stderr as unknown as { unref(): void }).unref();

  const advertised = advertisedHost(host);
  let stopping: Promise<void> | null = null;
  return {
    host: advertised,
    port: address.port,
    pid,
    exited,
    url: (role) =>
      natsUrlToString({
        server: `${advertised}:${address.port}`,
        host: advertised,
        port: address.port,
        user: options.credentials[role].user,
        pass: options.credentials[role].password,
      }),
    stop: () => (stopping ??= stopChild(child, pid, exited).finally(() => log.end())),
  };
}

function serverConfig(o: EmbeddedServerOptions & { host: string; port: number; pidFile: string }): string {
  return [
    `# written by alphaswarm for run ${o.run}; regenerated at every start`,
    `listen: ${JSON.stringify(`${o.host}:${o.port}`)}`,
    `server_name: ${JSON.stringify(`alphaswarm-${o.run}`)}`,
    `pid_file: ${JSON.stringify(o.pidFile)}`,
    `max_payload: ${o.maxPayloadBytes ?? 1024 * 1024}`,
    `jetstream: ${JSON.stringify({ store_dir: join(o.dir, 'jetstream') })}`,
    authorizationConfig(o.run, o.credentials),
    '',
  ].join('\n');
}

/** Two servers on one store would corrupt it: refuse while the previous one is alive. */
function refuseIfRunning(pidFile: string, dir: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    alive = false;
  }
  if (!alive) return;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    command = 'nats-server'; // no /proc: assume the worst
  }
  if (command.includes('nats-server')) {
    throw new NatsServerError(`a nats-server (pid ${pid}) is already serving ${dir}; join that run with --nats (see run.json) instead`);
  }
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function waitForReady(child: ChildProcess, log: NodeJS.WritableStream, recent: string[], timeoutMs: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    let address: { host: string; port: number } | null = null;
    let buffered = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      const tail = recent.filter((l) => /\[(ERR|FTL|WRN)\]/.test(l)).slice(-3).map((l) => l.replace(/^\[\d+\] \S+ \S+ /, ''));
      reject(new NatsServerError(`nats-server ${why}${tail.length ? `: ${tail.join(' | ')}` : ''}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        recent.push(line);
        if (recent.length > 50) recent.shift();
        const m = /Listening for client connections on (.+):(\d+)\s*$/.exec(line);
        if (m) address = { host: m[1]!, port: Number(m[2]) };
        if (line.includes('Server is ready') && address !== null) {
          clearTimeout(timer);
          resolve(address);
        }
      }
    });
    child.once('exit', (code, signal) => fail(`exited during start (${signal ?? `code ${code}`})`));
    child.once('error', (err) => fail(`could not start (${err.message})`));
  });
}

/** What to put in URLs: the listen address, or this machine's name when listening on all interfaces. */
function advertisedHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return hostname();
  return isLoopbackHost(host) || !host.includes(':') ? host : `[${host}]`;
}

async function stopChild(child: ChildProcess, serverPid: number, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // A referenced timer: it also keeps the process alive until the server is down.
  let timer!: NodeJS.Timeout;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000)));
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    try {
      process.kill(serverPid, 'SIGKILL');
    } catch {
      // already gone
    }
    child.kill('SIGKILL');
    await exited;
  }
}
