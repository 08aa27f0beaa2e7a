/**
 * startBus: bring up the bus of a run. With a NATS URL it uses that server;
 * without one it starts an embedded nats-server (see natsServer.ts) that stops
 * when the bus closes or the process dies. Either way it makes sure the run's
 * stream and key-value buckets exist, then writes `<run-dir>/run.json` so other
 * processes can join. Starting again with the same run directory resumes the
 * run: same store, same credentials, the same port when it is free.
 */
import { mkdirSync } from 'node:fs';
import { DiscardPolicy, RetentionPolicy, StorageType, nanos, type JetStreamManager } from 'nats';
import { Bus, DEFAULT_MAX_ENVELOPE_BYTES, type BusOptions } from './bus.js';
import { isNotFound } from './jetstreamErrors.js';
import { checkRunId } from './names.js';
import { startNatsServer, type EmbeddedServer } from './natsServer.js';
import { parseNatsUrl, redactNatsUrl } from './natsUrl.js';
import { loadOrCreateCredentials, natsDir, readRunInfo, writeRunInfo, type RunInfo } from './runDir.js';
import { jetstreamNames, subjects } from './subjects.js';

export interface StartBusOptions extends BusOptions {
  readonly run: string;
  readonly runDir: string;
  /** An existing NATS server (with JetStream); when absent, an embedded nats-server is started. */
  readonly natsUrl?: string;
  /** Interface the embedded server listens on. Default 127.0.0.1; use 0.0.0.0 for agents on other machines. */
  readonly listen?: string;
  /** Agent name this process sends as by default. Default `supervisor`. */
  readonly name?: string;
}

/** How long the stream remembers message ids to drop duplicates (a re-sent task, a second answer). */
export const DEDUP_WINDOW_MS = 30 * 60_000;

export interface StartedBus {
  readonly bus: Bus;
  readonly info: RunInfo;
  /** The embedded server, or null when the run uses an external one. */
  readonly server: EmbeddedServer | null;
}

export async function startBus(options: StartBusOptions): Promise<StartedBus> {
  checkRunId(options.run);
  mkdirSync(options.runDir, { recursive: true });
  const server = options.natsUrl === undefined ? await startEmbedded(options) : null;
  const ownerUrl = server?.url('owner') ?? options.natsUrl!;
  let bus: Bus;
  try {
    bus = await Bus.open({ ...options, natsUrl: ownerUrl, name: options.name ?? 'supervisor' });
  } catch (err) {
    await server?.stop();
    throw err;
  }
  if (server !== null) bus.onClose(() => server.stop());
  try {
    await ensureRunStorage(bus, options.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES);
  } catch (err) {
    await bus.close();
    throw err;
  }
  const info: RunInfo = {
    run: options.run,
    nats: server?.url('agent') ?? options.natsUrl!,
    embedded: server !== null,
    stream: jetstreamNames.stream(options.run),
    buckets: { state: jetstreamNames.stateBucket(options.run), library: jetstreamNames.libraryBucket(options.run) },
    startedAt: new Date().toISOString(),
  };
  writeRunInfo(options.runDir, info);
  return { bus, info, server };
}

/**
 * Opens a finished run's stored messages for reading: starts its embedded
 * server again on the stored data and joins with the agent role. Writes
 * nothing to the run directory; closing the bus stops the server.
 */
export async function reopenRun(runDir: string, name: string): Promise<Bus> {
  const info = readRunInfo(runDir);
  if (!info.embedded) throw new Error(`run ${info.run} used an external NATS server (${redactNatsUrl(info.nats)}); it is not stored in ${runDir}`);
  const server = await startNatsServer({ dir: natsDir(runDir), run: info.run, credentials: loadOrCreateCredentials(runDir) });
  try {
    const bus = await Bus.connect({ natsUrl: server.url('agent'), run: info.run, name });
    bus.onClose(() => server.stop());
    return bus;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function startEmbedded(options: StartBusOptions): Promise<EmbeddedServer> {
  let preferredPort: number | undefined;
  try {
    const previous = readRunInfo(options.runDir);
    if (previous.embedded && previous.run === options.run) preferredPort = parseNatsUrl(previous.nats).port;
  } catch {
    // a new run
  }
  return startNatsServer({
    dir: natsDir(options.runDir),
    run: options.run,
    credentials: loadOrCreateCredentials(options.runDir),
    ...(options.listen !== undefined ? { host: options.listen } : {}),
    ...(preferredPort !== undefined ? { preferredPort } : {}),
  });
}

/** The run's stream (every persisted message) and its two buckets; existing ones are kept as they are. */
async function ensureRunStorage(bus: Bus, maxValueBytes: number): Promise<void> {
  const jsm: JetStreamManager = bus.jsm;
  const stream = jetstreamNames.stream(bus.run);
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add({
      name: stream,
      subjects: subjects.persisted(bus.run),
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      // Messages go in with plain publishes: no ack, so a request's reply inbox is never answered by the stream.
      no_ack: true,
      duplicate_window: nanos(DEDUP_WINDOW_MS),
      // No max_msg_size below the server's max_payload: an oversized task must reach a member to be dead-lettered.
    });
  }
  for (const [bucket, history] of [
    [jetstreamNames.stateBucket(bus.run), 10],
    [jetstreamNames.libraryBucket(bus.run), 1],
  ] as const) {
    await bus.js.views.kv(bucket, { history, storage: StorageType.File, maxValueSize: maxValueBytes });
  }
}
