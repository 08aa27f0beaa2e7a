/**
 * `alphaswarm swarm` end to end: the compiled CLI in a child process, its
 * embedded nats-server, the real agents and the offline research model, on
 * the embedded synthetic market. Then: the run directory's files, every
 * message in the trace, the lineage command, kill -9 and --resume, a review
 * through `alphaswarm review`, and a specialist attached mid-run.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libraryEntrySchema, trajectorySchema, type LibraryEntry, type Trajectory } from '../../agents/domain.js';
import { SMALL, exists, jsonLines, readJson, runCli, spawnCli, stopChild, tempDir, traceOf, waitUntil, type Child, type TraceEntry } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function swarm(args: readonly string[]): Child {
  const child = spawnCli(['swarm', ...args]);
  cleanups.push(() => stopChild(child));
  return child;
}
function runDir(): string {
  const dir = tempDir('alphaswarm-swarm-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'run');
}

const library = (dir: string): LibraryEntry[] => readJson<unknown[]>(join(dir, 'library.json')).map((e) => libraryEntrySchema.parse(e));
const trajectories = (dir: string): Trajectory[] => jsonLines(join(dir, 'trajectories.jsonl')).map((t) => trajectorySchema.parse(t));

/** Tasks sent by anyone and the replies they got: each task id once, each answered exactly once. */
function checkTasks(trace: readonly TraceEntry[]): { tasks: TraceEntry[]; replies: Map<string, TraceEntry[]> } {
  const tasks = trace.filter((e) => e.to !== null && e.causation === null);
  const replies = new Map<string, TraceEntry[]>();
  for (const e of trace) if (e.causation !== null && e.to !== null) replies.set(e.causation, [...(replies.get(e.causation) ?? []), e]);
  const ids = tasks.map((t) => t.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const t of tasks) expect(replies.get(t.id)?.length, `replies to ${t.type} ${t.id}`).toBe(1);
  return { tasks, replies };
}

describe('npm run swarm on the synthetic market', () => {
  it('writes the run directory, puts every message through the bus, and traces lineage', async () => {
    const dir = runDir();
    const child = swarm(['--run-dir', dir, '--generations', '3', ...SMALL, '--direction', 'overnight gaps']);
    // library.json is rewritten atomically: whenever it exists, it is a whole JSON array.
    let reads = 0;
    while (child.process.exitCode === null && child.process.signalCode === null) {
      if (exists(dir, 'library.json')) {
        expect(Array.isArray(JSON.parse(readFileSync(join(dir, 'library.json'), 'utf8')))).toBe(true);
        reads++;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await child.exited, child.errors.join('\n')).toBe(0);
    expect(reads).toBeGreaterThan(0);
    const progress = child.errors.filter((l) => l.startsWith('generation '));
    expect(progress).toHaveLength(3);
    expect(progress[0]).toMatch(/^generation 1\/3: candidates \d+, verified \d+, evaluated \d+, accepted \d+, library \d+, best valid RankIC \d\.\d{4}, offline model \(not an LLM\), \d+ calls, [\d.]+ s \(elapsed [\d.]+ s\)$/);

    const run = readJson<Record<string, unknown>>(join(dir, 'run.json'));
    expect(run).toMatchObject({ data: null, universe: 'all', seed: 1, splits: { train: null, valid: null, test: null }, trace: { replay: `npx alphaswarm trace --run-dir ${dir}` } });
    const lib = library(dir);
    const trajs = trajectories(dir);
    const byId = new Map(trajs.map((t) => [t.id, t]));
    expect(new Set(lib.map((e) => e.id)).size).toBe(lib.length);
    for (const e of lib) {
      expect(byId.get(e.trajectory)?.status).toBe('accepted');
      expect(e.metrics.train.rankIc!).toBeGreaterThan(0); // stored oriented
      expect(Object.keys(e.metrics)).toEqual(['train', 'valid']); // never test
    }
    expect(readdirSync(join(dir, 'diagnostics')).sort()).toEqual(['gen-0.json', 'gen-1.json', 'gen-2.json']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const report = readJson<{ alpha20: { alpha20: { count: number } }; rediscovery: Array<{ signal: string; recovered: boolean }>; test: unknown }>(join(dir, 'report.json'));
    expect(report.alpha20.alpha20.count).toBe(20);
    expect(report.rediscovery.map((r) => r.signal)).toEqual(['reversal5', 'volumeSurge20', 'intradayRange', 'priceVolumeCorr10', 'intradayReturn']);
    expect(report.test).toBeNull();

    // Every message went through NATS: each task answered once; every trajectory and library entry shows in the trace.
    const trace = traceOf(dir);
    const { tasks } = checkTasks(trace);
    const types = new Set(tasks.map((t) => t.type));
    for (const t of ['evaluate.request', 'plan.request', 'schedule.request', 'specialist.task', 'library.retrieve', 'build.request', 'verify.request', 'analyse.request', 'library.accept', 'mutate.request', 'crossover.request', 'correlate.request']) expect(types).toContain(t);
    const updated = new Set(trace.filter((e) => e.type === 'trajectory.updated').map((e) => (e.payload.trajectory as Trajectory).id));
    for (const t of trajs) expect(updated.has(t.id), t.id).toBe(true);
    const offered = new Set(trace.filter((e) => e.type === 'library.accept').flatMap((e) => (e.payload.candidates as Array<{ entry: LibraryEntry }>).map((c) => c.entry.id)));
    for (const e of lib) expect(offered.has(e.id)).toBe(true);
    // The person's direction reached the planner.
    expect((trace.find((e) => e.type === 'plan.request')!.payload.humanDirections as string[])).toEqual(['overnight gaps']);

    // Lineage of a factor with parents if there is one, else of any accepted one.
    const withParents = lib.find((e) => e.parents.length > 0) ?? lib[0];
    if (withParents !== undefined) {
      const text = runCli(['lineage', dir, withParents.id]);
      expect(text.status).toBe(0);
      expect(text.stdout.split('\n')[0]).toContain(`${withParents.trajectory}  gen ${withParents.generation}  ${withParents.origin}`);
      for (const p of withParents.parents) expect(text.stdout).toContain(p);
      const json = JSON.parse(runCli(['lineage', dir, withParents.trajectory, '--json']).stdout);
      expect(json).toMatchObject({ id: withParents.trajectory, entry: withParents.id });
    }
    expect(runCli(['lineage', dir, 'no-such-factor'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/no factor 'no-such-factor'/) });
  }, 240_000);

  it('kill -9 mid-generation, then --resume: same run, nothing lost, nothing asked or stored twice', async () => {
    const dir = runDir();
    const first = swarm(['--run-dir', dir, '--generations', '3', ...SMALL]);
    await waitUntil(() => first.errors.some((l) => l.startsWith('generation 1/3')), 120_000, 'the first generation');
    const before = library(dir);
    // Into the second generation's work, then kill: the swarm and (via its watchdog) its nats-server die.
    await waitUntil(() => readdirSync(join(dir, 'checkpoints')).length > 0, 10_000, 'checkpoints');
    await new Promise((r) => setTimeout(r, 400));
    const midGeneration = !exists(dir, 'diagnostics/gen-1.json');
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const runId = readJson<{ run: string }>(join(dir, 'run.json')).run;

    const resumed = swarm(['--resume', dir]);
    expect(await resumed.exited, resumed.errors.join('\n')).toBe(0);
    expect(readJson<{ run: string }>(join(dir, 'run.json')).run).toBe(runId);
    // It picked up where the killed process was: generation 1 is not done again.
    expect(midGeneration).toBe(true);
    expect(resumed.errors.filter((l) => l.startsWith('generation ')), `the resumed process said:\n${resumed.errors.join('\n')}`).toEqual([expect.stringMatching(/^generation 2\/3/), expect.stringMatching(/^generation 3\/3/)]);
    const after = library(dir);
    const trajs = new Map(trajectories(dir).map((t) => [t.id, t]));
    expect(new Set(after.map((e) => e.id)).size).toBe(after.length);
    // Nothing lost: every entry of before the kill is still there, unless the librarian retired it for a better one.
    for (const e of before) {
      if (!after.some((a) => a.id === e.id)) expect(trajs.get(e.trajectory)?.rejection?.reason).toMatch(/retired/);
    }
    expect([0, 1, 2].every((g) => exists(dir, `diagnostics/gen-${g}.json`))).toBe(true);
    // Nothing twice: every task of both processes once in the stream, answered once; library entries offered again were not stored again.
    checkTasks(traceOf(dir));
  }, 300_000);

  it('stops for review; `alphaswarm review` vetoes, comments, adds a direction and continues; an attached specialist gets work and its candidate is approved into the library', async () => {
    const dir = runDir();
    const child = swarm(['--run-dir', dir, '--generations', '3', '--inject-every', '1', '--review', ...SMALL]);
    const waitReview = async (generation: number) => {
      await waitUntil(() => exists(dir, 'review.json') && readJson<{ waiting: boolean; generation: number }>(join(dir, 'review.json')).waiting && readJson<{ generation: number }>(join(dir, 'review.json')).generation === generation, 120_000, `the review of generation ${generation + 1}`);
      return readJson<{ candidates: Array<{ id: string; origin: string; status: string }> }>(join(dir, 'review.json'));
    };

    const first = await waitReview(0);
    const shown = runCli(['review', '--run-dir', dir]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(`generation 1: ${first.candidates.length} evaluated candidates`);
    const vetoed = first.candidates[0]!.id;
    expect(runCli(['review', '--run-dir', dir, '--veto', 'nope', '--continue'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/no candidate 'nope'/) });

    // Attach a specialist while the swarm waits: the next injection (generation 2) schedules it.
    const info = readJson<{ nats: string; run: string }>(join(dir, 'run.json'));
    const agent = spawnCli(['agent', '--nats', info.nats, '--run', info.run, '--specialist', 'agents/examples/attach-specialist.ts']);
    cleanups.push(() => stopChild(agent));
    await agent.waitForLine(/example-attached attached to run/, 20_000);

    const sent = runCli(['review', '--run-dir', dir, '--veto', vetoed, '--comment', `${vetoed}=smells like a liquidity illusion`, '--direction', 'earnings drift proxies', '--continue']);
    expect(sent.stdout).toMatch(/review sent: generation 1: 0 approved, 1 vetoed, 1 comments, 1 new directions/);

    const second = await waitReview(1);
    const attached = second.candidates.filter((c) => c.origin === 'attached' && c.status !== 'rejected');
    expect(attached.length, 'an attached proposal evaluated in generation 2').toBeGreaterThan(0);
    expect(runCli(['review', '--run-dir', dir, ...attached.flatMap((c) => ['--approve', c.id]), '--continue']).status).toBe(0);
    await waitReview(2);
    expect(runCli(['review', '--run-dir', dir, '--continue']).status).toBe(0);
    expect(await child.exited, child.errors.join('\n')).toBe(0);

    const trajs = new Map(trajectories(dir).map((t) => [t.id, t]));
    expect(trajs.get(vetoed)).toMatchObject({ status: 'rejected', rejection: { stage: 'review', reason: 'vetoed by a person' } });
    expect(trajs.get(vetoed)!.steps.some((s) => s.kind === 'review' && s.result === 'smells like a liquidity illusion')).toBe(true);
    expect(library(dir).some((e) => e.trajectory === vetoed)).toBe(false);
    const trace = traceOf(dir);
    // The direction made generation 2 plan again; the comment reached the specialists' briefs.
    const plan2 = trace.find((e) => e.type === 'plan.request' && e.id === 'g1-plan');
    expect(plan2?.payload.humanDirections).toEqual(['earnings drift proxies']);
    const brief = trace.find((e) => e.type === 'specialist.task' && e.id.startsWith('g1-'))!.payload.brief as { humanComments: string[] };
    expect(brief.humanComments.join(' ')).toMatch(/liquidity illusion/);
    // The attached specialist got tasks and at least one of its approved proposals is an accepted factor of origin `attached`.
    expect(trace.some((e) => e.type === 'specialist.task' && e.to === 'example-attached')).toBe(true);
    const fromAttached = library(dir).filter((e) => e.origin === 'attached');
    expect(fromAttached.length, `library: ${JSON.stringify(library(dir).map((e) => [e.origin, e.specialist]))}`).toBeGreaterThan(0);
    expect(fromAttached[0]!.specialist).toBe('example-attached');
  }, 400_000);
});
