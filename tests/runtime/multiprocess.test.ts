/**
 * The runtime across real processes: this test process plays the supervisor,
 * agents are attached with `alphaswarm agent` in child processes, a third
 * process watches with `alphaswarm trace`, and faults are real signals.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { createHash } from 'node:crypto';
import { Bus } from '../../runtime/bus.js';
import { createEnvelope, msgpackCodec, type Envelope } from '../../runtime/envelope.js';
import { parseNatsUrl } from '../../runtime/natsUrl.js';
import { AgentRegistry } from '../../runtime/registry.js';
import { RunStore } from '../../runtime/runStore.js';
import { declareWorkQueue } from '../../runtime/workQueue.js';
import type { SpecialistProposals } from '../../agents/specialistDefinition.js';
import { ROOT, isAlive, spawnCli, spawnNode, startTestRun, stopChild, tempDir, waitUntil, type Child, type TestRun } from './helpers.js';

const EXAMPLE = 'agents/examples/attach-specialist.ts';
const SLOW = join(ROOT, 'dist/runtime/testing/slowSpecialist.js');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});
async function testRun(): Promise<TestRun> {
  const run = await startTestRun();
  cleanups.push(() => run.close());
  return run;
}
function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawnCli(args, env);
  cleanups.push(() => stopChild(child));
  return child;
}
const agentArgs = (run: TestRun, file: string): string[] => ['agent', '--nats', run.info.nats, '--run', run.run, '--specialist', file];
async function registryOf(run: TestRun): Promise<AgentRegistry> {
  const registry = await AgentRegistry.open(run.bus);
  cleanups.push(async () => registry.close());
  return registry;
}
const task = (direction: string) => ({ direction, context: '' });
const proposalsOf = (e: Envelope) => (e.payload as SpecialistProposals).proposals;

/** Stored messages of the run, decoded. */
async function storedEnvelopes(bus: Bus, subjectPrefix: string): Promise<Envelope[]> {
  const info = await bus.jsm.streams.info(bus.stream);
  const out: Envelope[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(bus.stream, { seq }).catch(() => null);
    if (m === null || !m.subject.startsWith(subjectPrefix)) continue;
    try {
      out.push(msgpackCodec.decode(m.data) as Envelope);
    } catch {
      // raw bytes a rogue published; its dead letter is counted instead
    }
  }
  return out;
}

describe('attached agents across processes', () => {
  it('(a) an agent attached from a second process answers work, (b) `trace --follow` in a third sees both sides', async () => {
    const run = await testRun();
    const trace = cli(['trace', '--nats', run.info.nats, '--run', run.run, '--follow', '--json']);
    const registry = await registryOf(run);
    const agent = cli(agentArgs(run, EXAMPLE));
    const joined = await registry.waitForAgent((r) => r.status === 'alive', 20_000);
    expect(joined.presence).toMatchObject({ role: 'specialist', name: 'example-attached', level: 2, version: '1.0.0', queues: ['example-attached'] });
    expect(joined.presence.pid).toBe(agent.process.pid);

    const answer = await run.bus.request('example-attached', 'specialist.task', task('reversal over 5 days'), { timeoutMs: 10_000 });
    expect(answer.from).toBe('example-attached');
    expect(proposalsOf(answer)).toEqual([
      { hypothesis: 'Sharp moves on abnormal volume overshoot and partly revert.', expression: 'Mul(-1, Mul($close / Ref($close, 1) - 1, $volume / Mean($volume, 5)))' },
    ]);

    const lines = (): Array<Record<string, unknown>> => trace.lines.map((l) => JSON.parse(l));
    await waitUntil(() => lines().some((l) => l.type === 'specialist.proposals'), 10_000, 'trace to show the answer');
    const seen = lines();
    const sent = seen.find((l) => l.type === 'specialist.task')!;
    const answered = seen.find((l) => l.type === 'specialist.proposals')!;
    expect(seen.some((l) => l.type === 'agent.announce' && l.from === 'example-attached')).toBe(true);
    expect(sent).toMatchObject({ from: 'supervisor', to: 'example-attached', run: run.run, payload: task('reversal over 5 days') });
    expect(answered).toMatchObject({ id: answer.id, from: 'example-attached', to: 'supervisor', causation: sent.id });

    agent.process.kill('SIGINT');
    expect(await agent.exited).toBe(0);
    expect(agent.lines.at(-1)).toMatch(/example-attached left run .* after answering 1 task/);
    expect((await registry.waitForAgent((r) => r.status === 'left', 10_000)).presence.pid).toBe(agent.process.pid);
    await waitUntil(() => lines().some((l) => l.type === 'agent.leave'), 10_000, 'trace to show the goodbye');
    trace.process.kill('SIGINT');
    expect(await trace.exited).toBe(0);
  });

  it('a specialist module without propose() answers with the default behaviour (here the offline research model)', async () => {
    const run = await testRun();
    const file = join(tempDir(), 'guidance-only.mjs');
    writeFileSync(file, `export const name = 'guidance-only'; export const level = 3; export const guidance = 'Liquidity shocks: abnormal turnover that reverses over a few days.';`);
    const registry = await registryOf(run);
    const agent = cli(agentArgs(run, file), { ALPHASWARM_LLM_MODEL: '' });
    await registry.waitForAgent((r) => r.presence.name === 'guidance-only' && r.status === 'alive', 20_000);
    expect(agent.errors).toContain('alphaswarm agent: guidance-only has no propose(): its proposals come from the offline research model (deterministic, not an LLM)');
    const answer = await run.bus.request('guidance-only', 'specialist.task', task('liquidity over 10 days'), { timeoutMs: 20_000 });
    const proposals = proposalsOf(answer);
    expect(proposals.length).toBeGreaterThan(0);
    for (const p of proposals) expect(p.hypothesis.length).toBeGreaterThan(20);
  }, 60_000);

  it('(c) kill -9 of an agent mid-task, then a restart: no task lost, none answered twice, one library entry each', async () => {
    const run = await testRun();
    // The supervisor sets the queue's policy: a silent member loses its task after 1 s.
    await declareWorkQueue(run.bus, 'slow-specialist', { ackWaitMs: 1000 });
    const log = join(tempDir(), 'work.log');
    writeFileSync(log, '');
    const env = { SLOW_SPECIALIST_MS: '1500', SLOW_SPECIALIST_LOG: log };
    const registry = await registryOf(run);
    const first = cli(agentArgs(run, SLOW), env);
    const firstJoined = await registry.waitForAgent((r) => r.status === 'alive', 20_000);

    const directions = ['d-a', 'd-bb', 'd-ccc', 'd-dddd']; // distinct lengths: distinct expressions
    const answers = Promise.all(directions.map((d) => run.bus.request('slow-specialist', 'specialist.task', task(d), { timeoutMs: 30_000 })));
    const entries = (): string[][] => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' '));
    await waitUntil(() => entries().some(([what]) => what === 'start'), 10_000, 'the first agent to start a task');
    const interrupted = entries().find(([what]) => what === 'start')![1]!;
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = cli(agentArgs(run, SLOW), env);
    const replies = await answers;
    const secondPid = String(second.process.pid);

    // Every task answered once, by the survivor for the interrupted one.
    expect(replies.map((r) => r.causation)).toHaveLength(4);
    expect(new Set(replies.map((r) => r.causation)).size).toBe(4);
    expect(proposalsOf(replies[directions.indexOf(interrupted)]!)[0]!.hypothesis).toBe(`${interrupted} by pid ${secondPid}`);
    const done = entries().filter(([what]) => what === 'done').map(([, d]) => d);
    expect(done.sort()).toEqual([...directions].sort());
    expect(entries().filter(([what, d]) => what === 'start' && d === interrupted).map(([, , pid]) => pid)).toEqual([String(first.process.pid), secondPid]);
    await waitUntil(async () => (await storedEnvelopes(run.bus, `as.${run.run}.reply.`)).length === 4, 5000, 'the stored answers');

    // The supervisor accepts each proposed factor, then (as after its own restart) accepts everything stored again.
    const store = await RunStore.open(run.bus);
    const accept = async (reply: Envelope) => {
      const { expression } = proposalsOf(reply)[0]!;
      return store.addLibraryEntry(createHash('sha256').update(expression!).digest('hex').slice(0, 16), { expression });
    };
    expect((await Promise.all(replies.map(accept))).every((r) => r.created)).toBe(true);
    expect((await Promise.all((await storedEnvelopes(run.bus, `as.${run.run}.reply.`)).map(accept))).some((r) => r.created)).toBe(false);
    expect(await store.listLibrary()).toHaveLength(4);

    // The killed agent stopped beating: the registry declares it gone (three missed 2 s beats).
    await registry.waitForAgent((r) => r.presence.instance === firstJoined.presence.instance && r.status === 'gone', 15_000);
    expect(registry.agents({ name: 'slow-specialist' }).map((r) => r.presence.pid)).toEqual([second.process.pid]);
  });

  it('(d) malformed and oversized tasks are dead-lettered while the run goes on', async () => {
    const run = await testRun();
    const registry = await registryOf(run);
    const agent = cli(agentArgs(run, EXAMPLE));
    await registry.waitForAgent((r) => r.status === 'alive', 20_000);

    // A rogue with an agent's credentials writes straight onto the agent's queue.
    const { server, user, pass } = parseNatsUrl(run.info.nats);
    const rogue = await connect({ servers: server, user: user!, pass: pass! });
    cleanups.push(() => rogue.close());
    const subject = `as.${run.run}.work.example-attached`;
    const envelope = (type: string, payload: unknown) => createEnvelope({ type, run: run.run, from: 'rogue', to: 'example-attached', payload });
    const invalid = envelope('specialist.task', { direction: 42 });
    rogue.publish(subject, new TextEncoder().encode('{"not": "msgpack"'));
    rogue.publish(subject, msgpackCodec.encode(envelope('specialist.task', { direction: 'x'.repeat(400_000), context: '' })));
    rogue.publish(subject, msgpackCodec.encode(invalid));
    rogue.publish(subject, msgpackCodec.encode(envelope('specialist.unheard-of', {})));
    rogue.publish(subject, msgpackCodec.encode({ ...envelope('specialist.task', task('x')), run: 'another-run' }));
    await rogue.flush();

    // The run goes on: the next real task is answered.
    const answer = await run.bus.request('example-attached', 'specialist.task', task('volatility regime over 10 days'), { timeoutMs: 10_000 });
    expect(proposalsOf(answer)[0]!.expression).toBe('Mul(-1, Std($close / Ref($close, 1) - 1, 10) / Mean(Std($close / Ref($close, 1) - 1, 10), 30))');
    expect(isAlive(agent.process.pid!)).toBe(true);

    await waitUntil(async () => (await storedEnvelopes(run.bus, `as.${run.run}.dead.`)).length === 5, 10_000, 'five dead letters');
    const letters = await storedEnvelopes(run.bus, `as.${run.run}.dead.`);
    expect(letters.map((l) => (l.payload as { reason: string }).reason).sort()).toEqual(['invalid-payload', 'oversized', 'undecodable', 'unknown-type', 'wrong-run']);
    expect(letters.every((l) => l.type === 'runtime.dead-letter' && l.from === 'example-attached')).toBe(true);
    // A task whose envelope was readable is still answered, with the reason.
    const failure = await run.bus.findReply(invalid.id);
    expect(failure).toMatchObject({ type: 'runtime.task-failed', from: 'example-attached', to: 'rogue' });
    expect((failure!.payload as { reason: string }).reason).toMatch(/^rejected \(invalid-payload\): specialist.task: direction/);
  });

  it('spreads a queue over two processes serving the same agent', async () => {
    const run = await testRun();
    const env = { SLOW_SPECIALIST_NAME: 'spread-specialist', SLOW_SPECIALIST_MS: '300' };
    const registry = await registryOf(run);
    const a = cli(agentArgs(run, SLOW), env);
    const b = cli(agentArgs(run, SLOW), env);
    await waitUntil(() => registry.agents({ name: 'spread-specialist' }).length === 2, 20_000, 'two members');
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => run.bus.request('spread-specialist', 'specialist.task', task(`spread-${i}`), { timeoutMs: 20_000 })),
    );
    const byPid = new Map<string, number>();
    for (const r of replies) {
      const pid = /by pid (\d+)$/.exec(proposalsOf(r)[0]!.hypothesis)![1]!;
      byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
    }
    expect([...byPid.keys()].sort()).toEqual([String(a.process.pid), String(b.process.pid)].sort());
    // A member pulls only when idle, so neither can hoard: each did at least a quarter.
    expect(Math.min(...byPid.values())).toBeGreaterThanOrEqual(2);
  });

  it('replays a finished run from its store: `trace --run-dir --json` and filters', async () => {
    const run = await startTestRun();
    const agent = cli(agentArgs(run, EXAMPLE));
    await (await registryOf(run)).waitForAgent((r) => r.status === 'alive', 20_000);
    await run.bus.request('example-attached', 'specialist.task', task('momentum'), { timeoutMs: 10_000 });
    await run.bus.request('example-attached', 'specialist.task', task('liquidity'), { timeoutMs: 10_000 });
    agent.process.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    await run.bus.close(); // the run is over; its embedded server is gone

    const all = spawnCli(['trace', '--run-dir', run.dir, '--json']);
    expect(await all.exited).toBe(0);
    const entries = all.lines.map((l) => JSON.parse(l));
    for (const e of entries) for (const key of ['id', 'type', 'run', 'from', 'to', 'time', 'payload']) expect(e).toHaveProperty(key);
    expect(entries.map((e) => e.type)).toEqual(['agent.announce', 'specialist.task', 'specialist.proposals', 'specialist.task', 'specialist.proposals', 'agent.leave']);
    expect(entries.every((e) => e.run === run.run && !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(entries[1].payload).toEqual(task('momentum'));

    const fromAgent = spawnCli(['trace', '--run-dir', run.dir, '--json', '--from', 'example-attached']);
    expect(await fromAgent.exited).toBe(0);
    expect(fromAgent.lines.map((l) => JSON.parse(l).type)).toEqual(['agent.announce', 'specialist.proposals', 'specialist.proposals', 'agent.leave']);

    const readable = spawnCli(['trace', '--run-dir', run.dir, '--type', 'specialist.task']);
    expect(await readable.exited).toBe(0);
    expect(readable.lines).toHaveLength(2);
    expect(readable.lines[0]).toMatch(/supervisor -> example-attached {2}specialist\.task .*"direction":"momentum"/);
  });

  it('kill -9 of the run owner: its server goes down with it, and the run resumes when it comes back', async () => {
    const dir = tempDir();
    const owner = spawnNode([join(ROOT, 'dist/runtime/testing/runOwner.js'), dir, 'phoenix']);
    cleanups.push(() => stopChild(owner));
    const first = JSON.parse(await owner.waitForLine(/serverPid/));
    const agent = cli(['agent', '--nats', first.nats, '--run', 'phoenix', '--specialist', EXAMPLE]);
    await agent.waitForLine(/attached to run phoenix/);
    const supervisor = await Bus.connect({ natsUrl: first.ownerNats, run: 'phoenix', name: 'supervisor', log: () => {} });
    cleanups.push(() => supervisor.close());
    expect(proposalsOf(await supervisor.request('example-attached', 'specialist.task', task('trend'), { timeoutMs: 10_000 }))).toHaveLength(1);

    owner.process.kill('SIGKILL');
    await waitUntil(() => !isAlive(first.serverPid), 5000, 'the server to go down with its owner');
    // Asked while the server is down: the connection buffers the task until it is back.
    const asked = supervisor.request('example-attached', 'specialist.task', task('volume over 7 days'), { timeoutMs: 30_000 });

    const again = spawnNode([join(ROOT, 'dist/runtime/testing/runOwner.js'), dir, 'phoenix']);
    cleanups.push(() => stopChild(again));
    const second = JSON.parse(await again.waitForLine(/serverPid/));
    expect(second.nats).toBe(first.nats); // same port and credentials: everyone reconnects by themselves
    expect(proposalsOf(await asked)[0]!.expression).toBe('Corr($close, Log($volume + 1), 7)');
    expect(isAlive(agent.process.pid!)).toBe(true);
    expect((await storedEnvelopes(supervisor, 'as.phoenix.reply.')).length).toBe(2);
  });
});
