/**
 * A panel posted to a worker thread is shared, not copied: the worker and
 * the main thread see each other's writes in the same memory.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

import { afterEach, describe, expect, it } from 'vitest';

import { syntheticMarket } from '../../evaluator/data/synthetic/market.js';
import type { Panel } from '../../evaluator/panel.js';

// Plain JavaScript run by the worker: answers each request by reading one cell and writing another.
const WORKER = `
const { parentPort } = require('node:worker_threads');
let panel;
parentPort.on('message', (message) => {
  if (message.panel) {
    panel = message.panel;
    parentPort.postMessage({ ready: true, shared: panel.fields.close.buffer instanceof SharedArrayBuffer });
    return;
  }
  const close = panel.fields.close;
  const seen = close[message.read];
  close[message.write] = message.value;
  panel.universes.all.mask[message.write] = 7;
  parentPort.postMessage({ seen });
});
`;

let worker: Worker | undefined;
afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

async function ask(w: Worker, message: unknown): Promise<Record<string, unknown>> {
  w.postMessage(message);
  const [reply] = await once(w, 'message');
  return reply as Record<string, unknown>;
}

describe('panel memory', () => {
  it('keeps every array of a synthetic panel in SharedArrayBuffer', () => {
    const panel = syntheticMarket({ seed: 1, instruments: 30, days: 80 });
    const arrays = [panel.start, panel.end, ...Object.values(panel.fields), ...Object.values(panel.universes).map((u) => u.mask)];
    for (const a of arrays) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('is shared with a worker thread without copying: writes on either side are seen by the other', async () => {
    const panel: Panel = syntheticMarket({ seed: 1, instruments: 30, days: 80 });
    worker = new Worker(WORKER, { eval: true });
    expect(await ask(worker, { panel })).toEqual({ ready: true, shared: true });

    // The main thread writes after the panel was posted; the worker must see it.
    const close = panel.fields.close!;
    close[5] = 123.25;
    const reply = await ask(worker, { read: 5, write: 9, value: -42.5 });
    expect(reply.seen).toBe(123.25);
    // ...and the worker's writes land in the main thread's memory.
    expect(close[9]).toBe(-42.5);
    expect(panel.universes.all!.mask[9]).toBe(7);
  });
});
