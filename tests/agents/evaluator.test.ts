import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMetrics } from '../../agents/domain.js';
import { agentMetricsOf } from '../../agents/evaluation/agentMetrics.js';
import { COMBINE_REQUEST, CORRELATE_REQUEST, EVALUATOR_IDENTITY, evaluatorMachine } from '../../agents/evaluator.js';
import { swarmEnvironment } from '../../agents/modelCall.js';
import { EVALUATOR, type Evaluation } from '../../agents/protocol.js';
import { FactorEngine } from '../../evaluator/engine.js';
import { EvaluationPool } from '../../evaluator/pool.js';
import { correlateWithLibrary, createAgentContexts, scoreForAgents } from '../../evaluator/metrics/index.js';
import { ValidSlice } from '../../agents/evaluation/validSlice.js';
import { pearson } from '../../evaluator/metrics/correlation.js';
import { indexUniverse } from '../../evaluator/metrics/universe.js';
import { runPortfolio } from '../../evaluator/portfolio/runPortfolio.js';
import type { Node } from '../../operators/ast.js';
import { compileFactor } from '../../operators/compile.js';
import { DEFAULT_FIELDS } from '../../operators/fields.js';
import { hostActor, type HostedActor } from '../../runtime/actorHost.js';
import { Bus } from '../../runtime/bus.js';
import { RunStore } from '../../runtime/runStore.js';
import { libraryEntry, seedLibrary, startTestRun, waitUntil, type TestRun } from './helpers.js';
import { market, poisoned, type Market } from './marketData.js';

const env = swarmEnvironment([...DEFAULT_FIELDS]);
const MOMENTUM = 'Mean($close, 5) / $close - 1';
const candidates = [
  { id: 'c-mean', expression: MOMENTUM },
  { id: 'c-corr', expression: 'Corr($close, Log($volume + 1), 10)' },
  { id: 'c-rank', expression: 'CSRank(-1 * ($close / Ref($close, 5) - 1))' },
  { id: 'c-bad', expression: 'Foo($close)' },
];

let clean: Market;
beforeAll(() => {
  clean = market();
});

function astOf(expression: string): Node {
  const compiled = compileFactor(expression);
  if (!compiled.ok) throw compiled.error;
  return compiled.ast;
}

/** The same scores computed in-process: engine (unclipped: no factor here looks ahead) and scoreForAgents. */
function expectedMetrics(m: Market, expression: string): AgentMetrics {
  const { panel, universe, splits, label } = m.data;
  const compiled = compileFactor(expression);
  if (!compiled.ok) throw compiled.error;
  const values = new FactorEngine(panel, { universe }).evaluate(compiled.ast);
  return agentMetricsOf(scoreForAgents(values, createAgentContexts({ N: panel.N, T: panel.T, label, universe }, splits)));
}

describe('valid-period slices', () => {
  it('correlate as evaluator/metrics correlateWithLibrary does (Pearson), from compact member values', () => {
    const { panel, universe, splits, label } = clean.data;
    const contexts = createAgentContexts({ N: panel.N, T: panel.T, label, universe }, splits);
    const slice = new ValidSlice(contexts.valid);
    const engine = new FactorEngine(panel, { universe, lastDay: splits.lastDay });
    // Factors with missing values of their own (short histories, a masked day pattern).
    const full = [MOMENTUM, 'Corr($close, Log($volume + 1), 10)', 'Std($close, 30) / $close', 'If($volume > Mean($volume, 5), $close / Ref($close, 3), Log($close - $close))'].map((e) => engine.evaluate(astOf(e)));
    const expected = correlateWithLibrary(full[0]!, full.slice(1).map((values, k) => ({ name: `f${k}`, values })), contexts.valid).correlations.map((c) => c.pearson);
    const actual = [...slice.correlations(slice.slice(full[0]!), full.slice(1).map((v) => slice.slice(v)))];
    actual.forEach((r, k) => expect(r).toBeCloseTo(expected[k]!, 12));
    expect(slice.bytes).toBe(contexts.valid.instrument.length * 8);
  });

  it('gives the very doubles of a per-day gather and pearson (prepared day terms or not)', () => {
    // The straightforward computation, as ValidSlice did it before keeping per-series day terms.
    const straightforward = (index: ReturnType<typeof indexUniverse>, a: Float64Array, b: Float64Array, minNames: number): number => {
      const x = new Float64Array(index.maxMembers);
      const y = new Float64Array(index.maxMembers);
      let sum = 0;
      let days = 0;
      for (let d = 0; d + 1 < index.dayStart.length; d++) {
        let m = 0;
        for (let s = index.dayStart[d]!; s < index.dayStart[d + 1]!; s++) {
          if (Number.isFinite(a[s]!) && Number.isFinite(b[s]!)) (x[m] = a[s]!), (y[m++] = b[s]!);
        }
        if (m < minNames) continue;
        const r = pearson(x, y, m);
        if (Number.isFinite(r)) (sum += r), days++;
      }
      return days > 0 ? sum / days : NaN;
    };
    let seed = 5;
    const u = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const N = 40;
    const T = 60;
    const universe = Uint8Array.from({ length: N * T }, () => (u() < 0.8 ? 1 : 0));
    const index = indexUniverse(universe, { N, T }, { start: 10, end: 55 });
    const slots = index.instrument.length;
    const day = (s: number): number => index.dayStart.findIndex((start, d) => s >= start && s < index.dayStart[d + 1]!);
    const series = [
      Float64Array.from({ length: slots }, () => u() - 0.5),
      Float64Array.from({ length: slots }, () => Math.round(3 * u())), // ties, constant days unlikely
      Float64Array.from({ length: slots }, (_, s) => (u() < 0.02 ? NaN : u() + 100)), // missing now and then, a large offset
      Float64Array.from({ length: slots }, (_, s) => (day(s) % 7 === 0 ? 1 : u())), // constant days
      Float64Array.from({ length: slots }, (_, s) => (day(s) % 5 === 0 ? 1e200 * u() : day(s) % 5 === 1 ? 1e-200 * u() : u())), // rescaled days
      Float64Array.from({ length: slots }, (_, s) => (day(s) % 3 === 0 ? Infinity : u())), // days missing altogether
    ];
    for (const minNames of [3, 10, 40]) {
      const slice = new ValidSlice(index, minNames);
      for (let round = 0; round < 2; round++) {
        series.forEach((a) => {
          const actual = slice.correlations(a, series);
          series.forEach((b, j) => expect(Object.is(actual[j], straightforward(index, a, b, minNames)), `minNames ${minNames}`).toBe(true));
        });
      }
    }
  });
});

describe('evaluator agent', () => {
  let run: TestRun;
  let store: RunStore;
  const hosts: HostedActor[] = [];
  beforeEach(async () => {
    run = await startTestRun();
    store = await RunStore.open(run.bus);
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop();
    await run.close();
  });

  async function host(m: Market, bus: Bus = run.bus): Promise<HostedActor> {
    const hosted = await hostActor(bus, evaluatorMachine({ data: m.data, env, store }), EVALUATOR_IDENTITY);
    hosts.push(hosted);
    return hosted;
  }

  const evaluate = async (list: typeof candidates, correlateWithLibrary = false): Promise<Evaluation[]> =>
    ((await run.bus.request(EVALUATOR.queue, EVALUATOR.task, { candidates: list, correlateWithLibrary }, { timeoutMs: 30_000 })).payload as { results: Evaluation[] }).results;

  it('scores train and valid exactly as scoreForAgents does, and reports what does not compile', async () => {
    await host(clean);
    const results = await evaluate(candidates);
    expect(results.map((r) => r.id)).toEqual(candidates.map((c) => c.id));
    for (const r of results.slice(0, 3)) {
      expect(r).toMatchObject({ ok: true, error: null, libraryCorrelation: null });
      expect(r.metrics).toEqual(expectedMetrics(clean, candidates.find((c) => c.id === r.id)!.expression));
    }
    // The mapping, field by field, for one of them.
    const { panel, universe, splits, label } = clean.data;
    const values = new FactorEngine(panel, { universe }).evaluate(astOf(MOMENTUM));
    const scores = scoreForAgents(values, createAgentContexts({ N: panel.N, T: panel.T, label, universe }, splits));
    expect(results[0]!.metrics!.valid).toEqual({
      ic: scores.valid.ic.mean,
      icir: scores.valid.ic.ir,
      rankIc: scores.valid.rankIc.mean,
      rankIcir: scores.valid.rankIc.ir,
      mi: scores.valid.mutualInformation,
      rankIcT: scores.valid.rankIc.hacT,
      nanRatio: scores.valid.nanRatio,
      days: scores.valid.rankIc.days,
    });
    expect(results[0]!.metrics!.train.days).toBeGreaterThan(150);
    expect(results[3]).toMatchObject({ ok: false, metrics: null, error: expect.stringMatching(/unknown operator 'Foo'/) });
  });

  it('never reads the test period: garbage after the last valid day changes nothing', async () => {
    await host(poisoned(clean));
    const results = await evaluate(candidates.slice(0, 3));
    for (const r of results) expect(r.metrics).toEqual(expectedMetrics(clean, candidates.find((c) => c.id === r.id)!.expression));
  });

  it('computes on the evaluation worker pool when given one, with the same results and no test-period access', async () => {
    const bad = poisoned(clean);
    const pool = EvaluationPool.create(bad.data.panel, { workers: 2, universe: bad.data.universe });
    try {
      hosts.push(await hostActor(run.bus, evaluatorMachine({ data: bad.data, env, store, pool }), EVALUATOR_IDENTITY));
      const results = await evaluate(candidates);
      for (const r of results.slice(0, 3)) expect(r.metrics).toEqual(expectedMetrics(clean, candidates.find((c) => c.id === r.id)!.expression));
      expect(results[3]).toMatchObject({ ok: false, error: expect.stringMatching(/unknown operator 'Foo'/) });
    } finally {
      await hosts.pop()!.stop();
      await pool.close();
    }
  });

  it('reports the largest |Pearson| with the library on valid', async () => {
    await seedLibrary(store, [libraryEntry('lib-mom', 'mom_5', MOMENTUM), libraryEntry('lib-corr', 'pv_10', 'Corr($close, Log($volume + 1), 10)')]);
    await host(clean);
    const results = await evaluate(
      [
        { id: 'scaled', expression: `2 * (${MOMENTUM})` },
        { id: 'negated', expression: `-1 * (${MOMENTUM}) + 3` },
      ],
      true,
    );
    expect(results[0]!.libraryCorrelation!.entry).toBe('lib-mom');
    expect(results[0]!.libraryCorrelation!.pearson).toBeCloseTo(1, 10);
    expect(results[1]!.libraryCorrelation!.entry).toBe('lib-mom');
    expect(results[1]!.libraryCorrelation!.pearson).toBeCloseTo(-1, 10);
  });

  it('lists correlated candidate pairs and candidate-library pairs above the floor', async () => {
    await seedLibrary(store, [libraryEntry('lib-corr', 'pv_10', 'Corr($close, Log($volume + 1), 10)')]);
    await host(clean);
    const answer = await run.bus.request(
      EVALUATOR.queue,
      CORRELATE_REQUEST,
      {
        candidates: [
          { id: 'a', expression: MOMENTUM },
          { id: 'b', expression: `3 * (${MOMENTUM})` },
          { id: 'c', expression: '2 * Corr($close, Log($volume + 1), 10)' },
          { id: 'd', expression: 'Nope($close)' },
        ],
        minAbs: 0.95,
      },
      { timeoutMs: 30_000 },
    );
    const { pairs, errors } = answer.payload as { pairs: { a: string; b: string; pearson: number }[]; errors: { id: string }[] };
    expect(pairs.map((p) => `${p.a}-${p.b}`).sort()).toEqual(['a-b', 'c-lib-corr']);
    for (const p of pairs) expect(p.pearson).toBeCloseTo(1, 10);
    expect(errors.map((e) => e.id)).toEqual(['d']);
  });

  it('trains a combiner on train and scores it on valid, as the portfolio stage does, without test data', async () => {
    const factors = [
      libraryEntry('f1', 'mom', MOMENTUM),
      libraryEntry('f2', 'pv', 'Corr($close, Log($volume + 1), 10)'),
      libraryEntry('f3', 'range', '($high - $low) / $close'),
    ];
    await seedLibrary(store, factors);
    // The portfolio stage's own path (runPortfolio, which also backtests the test period; only its valid signal is compared).
    const { panel, universe, splits, label } = clean.data;
    const engine = new FactorEngine(panel, { universe, lastDay: splits.lastDay });
    const values = factors.map((f) => engine.evaluate(astOf(f.expression)));
    const reference = runPortfolio({
      panel,
      factorValues: values,
      factorNames: factors.map((f) => f.id),
      label,
      universeMask: universe!,
      splits: { train: splits.train, valid: splits.valid, test: { start: splits.lastDay, end: panel.T } },
      benchmark: { kind: 'universe-mean' },
      model: 'ridge',
      seed: 0,
    });
    if (reference.model.kind !== 'ridge') throw new Error('expected ridge');
    const config = { model: 'ridge', eta: 0.1, maxDepth: 6, subsample: 0.8, colsampleBytree: 0.8, lambda: reference.model.lambda, rounds: 100 };

    await host(poisoned(clean));
    const answer = await run.bus.request(EVALUATOR.queue, COMBINE_REQUEST, { config, entries: ['f1', 'f2', 'f3'] }, { timeoutMs: 30_000 });
    const result = answer.payload as { trainIc: number; validIc: number; validRankIc: number; seconds: number };
    expect(result.validIc).toBeCloseTo(reference.signal.valid.ic.mean, 12);
    expect(result.validRankIc).toBeCloseTo(reference.signal.valid.rankIc.mean, 12);
    expect(result.trainIc).toBeCloseTo(reference.signal.train.ic.mean, 12);
    expect(result.seconds).toBeGreaterThan(0);
    await expect(run.bus.request(EVALUATOR.queue, COMBINE_REQUEST, { config, entries: ['f1', 'nope'] }, { timeoutMs: 30_000 })).rejects.toThrow(/not in the library: nope/);
  });

  it('is a work queue: two evaluator processes share one stream of batches', async () => {
    const second = await Bus.connect({ natsUrl: run.server!.url('owner'), run: run.run, name: 'evaluator-b', log: () => {} });
    try {
      const a = await host(clean);
      const b = await host(clean, second);
      const batches = Array.from({ length: 8 }, (_, k) => [{ id: `c${k}`, expression: `Mean($close, ${k + 2}) / $close` }]);
      const answers = await Promise.all(batches.map((list) => evaluate(list)));
      expect(answers.every((r) => r[0]!.ok)).toBe(true);
      await waitUntil(() => a.answered + b.answered === 8, 5000, 'both hosts to count their answers');
      expect(a.answered).toBeGreaterThan(0);
      expect(b.answered).toBeGreaterThan(0);
    } finally {
      await hosts.pop()!.stop();
      await second.close();
    }
  });
});
