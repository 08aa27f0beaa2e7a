/**
 * Reading a run's messages back from its stream: everything stored so far
 * (replay, also of a finished run), then, when following, each new message as
 * it is stored. Envelopes are shown as they were sent; payload schemas are not
 * needed, so a trace viewer reads any agent's messages.
 */
import type { JetStreamClient, JetStreamManager } from 'nats';
import { envelopeSchema, msgpackCodec, type Envelope } from './envelope.js';
import { jetstreamNames } from './subjects.js';

export interface TraceEntry {
  /** Position in the run's stream. */
  readonly seq: number;
  readonly subject: string;
  /** Time the stream stored it. */
  readonly storedAt: Date;
  readonly size: number;
  /** The envelope, or null for bytes on a run subject that are no envelope (their dead letter follows). */
  readonly envelope: Envelope | null;
}

export interface TraceFilter {
  readonly from?: string;
  readonly type?: string;
}

export interface TraceOptions extends TraceFilter {
  /** Keep going after the stored messages, until `signal` aborts. */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
}

export async function* readTrace(js: JetStreamClient, jsm: JetStreamManager, run: string, options: TraceOptions = {}): AsyncGenerator<TraceEntry> {
  const stream = jetstreamNames.stream(run);
  const info = await jsm.streams.info(stream);
  if (!options.follow && info.state.messages === 0) return;
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume();
  const stop = (): void => void messages.close();
  options.signal?.addEventListener('abort', stop);
  try {
    if (options.signal?.aborted) return;
    for await (const msg of messages) {
      const entry: TraceEntry = { seq: msg.seq, subject: msg.subject, storedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)), size: msg.data.length, envelope: decodeForTrace(msg.data) };
      if (matches(entry, options)) yield entry;
      if (!options.follow && msg.info.pending === 0) break;
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await messages.close();
  }
}

function decodeForTrace(data: Uint8Array): Envelope | null {
  try {
    const parsed = envelopeSchema.safeParse(msgpackCodec.decode(data));
    return parsed.success ? (parsed.data as Envelope) : null;
  } catch {
    return null;
  }
}

export function matches(entry: TraceEntry, filter: TraceFilter): boolean {
  if (filter.from === undefined && filter.type === undefined) return true;
  const e = entry.envelope;
  if (e === null) return false;
  return (filter.from === undefined || e.from === filter.from) && (filter.type === undefined || e.type === filter.type);
}

/** `--json`: one envelope per line (a non-envelope as `runtime.undecodable` with its subject and size). */
export function traceJson(entry: TraceEntry, run: string): string {
  const e = entry.envelope;
  if (e === null) {
    return JSON.stringify({ id: null, type: 'runtime.undecodable', run, from: null, to: null, time: entry.storedAt.toISOString(), payload: { subject: entry.subject, size: entry.size }, seq: entry.seq });
  }
  return JSON.stringify({ id: e.id, type: e.type, run: e.run, from: e.from, to: e.to, time: e.time, trajectory: e.trajectory, causation: e.causation, correlation: e.correlation, payload: e.payload, seq: entry.seq });
}

/** The readable form: `12:00:01.234  #17  supervisor -> example-attached  specialist.task  {payload...}`. */
export function traceLine(entry: TraceEntry, width = 160): string {
  const e = entry.envelope;
  if (e === null) return `${clock(entry.storedAt)}  #${entry.seq}  (not an envelope: ${entry.size} bytes on ${entry.subject})`;
  const route = `${e.from} -> ${e.to ?? '*'}`;
  let payload = JSON.stringify(e.payload) ?? 'undefined';
  if (payload.length > width) payload = `${payload.slice(0, width - 1)}…`;
  const cause = e.causation ? ` (re ${e.causation.slice(-6)})` : '';
  return `${clock(new Date(e.time))}  #${entry.seq}  ${route}  ${e.type}  ${e.id.slice(-6)}${cause}  ${payload}`;
}

function clock(d: Date): string {
  return d.toISOString().slice(11, 23);
}
