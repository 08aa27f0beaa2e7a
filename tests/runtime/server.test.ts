import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, StringCodec } from 'nats';
import { z } from 'zod';
import { Bus } from '../../runtime/bus.js';
import { parseNatsUrl } from '../../runtime/natsUrl.js';
import { readRunInfo } from '../../runtime/runDir.js';
import { RunStore } from '../../runtime/runStore.js';
import { startBus } from '../../runtime/start.js';
import { messageSchemas } from '../../runtime/schemas.js';
import { jetstreamNames } from '../../runtime/subjects.js';
import { ROOT, isAlive, spawnNode, startTestRun, stopChild, tempDir, waitUntil, type Child, type TestRun } from './helpers.js';

messageSchemas.register('server-test.note', z.strictObject({ text: z.string() }));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function testRun(options: { listen?: string } = {}): Promise<TestRun> {
  const run = await startTestRun(options);
  cleanups.push(() => run.close());
  return run;
}
function owner(runDir: string, run: string, listen?: string): Child {
  const child = spawnNode([join(ROOT, 'dist/runtime/testing/runOwner.js'), runDir, run, ...(listen ? [listen] : [])]);
  cleanups.push(() => stopChild(child));
  return child;
}

describe('embedded nats-server', () => {
  it('writes run.json with the run id and a working URL as soon as the bus is up', async () => {
    const run = await testRun();
    const info = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'));
    expect(info.run).toBe(run.run);
    expect(info.nats).toMatch(/^nats:\/\/agent:[^@]+@127\.0\.0\.1:\d+$/);
    expect(statSync(join(run.dir, 'run.json')).mode & 0o077).toBe(0); // it holds credentials
    const joiner = await Bus.connect({ natsUrl: info.nats, run: run.run, name: 'joiner', log: () => {} });
    await joiner.close();
    await expect(Bus.connect({ natsUrl: info.nats, run: 'other-run', name: 'joiner', log: () => {} })).rejects.toThrow(/no access to run 'other-run'.*credentials are for another run/);
    await expect(Bus.connect({ natsUrl: run.server!.url('owner'), run: 'other-run', name: 'joiner', log: () => {} })).rejects.toThrow(/no run 'other-run'/);
  });

  it('names the install command when nats-server is missing', async () => {
    const saved = process.env.NATS_SERVER_BIN;
    process.env.NATS_SERVER_BIN = '/nonexistent/nats-server';
    try {
      await expect(startBus({ run: 'missing', runDir: tempDir() })).rejects.toThrow(/^nats-server not found: install it with `apt-get install -y nats-server`/);
    } finally {
      if (saved === undefined) delete process.env.NATS_SERVER_BIN;
      else process.env.NATS_SERVER_BIN = saved;
    }
  });

  it('requires credentials, also when listening beyond loopback', async () => {
    const run = await testRun({ listen: '0.0.0.0' });
    const { port } = parseNatsUrl(run.info.nats);
    await expect(connect({ servers: `127.0.0.1:${port}`, reconnect: false })).rejects.toThrow(/Authorization Violation/);
    await expect(connect({ servers: `127.0.0.1:${port}`, user: 'agent', pass: 'guess', reconnect: false })).rejects.toThrow(/Authorization Violation/);
    const agent = parseNatsUrl(run.info.nats);
    const nc = await connect({ servers: `127.0.0.1:${port}`, user: agent.user!, pass: agent.pass!, reconnect: false });
    await nc.close();
  });

  it("refuses an agent's writes to the library and the run state", async () => {
    const run = await testRun();
    const ownerStore = await RunStore.open(run.bus);
    await ownerStore.addLibraryEntry('feedc0de00000000', { expression: '$close' });
    const agentBus = await Bus.connect({ natsUrl: run.info.nats, run: run.run, name: 'intruder', log: () => {} });
    cleanups.push(() => agentBus.close());
    const agentStore = await RunStore.open(agentBus);
    // Reading is allowed ...
    expect(await agentStore.getLibraryEntry('feedc0de00000000', z.object({ expression: z.string() }))).toEqual({ expression: '$close' });
    // ... writing is not, through the API or around it.
    await expect(agentStore.addLibraryEntry('badbadbad0000000', { expression: 'x' })).rejects.toThrow(/Permissions Violation/);
    await expect(agentStore.putState('checkpoint', { round: 99 })).rejects.toThrow(/Permissions Violation/);
    agentBus.nc.publish(`$KV.${jetstreamNames.libraryBucket(run.run)}.badbadbad0000001`, StringCodec().encode('{}'));
    await expect(agentBus.jsm.streams.delete(run.bus.stream)).rejects.toThrow(/Permissions Violation/);
    await expect(agentBus.jsm.streams.purge(run.bus.stream)).rejects.toThrow(/Permissions Violation/);
    await agentBus.flush();
    expect((await ownerStore.listLibrary()).map((e) => e.hash)).toEqual(['feedc0de00000000']);
    expect(await run.bus.jsm.streams.info(run.bus.stream)).toBeTruthy();
  });

  it('stops when its parent is killed with SIGKILL', async () => {
    const child = owner(tempDir(), 'orphan');
    const { serverPid } = JSON.parse(await child.waitForLine(/serverPid/));
    expect(isAlive(serverPid)).toBe(true);
    child.process.kill('SIGKILL');
    await waitUntil(() => !isAlive(serverPid), 5000, 'the orphaned nats-server to exit');
  });

  it('stops when its parent is interrupted (SIGINT without a handler)', async () => {
    const child = owner(tempDir(), 'interrupted');
    const { serverPid } = JSON.parse(await child.waitForLine(/serverPid/));
    child.process.kill('SIGINT');
    await child.exited;
    await waitUntil(() => !isAlive(serverPid), 5000, 'nats-server to exit');
  });

  it('resumes a run: same store, same credentials, same port; refuses a second server on it', async () => {
    const dir = tempDir();
    const first = await startBus({ run: 'resumed', runDir: dir, log: () => {} });
    first.bus.publish('server-test.note', { text: 'before the restart' });
    await first.bus.flush();
    await expect(startBus({ run: 'resumed', runDir: dir, log: () => {} })).rejects.toThrow(/already serving/);
    const url = first.info.nats;
    await first.bus.close();
    expect(isAlive(first.server!.pid)).toBe(false);
    const second = await startBus({ run: 'resumed', runDir: dir, log: () => {} });
    cleanups.push(() => second.bus.close());
    expect(second.info.nats).toBe(url);
    const kept = await second.bus.jsm.streams.getMessage(second.bus.stream, { last_by_subj: 'as.resumed.evt.server-test.note' });
    expect(second.bus.receive(kept.subject, kept.data)).toMatchObject({ ok: true, envelope: { payload: { text: 'before the restart' } } });
    expect(readRunInfo(dir).nats).toBe(url);
  });
});
