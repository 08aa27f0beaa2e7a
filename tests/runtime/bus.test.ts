import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { headers } from 'nats';
import { Bus, MessageError, RequestTimeoutError, TaskFailedError } from '../../runtime/bus.js';
import { createEnvelope, msgpackCodec, type Envelope } from '../../runtime/envelope.js';
import { messageSchemas } from '../../runtime/schemas.js';
import { subjects, jetstreamNames } from '../../runtime/subjects.js';
import { declareWorkQueue } from '../../runtime/workQueue.js';
import { startTestRun, waitUntil, type TestRun } from './helpers.js';

messageSchemas.register('bus-test.ping', z.strictObject({ n: z.number().int() }));
messageSchemas.register('bus-test.pong', z.strictObject({ n: z.number().int() }));

let run: TestRun;
let bus: Bus;
beforeEach(async () => {
  run = await startTestRun();
  bus = run.bus;
});
afterEach(async () => run.close());

/** The stored messages of the run on subjects matching `prefix`. */
async function stored(prefix: string): Promise<Array<{ subject: string; data: Uint8Array }>> {
  const out: Array<{ subject: string; data: Uint8Array }> = [];
  const info = await bus.jsm.streams.info(bus.stream);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(bus.stream, { seq }).catch(() => null);
    if (m && m.subject.startsWith(prefix)) out.push({ subject: m.subject, data: m.data });
  }
  return out;
}

describe('events', () => {
  it('reach every subscriber, validated, and are persisted', async () => {
    const seenA: number[] = [];
    const seenB: number[] = [];
    bus.subscribe('bus-test.ping', (e) => void seenA.push((e.payload as { n: number }).n));
    bus.subscribe(['bus-test.ping'], (e) => void seenB.push((e.payload as { n: number }).n));
    await bus.flush();
    for (let n = 0; n < 5; n++) bus.publish('bus-test.ping', { n });
    await waitUntil(() => seenA.length === 5 && seenB.length === 5, 5000, 'events');
    expect(seenA).toEqual([0, 1, 2, 3, 4]);
    await waitUntil(async () => (await stored(subjects.event(bus.run, 'bus-test.ping'))).length === 5, 5000, 'persistence');
  });

  it('refuses to send an invalid or oversized payload', () => {
    expect(() => bus.publish('bus-test.ping', { n: 'one' })).toThrow(MessageError);
    expect(() => bus.publish('bus-test.unregistered', {})).toThrow(/no schema registered/);
    messageSchemas.register('bus-test.blob', z.strictObject({ text: z.string() }));
    expect(() => bus.publish('bus-test.blob', { text: 'x'.repeat(300_000) })).toThrow(/exceeds the 262144-byte envelope limit/);
  });

  it('dead-letters what arrives broken, and keeps delivering what is fine', async () => {
    const seen: number[] = [];
    bus.subscribe('bus-test.ping', (e) => void seen.push((e.payload as { n: number }).n));
    await bus.flush();
    const subject = subjects.event(bus.run, 'bus-test.ping');
    bus.nc.publish(subject, new TextEncoder().encode('garbage'));
    bus.nc.publish(subject, msgpackCodec.encode({ ...createEnvelope({ type: 'bus-test.ping', run: bus.run, from: 'rogue', payload: { n: 1 } }), payload: { n: 'x' } }));
    bus.nc.publish(subject, msgpackCodec.encode(createEnvelope({ type: 'bus-test.pong', run: bus.run, from: 'rogue', payload: { n: 1 } })));
    bus.publish('bus-test.ping', { n: 7 });
    await waitUntil(() => seen.length === 1, 5000, 'the valid event');
    expect(seen).toEqual([7]);
    await waitUntil(async () => (await stored(`as.${bus.run}.dead.`)).length === 3, 5000, 'three dead letters');
    const letters = (await stored(`as.${bus.run}.dead.`)).map((m) => msgpackCodec.decode(m.data) as Envelope<{ reason: string; subject: string }>);
    expect(letters.map((l) => l.payload.reason).sort()).toEqual(['invalid-envelope', 'invalid-payload', 'undecodable']);
    expect(letters.every((l) => l.type === 'runtime.dead-letter' && l.payload.subject === subject)).toBe(true);
  });
});

describe('request and serve', () => {
  it('answers a task exactly once and links the answer to it', async () => {
    await bus.serve('doubler', async (task) => ({ type: 'bus-test.pong', payload: { n: (task.payload as { n: number }).n * 2 } }));
    const reply = await bus.request('doubler', 'bus-test.ping', { n: 21 }, { timeoutMs: 5000 });
    expect(reply.payload).toEqual({ n: 42 });
    expect(reply.from).toBe('doubler');
    expect(reply.to).toBe('supervisor');
    expect(reply.type).toBe('bus-test.pong');
    expect(reply.causation).not.toBeNull();
    expect(await bus.findReply(reply.causation!)).toMatchObject({ id: reply.id });
  });

  it('turns a thrown error or an invalid answer into a task failure', async () => {
    await bus.serve('thrower', async (task) => {
      if ((task.payload as { n: number }).n === 0) throw new Error('cannot do zero');
      return { type: 'bus-test.pong', payload: { n: 'not a number' } };
    });
    await expect(bus.request('thrower', 'bus-test.ping', { n: 0 }, { timeoutMs: 5000 })).rejects.toThrow(/cannot do zero/);
    await expect(bus.request('thrower', 'bus-test.ping', { n: 1 }, { timeoutMs: 5000 })).rejects.toThrow(TaskFailedError);
    await expect(bus.request('thrower', 'bus-test.ping', { n: 1 }, { timeoutMs: 5000 })).rejects.toThrow(/invalid answer/);
  });

  it('times out after every attempt when nobody serves the queue', async () => {
    const started = Date.now();
    await expect(bus.request('nobody', 'bus-test.ping', { n: 1 }, { timeoutMs: 300, retries: 1 })).rejects.toThrow(RequestTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('retries re-queue the task, and a member that finds it answered does not do it twice', async () => {
    let runs = 0;
    const answer = bus.request('late', 'bus-test.ping', { n: 4 }, { timeoutMs: 300, retries: 5 });
    // The member arrives after two attempts timed out: the queue holds the task and its retried copies.
    await new Promise((r) => setTimeout(r, 700));
    await bus.serve('late', async (task) => {
      runs++;
      return { type: 'bus-test.pong', payload: task.payload };
    });
    expect((await answer).payload).toEqual({ n: 4 });
    await waitUntil(async () => (await bus.jsm.consumers.info(bus.stream, jetstreamNames.workConsumer('late'))).num_pending === 0, 5000, 'queue drained');
    await waitUntil(async () => (await bus.jsm.consumers.info(bus.stream, jetstreamNames.workConsumer('late'))).num_ack_pending === 0, 5000, 'copies acked');
    expect((await stored(subjects.work(bus.run, 'late'))).length).toBeGreaterThanOrEqual(2);
    expect(runs).toBe(1);
    expect((await stored(`as.${bus.run}.reply.`)).length).toBe(1);
  });

  it('a resumed requester with a stable task id gets the stored answer without asking again', async () => {
    let runs = 0;
    const server = await bus.serve('stable', async (task) => {
      runs++;
      return { type: 'bus-test.pong', payload: task.payload };
    });
    const first = await bus.request('stable', 'bus-test.ping', { n: 9 }, { id: 'task-0009', timeoutMs: 5000 });
    const again = await bus.request('stable', 'bus-test.ping', { n: 9 }, { id: 'task-0009', timeoutMs: 5000 });
    expect(again.id).toBe(first.id);
    expect(runs).toBe(1);
    await server.stop();
  });

  it('dead-letters a task that keeps killing its members, and answers it with a failure', async () => {
    await declareWorkQueue(bus, 'fragile', { ackWaitMs: 300 });
    // A member that takes the task and dies holding it, three times: three deliveries, never acked.
    const consumer = await bus.js.consumers.get(bus.stream, jetstreamNames.workConsumer('fragile'));
    const asking = bus.request('fragile', 'bus-test.ping', { n: 1 }, { timeoutMs: 15_000 });
    for (let i = 0; i < 3; i++) expect(await consumer.next({ expires: 3000 })).not.toBeNull();
    let runs = 0;
    await bus.serve(
      'fragile',
      async () => {
        runs++;
        return { type: 'bus-test.pong', payload: { n: 1 } };
      },
      { maxDeliveries: 3 },
    );
    await expect(asking).rejects.toThrow(/poison: delivered 4 times/);
    expect(runs).toBe(0);
    const letters = await stored(`as.${bus.run}.dead.poison`);
    expect(letters).toHaveLength(1);
  });

  it('a member that dies mid-task loses nothing: the task is redelivered to the next member', async () => {
    await declareWorkQueue(bus, 'flaky', { ackWaitMs: 500 });
    const consumer = await bus.js.consumers.get(bus.stream, jetstreamNames.workConsumer('flaky'));
    const asking = bus.request('flaky', 'bus-test.ping', { n: 3 }, { timeoutMs: 10_000 });
    const held = await consumer.next({ expires: 3000 }); // taken, never answered
    expect(held).not.toBeNull();
    await bus.serve('flaky', async (task) => ({ type: 'bus-test.pong', payload: task.payload }));
    expect((await asking).payload).toEqual({ n: 3 });
  });

  it('works on `concurrency` tasks at once in one process', async () => {
    let inFlight = 0;
    let most = 0;
    await bus.serve(
      'parallel',
      async (task) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 200));
        inFlight--;
        return { type: 'bus-test.pong', payload: task.payload };
      },
      { concurrency: 3 },
    );
    const replies = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => bus.request('parallel', 'bus-test.ping', { n }, { timeoutMs: 5000 })));
    expect(replies.map((r) => (r.payload as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it('de-duplicates a re-sent copy of the same message id in the stream', async () => {
    const e = bus.envelope({ type: 'bus-test.ping', payload: { n: 1 } });
    const subject = subjects.event(bus.run, 'bus-test.ping');
    bus.sendTo(subject, e);
    bus.sendTo(subject, e);
    const h = headers();
    h.set('Nats-Msg-Id', e.id);
    bus.nc.publish(subject, msgpackCodec.encode(e), { headers: h });
    await bus.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(await stored(subject)).toHaveLength(1);
  });
});
