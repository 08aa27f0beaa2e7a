import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, emit, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { fail, hostActor, publish, reply, type BusEvent } from '../../runtime/actorHost.js';
import type { Envelope } from '../../runtime/envelope.js';
import { AgentRegistry } from '../../runtime/registry.js';
import { messageSchemas } from '../../runtime/schemas.js';
import { startTestRun, waitUntil, type TestRun } from './helpers.js';

messageSchemas.register('host-test.sum', z.strictObject({ numbers: z.array(z.number()) }));
messageSchemas.register('host-test.total', z.strictObject({ total: z.number() }));
messageSchemas.register('host-test.noted', z.strictObject({ total: z.number() }));
messageSchemas.register('host-test.reset', z.strictObject({}));

/** A small agent: sums numbers (slowly, through an invoked promise), refuses empty lists, counts resets. */
const adder = setup({
  types: {
    context: {} as { task: Envelope<{ numbers: number[] }> | null; resets: number },
    events: {} as BusEvent<{ numbers: number[] }> | BusEvent<Record<string, never>>,
  },
  actors: {
    add: fromPromise<number, number[]>(async ({ input }) => {
      await new Promise((r) => setTimeout(r, 20));
      if (input.length === 0) throw new Error('nothing to add');
      if (input.includes(-1)) throw new Error('crash');
      return input.reduce((a, b) => a + b, 0);
    }),
  },
}).createMachine({
  context: { task: null, resets: 0 },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'host-test.sum': { target: 'adding', actions: assign({ task: ({ event }) => event.envelope as Envelope<{ numbers: number[] }> }) },
        'host-test.reset': { actions: assign({ resets: ({ context }) => context.resets + 1 }) },
      },
    },
    adding: {
      invoke: {
        src: 'add',
        input: ({ context }) => context.task!.payload.numbers,
        onDone: {
          target: 'idle',
          actions: [
            emit(({ context, event }) => reply(context.task!, 'host-test.total', { total: event.output })),
            emit(({ context, event }) => publish('host-test.noted', { total: event.output }, context.task)),
          ],
        },
        onError: { target: 'idle', actions: emit(({ context, event }) => fail(context.task!, (event.error as Error).message)) },
      },
    },
  },
});

let run: TestRun;
beforeEach(async () => {
  run = await startTestRun();
});
afterEach(async () => run.close());

describe('hostActor', () => {
  it('turns tasks into actor events and emitted replies and events into messages', async () => {
    const hosted = await hostActor(run.bus, adder, { role: 'worker', name: 'adder', level: null, capabilities: ['sum'], version: '1' });
    const noted: Envelope[] = [];
    run.bus.subscribe('host-test.noted', (e) => void noted.push(e));
    await run.bus.flush();
    const answer = await run.bus.request('adder', 'host-test.sum', { numbers: [1, 2, 39] }, { timeoutMs: 5000, trajectory: 'tr-1' });
    expect(answer.payload).toEqual({ total: 42 });
    expect(answer.trajectory).toBe('tr-1');
    await waitUntil(() => noted.length === 1, 5000, 'the published event');
    expect(noted[0]!.causation).toBe(answer.causation);
    expect(noted[0]!.from).toBe('adder');
    await expect(run.bus.request('adder', 'host-test.sum', { numbers: [] }, { timeoutMs: 5000 })).rejects.toThrow(/nothing to add/);
    await waitUntil(() => hosted.answered === 2, 5000, 'both tasks counted as answered');
    await hosted.stop();
  });

  it('delivers subscribed events to the actor', async () => {
    const hosted = await hostActor(run.bus, adder, { role: 'worker', name: 'adder', level: null, capabilities: [], version: '1' }, { events: ['host-test.reset'], serve: false });
    run.bus.publish('host-test.reset', {});
    run.bus.publish('host-test.reset', {});
    await waitUntil(() => hosted.actor().getSnapshot().context.resets === 2, 5000, 'two resets');
    await hosted.stop();
  });

  it('answers a task the actor cannot take in its state with a failure', async () => {
    const stuck = setup({ types: { events: {} as BusEvent } }).createMachine({ initial: 'closed', states: { closed: {} } });
    const hosted = await hostActor(run.bus, stuck, { role: 'worker', name: 'stuck', level: null, capabilities: [], version: '1' });
    await expect(run.bus.request('stuck', 'host-test.sum', { numbers: [1] }, { timeoutMs: 5000 })).rejects.toThrow(/cannot take host-test.sum in state "closed"/);
    await hosted.stop();
  });

  it('fails and restarts an actor that overruns its task, then serves the next one', async () => {
    const sleepy = setup({
      types: { context: {} as { task: Envelope | null }, events: {} as BusEvent<{ numbers: number[] }> },
      actors: { nap: fromPromise<number, number[]>(({ input }) => new Promise((r) => setTimeout(() => r(input.length), input[0]! > 0 ? 5000 : 1))) },
    }).createMachine({
      context: { task: null },
      initial: 'idle',
      states: {
        idle: { on: { 'host-test.sum': { target: 'napping', actions: assign({ task: ({ event }) => event.envelope }) } } },
        napping: {
          invoke: { src: 'nap', input: ({ context }) => (context.task!.payload as { numbers: number[] }).numbers, onDone: { target: 'idle', actions: emit(({ context, event }) => reply(context.task!, 'host-test.total', { total: event.output })) } },
        },
      },
    });
    const hosted = await hostActor(run.bus, sleepy, { role: 'worker', name: 'sleepy', level: null, capabilities: [], version: '1' }, { taskTimeoutMs: 300 });
    const before = hosted.actor();
    await expect(run.bus.request('sleepy', 'host-test.sum', { numbers: [1] }, { timeoutMs: 5000 })).rejects.toThrow(/timed out after 300 ms/);
    expect(hosted.actor()).not.toBe(before);
    expect((await run.bus.request('sleepy', 'host-test.sum', { numbers: [0, 0] }, { timeoutMs: 5000 })).payload).toEqual({ total: 2 });
    await hosted.stop();
  });

  it('announces the agent while it runs and says goodbye on stop', async () => {
    const registry = await AgentRegistry.open(run.bus);
    const hosted = await hostActor(run.bus, adder, { role: 'worker', name: 'adder', level: 3, capabilities: ['sum'], version: '2.1' });
    await waitUntil(() => registry.agents({ role: 'worker' }).length === 1, 5000, 'the announcement');
    const [record] = registry.agents({ name: 'adder' });
    expect(record!.presence).toMatchObject({ role: 'worker', name: 'adder', level: 3, capabilities: ['sum'], version: '2.1', queues: ['adder'], pid: process.pid });
    expect(record!.presence.instance).toBe(hosted.instance);
    await hosted.stop();
    expect((await registry.waitForAgent((r) => r.status === 'left', 5000)).presence.instance).toBe(hosted.instance);
    expect(registry.agents()).toHaveLength(0);
    registry.close();
  });
});
