/**
 * The supervisor graph on a real bus (embedded nats-server) with the small
 * in-test agents of inTestAgents.ts: a few generations end to end, the
 * verify/repair loop, resume after a crash without asking any agent twice,
 * and a person's review through the interrupt.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libraryEntrySchema, type Trajectory } from '../../agents/domain.js';
import { readLibraryFile, readTrajectories } from '../../graphs/outputs.js';
import type { PendingReview } from '../../graphs/review.js';
import type { SwarmSettings, Usage } from '../../graphs/state.js';
import { Supervisor, type SupervisorOptions } from '../../graphs/supervisor.js';
import { AgentRegistry, RunStore, startBus, type StartedBus } from '../../runtime/index.js';
import { startInTestAgents, type InTestAgents } from './inTestAgents.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SETTINGS: SwarmSettings = { generations: 3, population: 18, injectEvery: 2, maxRounds: 2, concurrency: 4, seed: 7, review: false, directions: 4 };
const OFFLINE: Usage = { tokens: 0, costUsd: 0, calls: 0, offline: true };

interface Harness {
  readonly dir: string;
  readonly started: StartedBus;
  readonly agents: InTestAgents;
  readonly progress: string[];
  open(overrides?: Partial<SupervisorOptions>): Promise<Supervisor>;
}

let counter = 0;
async function harness(dir = mkdtempSync(join(tmpdir(), 'alphaswarm-graph-')), run = `g${process.pid}-${++counter}`): Promise<Harness> {
  const started = await startBus({ run, runDir: dir, log: () => {} });
  const registry = await AgentRegistry.open(started.bus);
  const agents = await startInTestAgents(started.bus);
  const store = await RunStore.open(started.bus);
  const progress: string[] = [];
  cleanups.push(async () => {
    registry.close();
    await agents.stop();
    await started.bus.close();
  });
  await registry.waitForAgent((r) => r.presence.name === 'spec-volume', 5000);
  return {
    dir,
    started,
    agents,
    progress,
    open: (overrides = {}) =>
      Supervisor.open(started.bus, {
        runDir: dir,
        registry,
        store,
        builtinSpecialists: new Set(['spec-reversal', 'spec-range']),
        seedPool: [{ name: 'KLEN', expression: '($high-$low)/$open' }],
        usage: () => OFFLINE,
        budgetExhausted: () => false,
        timeouts: { model: 10_000, evaluate: 30_000, retries: 0 },
        progress: (line) => progress.push(line),
        ...overrides,
      }),
  };
}

const byId = (list: readonly Trajectory[]) => new Map(list.map((t) => [t.id, t]));

describe('the mining graph with in-test agents on a real bus', () => {
  it('runs generations: repair and improvement loops, selection, library, evolution, outputs', async () => {
    const h = await harness();
    cleanups.push(() => rmSync(h.dir, { recursive: true, force: true }));
    const supervisor = await h.open();
    const final = await supervisor.start(SETTINGS, ['overnight gaps'], async () => {
      throw new Error('no review was asked for');
    });
    expect(final.stop).toBe("generations");
    expect(final.history.map((g) => g.generation)).toEqual([0, 1, 2]);
    expect(h.progress).toHaveLength(3);
    expect(h.progress[0]).toMatch(/^generation 1\/3: candidates \d+, verified \d+, evaluated \d+, accepted \d+, library \d+, best valid RankIC -?\d\.\d{4}, offline model \(not an LLM\), 0 calls/);

    const { trajectories, skipped } = readTrajectories(h.dir);
    expect(skipped).toBe(0);
    const t = byId(trajectories);
    // The typo went through code repair, then verification passed.
    const typo = trajectories.find((x) => x.hypothesis === 'A typo the repair agent fixes.')!;
    expect(typo.steps.map((s) => `${s.kind}:${s.ok}`)).toEqual(expect.arrayContaining(['verify:false', 'repair:true', 'verify:true', 'evaluate:true']));
    expect(typo.expression).toMatch(/Mean\(\$close, 5\)/);
    // The inconsistent description went through logic improvement.
    const judged = trajectories.find((x) => x.hypothesis.startsWith('An consistent idea'))!;
    expect(judged.steps.map((s) => s.kind)).toEqual(expect.arrayContaining(['improve']));
    expect(judged.steps.filter((s) => s.kind === 'verify').map((s) => s.ok)).toEqual([false, true]);

    // Children of evolution name only real parents.
    const children = trajectories.filter((x) => x.origin === 'mutation' || x.origin.startsWith('crossover'));
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) {
      expect(c.parents.length).toBeGreaterThan(0);
      for (const p of c.parents) expect(t.has(p)).toBe(true);
      for (const i of c.inherited) expect(c.parents).toContain(i.parent);
    }
    // Every evaluated, non-discarded trajectory is oriented: train RankIC > 0.
    for (const x of trajectories.filter((y) => y.reward !== null && y.rejection?.stage !== 'select')) expect(x.metrics!.train.rankIc!).toBeGreaterThan(0);

    // library.json: schema, unique ids, exactly the accepted trajectories.
    const library = readLibraryFile(h.dir);
    expect(library.length).toBeGreaterThan(0);
    expect(new Set(library.map((e) => e.id)).size).toBe(library.length);
    for (const e of library) {
      expect(libraryEntrySchema.parse(e)).toEqual(e);
      expect(t.get(e.trajectory)!.status).toBe('accepted');
      expect(e.metrics.train.rankIc!).toBeGreaterThan(0);
    }
    expect(trajectories.filter((x) => x.status === 'accepted')).toHaveLength(library.length);

    for (const g of [0, 1, 2]) {
      const d = JSON.parse(readFileSync(join(h.dir, 'diagnostics', `gen-${g}.json`), 'utf8'));
      expect(d.generation).toBe(g);
      expect(Object.keys(d.timings)).toEqual(expect.arrayContaining(['verify', 'evaluate', 'select', 'curate']));
      expect(d.metrics.train.rankIc.count).toBeGreaterThan(0);
    }
    // Proposals only in injection generations (0 and 2); generation 1 is children only.
    const proposals = (g: number) => trajectories.filter((x) => x.generation === g && (x.origin === 'init' || x.origin === 'injection' || x.origin === 'attached'));
    expect(proposals(0).length).toBeGreaterThan(0);
    expect(proposals(1)).toHaveLength(0);
    expect(proposals(2).length).toBeGreaterThan(0);
    // spec-volume is not built in: its proposals are attached.
    expect(new Set(trajectories.filter((x) => x.specialist === 'spec-volume' && x.generation !== 1 && !x.parents.length).map((x) => x.origin))).toEqual(new Set(['attached']));
    // Each task asked once.
    const ids = h.agents.log.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The human direction reached the planner and the directions.
    expect(final.directions.map((d) => d.title)).toContain('overnight gaps');
  }, 120_000);

  it('resumes after a crash from the last completed node without asking any agent twice', async () => {
    const h = await harness();
    cleanups.push(() => rmSync(h.dir, { recursive: true, force: true }));
    let crash = true;
    const crashing = await h.open({
      progress: (line) => {
        h.progress.push(line);
        if (crash) throw new Error('simulated crash at the end of generation 1');
      },
    });
    await expect(crashing.start(SETTINGS, [], async () => ({ approve: [], veto: [], comments: [], directions: [] }))).rejects.toThrow('simulated crash');
    const asked = h.agents.log.length;
    expect(await crashing.phase()).toBe('resumable');
    crash = false;
    const fresh = await h.open({ progress: (line) => h.progress.push(line) });
    const final = await fresh.resume(async () => ({ approve: [], veto: [], comments: [], directions: [] }));
    expect(final.history.map((g) => g.generation)).toEqual([0, 1, 2]);
    expect(h.agents.log.length).toBeGreaterThan(asked);
    const ids = h.agents.log.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await fresh.phase()).toBe('finished');
    const library = readLibraryFile(h.dir);
    expect(new Set(library.map((e) => e.id)).size).toBe(library.length);
  }, 120_000);

  it('resumes a run killed between a step\'s saved results and its checkpoint (LangGraph leaves that step out of `next`)', async () => {
    const h = await harness();
    cleanups.push(() => rmSync(h.dir, { recursive: true, force: true }));
    const crashing = await h.open({
      progress: (line) => {
        h.progress.push(line);
        throw new Error('simulated crash at the end of generation 1');
      },
    });
    await expect(crashing.start(SETTINGS, [], async () => ({ approve: [], veto: [], comments: [], directions: [] }))).rejects.toThrow('simulated crash');
    // Take away the newest checkpoint: what is left is its parent and the results the parent's step saved,
    // exactly what a kill -9 after those writes and before the next checkpoint leaves on disk.
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (!name.endsWith('.writes')) walk(path);
        } else if (name.endsWith('.json')) files.push(path);
      }
    };
    walk(join(h.dir, 'checkpoints'));
    const newest = files.sort((a, b) => (a.split('/').at(-1)! < b.split('/').at(-1)! ? -1 : 1)).at(-1)!;
    rmSync(newest);
    const fresh = await h.open({ progress: (line) => h.progress.push(line) });
    expect(await fresh.phase()).toBe('resumable');
    const final = await fresh.resume(async () => ({ approve: [], veto: [], comments: [], directions: [] }));
    expect(final.history.map((g) => g.generation)).toEqual([0, 1, 2]);
    expect(await fresh.phase()).toBe('finished');
  }, 120_000);

  it('stops for a review, applies vetoes, comments and directions, and carries them into the next generation', async () => {
    const h = await harness();
    cleanups.push(() => rmSync(h.dir, { recursive: true, force: true }));
    const supervisor = await h.open();
    const seen: PendingReview[] = [];
    let vetoed = '';
    let approved = '';
    const final = await supervisor.start({ ...SETTINGS, review: true }, [], async (pending) => {
      seen.push(pending);
      if (pending.generation !== 0) return { approve: [], veto: [], comments: [], directions: [] };
      // Candidates come best reward first: veto the best, approve the second into the library (elite or not).
      expect(pending.candidates.length).toBeGreaterThanOrEqual(2);
      vetoed = pending.candidates[0]!.id;
      approved = pending.candidates[1]!.id;
      return { approve: [approved], veto: [vetoed], comments: [{ id: vetoed, text: 'looks like a liquidity illusion' }], directions: ['earnings drift proxies'] };
    });
    expect(seen.map((p) => p.generation)).toEqual([0, 1, 2]);
    const t = byId(readTrajectories(h.dir).trajectories);
    expect(t.get(vetoed)).toMatchObject({ status: 'rejected', rejection: { stage: 'review', reason: 'vetoed by a person' } });
    const library = readLibraryFile(h.dir).map((e) => e.trajectory);
    expect(library).not.toContain(vetoed);
    expect(library).toContain(approved);
    expect(t.get(approved)!.steps.map((s) => s.action)).toEqual(expect.arrayContaining(['approved', 'accepted into the library']));
    // A vetoed candidate is no parent: no child of generation 1 descends from it.
    expect(readTrajectories(h.dir).trajectories.filter((x) => x.parents.includes(vetoed))).toEqual([]);
    expect(final.humanComments[0]).toMatch(/liquidity illusion/);
    // The direction made the next injection plan again (generation 2), and the comment reached the specialists' briefs.
    expect(h.agents.log.filter((l) => l.queue === 'planner').map((l) => l.id)).toEqual(['g0-plan', 'g2-plan']);
    expect(final.directions.map((d) => d.title)).toContain('earnings drift proxies');
    const briefs = h.agents.log.filter((l) => l.type === 'specialist.task' && l.id.startsWith('g2-')).map((l) => (l.payload as { brief: { humanComments: string[] } }).brief);
    expect(briefs.length).toBeGreaterThan(0);
    for (const b of briefs) expect(b.humanComments.join(' ')).toMatch(/liquidity illusion/);
    expect(existsSync(join(h.dir, 'review.json'))).toBe(false); // the reviewer callback, not the file, answered here
  }, 120_000);
});
