/**
 * Benchmark of the message bus, through a real local nats-server (embedded,
 * loopback, JetStream on a temporary store):
 *
 *   codecs      envelopes encoded with msgpackr vs JSON over core NATS:
 *               publish->subscribe messages/second, and request/reply round
 *               trip p50/p99 (the responder decodes the request and encodes
 *               an answer envelope)
 *   bus         the Bus itself (msgpackr, zod validation at both ends):
 *               publish->subscribe messages/second with the run's stream off,
 *               on, and on with a `trace --follow` reader consuming it, i.e.
 *               what persistence and tracing cost
 *   work queue  Bus.request -> serve round trip p50/p99: the durable path
 *               (stored task, pull, answered-before check, stored answer, ack)
 *
 *   npm run build && node dist/bench/bus.js [--messages 50000] [--requests 3000]
 *
 * Publisher, subscriber and nats-server share the machine's cores; numbers are
 * for one machine and say so (see `machine` in the result).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from 'nats';
import { z } from 'zod';
import type { Bus } from '../runtime/bus.js';
import { createEnvelope, jsonCodec, msgpackCodec, type Codec, type Envelope } from '../runtime/envelope.js';
import { parseNatsUrl } from '../runtime/natsUrl.js';
import { messageSchemas } from '../runtime/schemas.js';
import { startBus } from '../runtime/start.js';
import { readTrace } from '../runtime/trace.js';

export interface Latency {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  readonly samples: number;
}

export interface Throughput {
  readonly messagesPerSecond: number;
  readonly messages: number;
}

export interface BusBenchResult {
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
  readonly envelopeBytes: { readonly msgpackr: number; readonly json: number };
  readonly codecs: Record<'msgpackr' | 'json', { readonly publishSubscribe: Throughput; readonly requestReply: Latency }>;
  readonly bus: {
    readonly streamOff: Throughput;
    readonly streamOn: Throughput;
    readonly streamOnWithTrace: Throughput & { readonly traceCaughtUpMs: number };
  };
  readonly workQueueRequest: Latency;
}

export interface BusBenchOptions {
  readonly messages?: number;
  readonly requests?: number;
}

const BENCH_TYPE = 'bench.task';
const benchPayload = z.strictObject({ direction: z.string(), context: z.string(), round: z.number().int() });
messageSchemas.register(BENCH_TYPE, benchPayload);

/** A payload the size of a real specialist task: a direction and a context listing accepted factors. */
function samplePayload(round: number): z.infer<typeof benchPayload> {
  const factors = Array.from({ length: 8 }, (_, i) => `Corr($close, Log($volume + 1), ${5 + i}) IC=0.0${i}`).join('\n');
  return { direction: 'short-term reversal after abnormal volume, within 5 to 20 days', context: `accepted so far:\n${factors}`, round };
}

export async function runBusBench(options: BusBenchOptions = {}): Promise<BusBenchResult> {
  const messages = options.messages ?? 50_000;
  const requests = options.requests ?? 3000;
  const dir = mkdtempSync(join(tmpdir(), 'alphaswarm-bench-'));
  const { bus, server } = await startBus({ run: 'bench', runDir: dir, name: 'bench', log: () => {} });
  try {
    const url = parseNatsUrl(server!.url('owner'));
    const open = (name: string): Promise<NatsConnection> => connect({ servers: url.server, user: url.user!, pass: url.pass!, name });
    const [pub, sub] = [await open('bench-pub'), await open('bench-sub')];
    const sampleEnvelope = createEnvelope({ type: BENCH_TYPE, run: 'bench', from: 'bench', to: 'worker', payload: samplePayload(0) });

    const codecs = {} as BusBenchResult['codecs'];
    // Warm both up first, so neither is measured while the other is still being compiled.
    for (const codec of [msgpackCodec, jsonCodec]) {
      await codecPublishSubscribe(pub, sub, codec, Math.min(5000, messages));
      await codecRequestReply(pub, sub, codec, Math.min(500, requests));
    }
    for (const codec of [msgpackCodec, jsonCodec]) {
      const publishSubscribe = await codecPublishSubscribe(pub, sub, codec, messages);
      const requestReply = await codecRequestReply(pub, sub, codec, requests);
      codecs[codec.name as 'msgpackr' | 'json'] = { publishSubscribe, requestReply };
    }
    await pub.close();
    await sub.close();

    const listener = await startBus({ run: 'bench', runDir: join(dir, 'listener'), natsUrl: server!.url('owner'), name: 'listener', log: () => {} });
    try {
      await busPublishSubscribe(bus, listener.bus, Math.min(5000, messages)); // warm-up
      const streamOn = await busPublishSubscribe(bus, listener.bus, messages);
      const streamOnWithTrace = await busPublishSubscribeTraced(bus, listener.bus, messages);
      const workQueueRequest = await workQueueRoundTrip(bus, listener.bus, requests);
      await bus.jsm.streams.delete(bus.stream);
      const streamOff = await busPublishSubscribe(bus, listener.bus, messages);
      return {
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
        envelopeBytes: { msgpackr: msgpackCodec.encode(sampleEnvelope).length, json: jsonCodec.encode(sampleEnvelope).length },
        codecs,
        bus: { streamOff, streamOn, streamOnWithTrace },
        workQueueRequest,
      };
    } finally {
      await listener.bus.close();
    }
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Messages/second from the first publish to the last message decoded by a subscriber on another connection. */
async function codecPublishSubscribe(pub: NatsConnection, sub: NatsConnection, codec: Codec, count: number): Promise<Throughput> {
  const subject = `bench.codec.${codec.name}`;
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const s = sub.subscribe(subject, {
    callback: (_err, msg) => {
      codec.decode(msg.data);
      if (++received === count) done();
    },
  });
  await sub.flush();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    pub.publish(subject, codec.encode(createEnvelope({ type: BENCH_TYPE, run: 'bench', from: 'bench', to: 'worker', payload: samplePayload(i) })));
    if (i % 2000 === 1999) await pub.flush(); // bound what the client buffers
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  s.unsubscribe();
  return { messagesPerSecond: Math.round(count / seconds), messages: count };
}

/** Sequential request/reply: the responder decodes the task and answers with an encoded envelope. */
async function codecRequestReply(pub: NatsConnection, sub: NatsConnection, codec: Codec, count: number): Promise<Latency> {
  const subject = `bench.rpc.${codec.name}`;
  const s = sub.subscribe(subject, {
    callback: (_err, msg) => {
      const task = codec.decode(msg.data) as Envelope;
      msg.respond(codec.encode(createEnvelope({ type: BENCH_TYPE, run: 'bench', from: 'worker', to: task.from, cause: task, payload: task.payload })));
    },
  });
  await sub.flush();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const reply = await pub.request(subject, codec.encode(createEnvelope({ type: BENCH_TYPE, run: 'bench', from: 'bench', to: 'worker', payload: samplePayload(i) })), { timeout: 5000 });
    codec.decode(reply.data);
    samples.push(performance.now() - started);
  }
  s.unsubscribe();
  return latency(samples);
}

/** The Bus: publish (validate, encode) -> subscribe (decode, validate) on another connection. */
async function busPublishSubscribe(publisher: Bus, subscriber: Bus, count: number): Promise<Throughput> {
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const s = subscriber.subscribe(BENCH_TYPE, () => {
    if (++received === count) done();
  });
  await subscriber.flush();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    publisher.publish(BENCH_TYPE, samplePayload(i));
    if (i % 2000 === 1999) await publisher.flush();
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  s.unsubscribe();
  return { messagesPerSecond: Math.round(count / seconds), messages: count };
}

/** As above while a trace reader follows the stream; also how long the reader takes to have read everything. */
async function busPublishSubscribeTraced(publisher: Bus, subscriber: Bus, count: number): Promise<Throughput & { traceCaughtUpMs: number }> {
  const lastSeq = (await publisher.jsm.streams.info(publisher.stream)).state.last_seq;
  const stop = new AbortController();
  let traced = 0;
  let caughtUp!: (at: number) => void;
  const traceDone = new Promise<number>((resolve) => (caughtUp = resolve));
  const reading = (async () => {
    for await (const entry of readTrace(subscriber.js, subscriber.jsm, publisher.run, { follow: true, signal: stop.signal })) {
      if (entry.seq > lastSeq && ++traced === count) caughtUp(performance.now());
    }
  })();
  const started = performance.now();
  const throughput = await busPublishSubscribe(publisher, subscriber, count);
  const traceCaughtUpMs = Math.round((await traceDone) - started);
  stop.abort();
  await reading;
  return { ...throughput, traceCaughtUpMs };
}

/** Bus.request -> serve, sequentially: the durable round trip a specialist's or evaluator's task takes. */
async function workQueueRoundTrip(requester: Bus, worker: Bus, count: number): Promise<Latency> {
  const server = await worker.serve('bench-worker', async (task) => ({ type: BENCH_TYPE, payload: task.payload }));
  const samples: number[] = [];
  for (let i = 0; i < Math.min(200, count) + count; i++) {
    const started = performance.now();
    await requester.request('bench-worker', BENCH_TYPE, samplePayload(i), { timeoutMs: 10_000 });
    if (i >= Math.min(200, count)) samples.push(performance.now() - started);
  }
  await server.stop();
  return latency(samples);
}

function latency(samplesMs: number[]): Latency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
  const us = (ms: number): number => Math.round(ms * 1000);
  return { p50Us: us(at(0.5)), p99Us: us(at(0.99)), meanUs: us(sorted.reduce((a, b) => a + b, 0) / sorted.length), samples: sorted.length };
}

export function formatBusBench(r: BusBenchResult): string {
  const k = (n: number): string => `${(n / 1000).toFixed(1)}k msg/s`;
  const lat = (l: Latency): string => `p50 ${l.p50Us} µs, p99 ${l.p99Us} µs (n=${l.samples})`;
  return [
    `bus benchmark (${r.machine.cpus} cpus, ${r.machine.cpuModel}, node ${r.machine.node}; publisher, subscriber and nats-server share them)`,
    `  envelope size          msgpackr ${r.envelopeBytes.msgpackr} B, json ${r.envelopeBytes.json} B`,
    `  core NATS pub->sub     msgpackr ${k(r.codecs.msgpackr.publishSubscribe.messagesPerSecond)}, json ${k(r.codecs.json.publishSubscribe.messagesPerSecond)}`,
    `  core NATS req/reply    msgpackr ${lat(r.codecs.msgpackr.requestReply)}`,
    `                         json     ${lat(r.codecs.json.requestReply)}`,
    `  Bus pub->sub           stream off ${k(r.bus.streamOff.messagesPerSecond)}, stream on ${k(r.bus.streamOn.messagesPerSecond)}, stream on + trace follower ${k(r.bus.streamOnWithTrace.messagesPerSecond)} (trace caught up after ${r.bus.streamOnWithTrace.traceCaughtUpMs} ms for ${r.bus.streamOnWithTrace.messages} messages)`,
    `  Bus work-queue request ${lat(r.workQueueRequest)}`,
  ].join('\n');
}

function option(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : Number(process.argv[i + 1]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const messages = option('messages');
  const requests = option('requests');
  const result = await runBusBench({ ...(messages ? { messages } : {}), ...(requests ? { requests } : {}) });
  console.log(formatBusBench(result));
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
}
