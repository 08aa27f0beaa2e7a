import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Bus } from '../../runtime/bus.js';
import { RunStore, RunStoreError } from '../../runtime/runStore.js';
import { startTestRun, type TestRun } from './helpers.js';

let run: TestRun;
beforeEach(async () => {
  run = await startTestRun();
});
afterEach(async () => run.close());

const entry = z.object({ expression: z.string() });

describe('RunStore', () => {
  it('stores one library entry per content hash, however many offer it at once', async () => {
    // Four connections, as four processes would have.
    const buses = [run.bus, ...(await Promise.all([1, 2, 3].map((i) => Bus.open({ natsUrl: run.server!.url('owner'), run: run.run, name: `writer-${i}`, log: () => {} }))))];
    const stores = await Promise.all(buses.map((b) => RunStore.open(b)));
    const offers = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 4]!.addLibraryEntry('0123456789abcdef', { expression: `offer ${i}` })));
    expect(offers.filter((o) => o.created)).toHaveLength(1);
    const winner = offers.findIndex((o) => o.created);
    expect(await stores[0]!.getLibraryEntry('0123456789abcdef', entry)).toEqual({ expression: `offer ${winner}` });
    expect(await stores[0]!.listLibrary()).toHaveLength(1);
    await Promise.all(buses.slice(1).map((b) => b.close()));
  });

  it('lists entries in the order they were accepted', async () => {
    const store = await RunStore.open(run.bus);
    for (const h of ['cccccccc', 'aaaaaaaa', 'bbbbbbbb']) await store.addLibraryEntry(h, { expression: h });
    expect((await store.listLibrary()).map((e) => e.hash)).toEqual(['cccccccc', 'aaaaaaaa', 'bbbbbbbb']);
  });

  it('updates state with compare-and-set', async () => {
    const store = await RunStore.open(run.bus);
    const schema = z.object({ round: z.number() });
    const r1 = await store.putState('checkpoint', { round: 1 }, 0);
    await expect(store.putState('checkpoint', { round: 1 }, 0)).rejects.toThrow(RunStoreError);
    const r2 = await store.putState('checkpoint', { round: 2 }, r1);
    await expect(store.putState('checkpoint', { round: 3 }, r1)).rejects.toThrow(/changed since revision/);
    expect(await store.getState('checkpoint', schema)).toEqual({ value: { round: 2 }, revision: r2 });
    expect(await store.getState('missing', schema)).toBeNull();
    await expect(store.getState('checkpoint', z.object({ round: z.string() }))).rejects.toThrow(/does not match its schema/);
  });

  it('refuses keys that are not content hashes', async () => {
    const store = await RunStore.open(run.bus);
    await expect(store.addLibraryEntry('a.b', {})).rejects.toThrow(/invalid content hash/);
    await expect(store.addLibraryEntry('short', {})).rejects.toThrow(/invalid content hash/);
  });
});
