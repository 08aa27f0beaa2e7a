import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryEntry, Trajectory } from '../../agents/domain.js';
import { EVALUATOR_IDENTITY, evaluatorMachine } from '../../agents/evaluator.js';
import { LIBRARIAN_IDENTITY, LIBRARY_RETRIEVE, RejectionMemory, librarianMachine, readBatch, type AcceptResult } from '../../agents/librarian.js';
import { LIBRARY_INDEX_KEY, libraryIndexSchema, readLibrary } from '../../agents/library/libraryStore.js';
import { swarmEnvironment } from '../../agents/modelCall.js';
import { CANDIDATE_REJECTED, LIBRARIAN } from '../../agents/protocol.js';
import type { ExampleFactor } from '../../agents/roles.js';
import { compileFactor } from '../../operators/compile.js';
import { DEFAULT_FIELDS } from '../../operators/fields.js';
import { hostActor, type HostedActor } from '../../runtime/actorHost.js';
import { RunStore } from '../../runtime/runStore.js';
import { libraryEntry, seedLibrary, splitMetrics, startTestRun, waitUntil, type TestRun } from './helpers.js';
import { market, type Market } from './marketData.js';

const env = swarmEnvironment([...DEFAULT_FIELDS]);
const MOMENTUM = 'Mean($close, 5) / $close - 1';

let clean: Market;
beforeAll(() => {
  clean = market();
});

const elite = (id: string, name: string, expression: string, validRankIc: number, specialist = 'daily-trend'): { entry: LibraryEntry; libraryCorrelation: null } => ({
  entry: libraryEntry(id, name, expression, { specialist, family: 'unset', metrics: { train: splitMetrics(), valid: splitMetrics({ rankIc: validRankIc }) } }),
  libraryCorrelation: null,
});

const hashOf = (expression: string): string => (compileFactor(expression) as { hash: string }).hash;

describe('readBatch', () => {
  it('rejects a candidate whose canonical expression outgrows a library entry (2000 characters)', () => {
    // 1975 characters as written, 2277 in canonical form (spaces around each operator); limits widened so it compiles.
    const long = Array.from({ length: 76 }, () => '$close*0.1234567890123456').join('+');
    expect(long.length).toBe(1975);
    const wide = swarmEnvironment([...DEFAULT_FIELDS], { maxNodes: 400, maxDepth: 100 });
    const reading = readBatch([], new Set(), { generation: 1, candidates: [elite('long', 'Long', long, 0.05)] }, wide);
    expect(reading.prepared).toEqual([]);
    expect(reading.rejected).toEqual([{ id: 'long', reason: expect.stringMatching(/^cannot be stored: expression: Too big/) }]);
  });
});

describe('librarian agent', () => {
  let run: TestRun;
  let store: RunStore;
  const hosts: HostedActor[] = [];
  beforeEach(async () => {
    run = await startTestRun();
    store = await RunStore.open(run.bus);
    hosts.push(await hostActor(run.bus, evaluatorMachine({ data: clean.data, env, store }), EVALUATOR_IDENTITY));
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop();
    await run.close();
  });

  async function startLibrarian(memory?: RejectionMemory): Promise<void> {
    const deps = { bus: run.bus, store, env, log: () => {} };
    hosts.push(await hostActor(run.bus, librarianMachine(deps, memory ?? new RejectionMemory(store, () => {})), LIBRARIAN_IDENTITY, { events: [CANDIDATE_REJECTED] }));
  }

  const accept = async (candidates: ReturnType<typeof elite>[], generation = 1): Promise<AcceptResult> =>
    (await run.bus.request(LIBRARIAN.queue, LIBRARIAN.task, { generation, candidates }, { timeoutMs: 30_000 })).payload as AcceptResult;

  it('accepts normalised entries, keeps the better of correlated factors, and retires what it replaced', async () => {
    const [oldHash] = await seedLibrary(store, [libraryEntry('old', 'mom_5', MOMENTUM, { metrics: { train: splitMetrics(), valid: splitMetrics({ rankIc: 0.02 }) } })]);
    await startLibrarian();
    const result = await accept([
      elite('better', 'Momentum, doubled', `2 * (${MOMENTUM})`, 0.03),
      elite('pv', 'Price volume corr 10', 'Corr($close, Log($volume + 1), 10)', 0.02, 'price-volume-coherence'),
      elite('pv-twin', 'Price volume corr 10', '2 * Corr($close, Log($volume + 1), 10) + 1', 0.015),
      elite('broken', 'Broken', 'Nope($close)', 0.05),
    ]);
    expect(result.accepted).toEqual(['better', 'pv']);
    expect(result.rejected).toEqual([
      { id: 'broken', reason: expect.stringMatching(/^does not compile: at 1: unknown operator 'Nope'/) },
      { id: 'pv-twin', reason: expect.stringMatching(/^redundant with pv \(\|corr\| 1\.00 on valid above 0\.7\)/) },
    ]);
    expect(result.size).toBe(2);

    const library = await readLibrary(store);
    expect(library.map((e) => e.entry.id)).toEqual(['better', 'pv']);
    const pv = library.find((e) => e.entry.id === 'pv')!;
    expect(pv.hash).toBe(hashOf('Corr($close, Log($volume + 1), 10)'));
    expect(pv.entry).toMatchObject({ name: 'price_volume_corr_10', family: 'price-volume', expression: 'Corr($close, Log($volume + 1), 10)' });
    expect(library.find((e) => e.entry.id === 'better')!.entry).toMatchObject({ name: 'momentum_doubled', expression: '2 * (Mean($close, 5) / $close - 1)' });
    const index = (await store.getState(LIBRARY_INDEX_KEY, libraryIndexSchema))!.value;
    expect(index.retired).toEqual([oldHash]);
  });

  it('stores library references expanded', async () => {
    await seedLibrary(store, [libraryEntry('vol', 'vol_20', 'Std($close, 20)')]);
    await startLibrarian();
    const result = await accept([elite('uses-ref', 'Vol volume corr', 'Corr($vol_20, $volume, 10)', 0.02)]);
    expect(result.accepted).toEqual(['uses-ref']);
    const entry = (await readLibrary(store)).find((e) => e.entry.id === 'uses-ref')!;
    expect(entry.entry.expression).toBe('Corr(Std($close, 20), $volume, 10)');
    expect(entry.hash).toBe(hashOf('Corr(Std($close, 20), $volume, 10)'));
  });

  it('stores exactly one entry per accepted factor when a batch comes again, also after a crash mid-write', async () => {
    await startLibrarian();
    const batch = [elite('a', 'A', MOMENTUM, 0.02), elite('b', 'B', 'Corr($close, Log($volume + 1), 10)', 0.02)];
    // A first delivery that died after storing one entry, before moving the index.
    const normalisedA = { ...batch[0]!.entry, name: 'a', family: 'momentum', expression: '(Mean($close, 5) / $close) - 1' };
    await store.addLibraryEntry(hashOf(MOMENTUM), normalisedA);
    const first = await accept(batch);
    expect(first.accepted.sort()).toEqual(['a', 'b']);
    const again = await accept(batch);
    expect(again.accepted.sort()).toEqual(['a', 'b']);
    expect(again.size).toBe(2);
    const stored = await store.listLibrary();
    expect(stored.map((s) => (s.value as LibraryEntry).id).sort()).toEqual(['a', 'b']);
    // The same factor offered under another id is a duplicate, not a second entry.
    const dup = await accept([elite('a2', 'A again', 'Mean($close,5)/$close-1', 0.05)]);
    expect(dup).toMatchObject({ accepted: [], rejected: [{ id: 'a2', reason: 'the same factor as library entry a' }] });
    expect(await store.listLibrary()).toHaveLength(2);
  });

  it('retrieves positives near a specialist and negatives from rejections, remembered across restarts', async () => {
    await seedLibrary(store, [
      libraryEntry('r1', 'rev_1', '-1 * ($close / Ref($close, 5) - 1)', { specialist: 'reversal', family: 'reversal', metrics: { train: splitMetrics(), valid: splitMetrics({ rankIc: 0.01 }) } }),
      libraryEntry('m1', 'mom_1', MOMENTUM, { specialist: 'daily-trend', family: 'momentum', metrics: { train: splitMetrics(), valid: splitMetrics({ rankIc: 0.04 }) } }),
      libraryEntry('v1', 'vol_1', 'Std($close, 20)', { specialist: 'volatility-regime', family: 'volatility', metrics: { train: splitMetrics(), valid: splitMetrics({ rankIc: 0.03 }) } }),
    ]);
    const memory = new RejectionMemory(store, () => {});
    await startLibrarian(memory);
    const rejectedTrajectory = (id: string, specialist: string, expression: string, reason: string): Trajectory => ({
      id,
      generation: 1,
      origin: 'init',
      specialist,
      level: 4,
      guidanceMode: 'light',
      direction: null,
      hypothesis: `Hypothesis ${id}`,
      name: null,
      description: null,
      expression,
      family: null,
      parents: [],
      inherited: [],
      steps: [],
      metrics: null,
      reward: null,
      status: 'rejected',
      rejection: { stage: 'verify', reason },
    });
    run.bus.publish(CANDIDATE_REJECTED, { trajectory: rejectedTrajectory('t1', 'reversal', 'Ref($close, 1) / $close', 'too simple') });
    run.bus.publish(CANDIDATE_REJECTED, { trajectory: rejectedTrajectory('t2', 'liquidity', 'Mean($volume, 5)', 'weak on valid') });
    run.bus.publish(CANDIDATE_REJECTED, { trajectory: rejectedTrajectory('t3', 'reversal', 'Ref($close, 2) / $close', 'redundant') });
    await waitUntil(() => memory.all.length === 3, 5000, 'three rejections remembered');

    const retrieve = async (about: string) =>
      (await run.bus.request(LIBRARIAN.queue, LIBRARY_RETRIEVE, { about, positives: 2, negatives: 3 }, { timeoutMs: 10_000 })).payload as { positives: ExampleFactor[]; negatives: ExampleFactor[] };
    const forReversal = await retrieve('reversal');
    expect(forReversal.positives.map((p) => p.expression)).toEqual(['-1 * ($close / Ref($close, 5) - 1)', 'Mean($close, 5) / $close - 1']);
    expect(forReversal.positives[0]!.note).toBe('accepted: valid RankIC 0.0100, RankICIR 0.2500; family reversal; by reversal');
    expect(forReversal.negatives).toEqual([
      { expression: 'Ref($close, 2) / $close', hypothesis: 'Hypothesis t3', note: 'rejected at verify: redundant' },
      { expression: 'Ref($close, 1) / $close', hypothesis: 'Hypothesis t1', note: 'rejected at verify: too simple' },
      { expression: 'Mean($volume, 5)', hypothesis: 'Hypothesis t2', note: 'rejected at verify: weak on valid' },
    ]);

    // A restarted librarian remembers them (run state).
    await memory.flush();
    await hosts.pop()!.stop();
    await startLibrarian();
    expect((await retrieve('liquidity')).negatives[0]!.expression).toBe('Mean($volume, 5)');
  });
});
