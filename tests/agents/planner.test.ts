import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLANNER_IDENTITY, diversifiedGrid, humanDirection, plannerMachine, reconcilePlan } from '../../agents/planner.js';
import { PLANNER, PLANNER_FALLBACK } from '../../agents/protocol.js';
import type { Direction } from '../../agents/roles.js';
import { hostActor } from '../../runtime/actorHost.js';
import { createEnvelope, type Envelope } from '../../runtime/envelope.js';
import { subjects } from '../../runtime/subjects.js';
import { scriptedLlm, startTestRun, storedMessages, waitUntil, type TestRun } from './helpers.js';

const seedPool = [
  { name: 'CORR5', expression: 'Corr($close, Log($volume+1), 5)', validRankIc: 0.02 },
  { name: 'KLEN', expression: '($high-$low)/$open', validRankIc: -0.03 },
  { name: 'ROC60', expression: 'Ref($close, 60)/$close', validRankIc: 0.01 },
];

const direction = (title: string, extra: Partial<Direction> = {}): Direction => ({
  title,
  signalSource: 'price',
  timeScale: 'short',
  mechanism: 'reversion',
  rationale: `Because ${title}.`,
  seeds: [],
  ...extra,
});

describe('the diversified grid', () => {
  it('spreads directions so the first three differ in source, scale and mechanism', () => {
    const grid = diversifiedGrid(6, { seedPool, explored: [] }, 1);
    expect(grid).toHaveLength(6);
    const cells = grid.map((d) => `${d.signalSource}/${d.timeScale}/${d.mechanism}`);
    expect(new Set(cells).size).toBe(6);
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        expect(grid[i]!.signalSource).not.toBe(grid[j]!.signalSource);
        expect(grid[i]!.timeScale).not.toBe(grid[j]!.timeScale);
        expect(grid[i]!.mechanism).not.toBe(grid[j]!.mechanism);
      }
    }
    // The three time scales each appear once among the first three.
    expect(new Set(grid.slice(0, 3).map((d) => d.timeScale)).size).toBe(3);
  });

  it('is deterministic for a seed', () => {
    expect(diversifiedGrid(8, { seedPool, explored: [] }, 42)).toEqual(diversifiedGrid(8, { seedPool, explored: [] }, 42));
  });

  it('names seed factors that read the source’s fields', () => {
    const range = diversifiedGrid(126, { seedPool, explored: [] }, 3).find((d) => d.signalSource === 'range')!;
    expect(range.seeds).toEqual(['KLEN']);
    const pv = diversifiedGrid(126, { seedPool, explored: [] }, 3).find((d) => d.signalSource === 'price-volume')!;
    expect(pv.seeds).toEqual(['CORR5']);
  });
});

describe('reconcilePlan', () => {
  const task = { seedPool, humanDirections: ['Overnight gaps that reverse within a week'], explored: [], count: 4 };

  it('keeps the model’s version of a human direction when it kept the words, and fills up from the grid', () => {
    const proposed = [
      direction('Gap reversal', { rationale: 'We study overnight gaps that reverse within a week, as asked.' }),
      direction('Volume spikes', { signalSource: 'volume', mechanism: 'liquidity' }),
    ];
    const plan = reconcilePlan(task, proposed, 1);
    expect(plan).toHaveLength(4);
    expect(plan[0]!.title).toBe('Gap reversal');
    expect(plan[1]!.title).toBe('Volume spikes');
    expect(new Set(plan.map((d) => d.title)).size).toBe(4);
  });

  it('adds a human direction the model dropped, classified from its words', () => {
    const plan = reconcilePlan(task, [direction('Something else')], 1);
    expect(plan[0]).toEqual(humanDirection('Overnight gaps that reverse within a week'));
    expect(plan[0]).toMatchObject({ timeScale: 'short', mechanism: 'reversion' });
  });

  it('drops duplicates and caps one (source, scale, mechanism) cell at a third of the plan', () => {
    const same = [1, 2, 3, 4, 5].map((k) => direction(`Reversal ${k}`));
    const plan = reconcilePlan({ ...task, humanDirections: [], count: 6 }, [...same, direction('Reversal 1')], 1);
    expect(plan).toHaveLength(6);
    expect(plan.filter((d) => d.title.startsWith('Reversal'))).toHaveLength(2);
  });
});

describe('planner agent', () => {
  let run: TestRun;
  beforeEach(async () => {
    run = await startTestRun();
  });
  afterEach(async () => run.close());

  const task = { seedPool, humanDirections: ['Stocks whose turnover dries up before a breakout'], explored: [], count: 3 };

  it('answers with the model’s directions, the human one first', async () => {
    const llm = scriptedLlm(() => ({ reply: { directions: [direction('Short reversal'), direction('Breakout after low turnover', { signalSource: 'volume', mechanism: 'liquidity', rationale: 'Stocks whose turnover dries up before a breakout.' })] } }));
    const hosted = await hostActor(run.bus, plannerMachine({ model: llm.model, seed: 1, log: () => {} }), PLANNER_IDENTITY);
    const answer = await run.bus.request(PLANNER.queue, PLANNER.task, task, { timeoutMs: 10_000 });
    expect(answer.type).toBe(PLANNER.reply);
    const plan = (answer.payload as { directions: Direction[] }).directions;
    expect(plan.map((d) => d.title).slice(0, 2)).toEqual(['Breakout after low turnover', 'Short reversal']);
    expect(plan).toHaveLength(3);
    expect(llm.callsOf('planner')).toHaveLength(1);
    expect(llm.calls[0]!.input).toEqual(task);
    await hosted.stop();
  });

  it('falls back to the grid when the model fails, says so on the bus, and still includes the human direction', async () => {
    const llm = scriptedLlm(() => ({ text: 'I cannot help with that.' }), { maxRepairs: 0 });
    const logs: string[] = [];
    const hosted = await hostActor(run.bus, plannerMachine({ model: llm.model, seed: 1, log: (l) => void logs.push(l) }), PLANNER_IDENTITY, { events: [] });
    const fallbacks: Envelope[] = [];
    run.bus.subscribe(PLANNER_FALLBACK, (e) => void fallbacks.push(e));
    await run.bus.flush();
    const answer = await run.bus.request(PLANNER.queue, PLANNER.task, task, { timeoutMs: 10_000 });
    const plan = (answer.payload as { directions: Direction[] }).directions;
    expect(plan).toHaveLength(3);
    expect(plan[0]).toEqual(humanDirection('Stocks whose turnover dries up before a breakout'));
    expect(plan.slice(1)).toEqual(diversifiedGrid(2, task, 1, [{ source: plan[0]!.signalSource, scale: plan[0]!.timeScale, mechanism: plan[0]!.mechanism }]));
    await waitUntil(() => fallbacks.length === 1, 5000, 'the fallback event');
    expect(fallbacks[0]!.payload).toMatchObject({ directions: 3, reason: expect.stringMatching(/planner model failed/) });
    expect(fallbacks[0]!.causation).toBe(answer.causation);
    expect(logs.some((l) => /falls back to its diversified grid/.test(l))).toBe(true);
    await hosted.stop();
  });

  it('dead-letters an invalid task without disturbing the agent', async () => {
    const llm = scriptedLlm(() => ({ reply: { directions: [direction('A')] } }));
    const hosted = await hostActor(run.bus, plannerMachine({ model: llm.model, seed: 1, log: () => {} }), PLANNER_IDENTITY);
    const bad = { ...createEnvelope({ type: PLANNER.task, run: run.run, from: 'rogue', to: PLANNER.queue, payload: task }), payload: { ...task, count: 0 } };
    await run.bus.deliver(subjects.work(run.run, PLANNER.queue), bad);
    await waitUntil(async () => (await storedMessages(run.bus, `as.${run.run}.dead.`)).length === 1, 5000, 'the dead letter');
    const [letter] = await storedMessages(run.bus, `as.${run.run}.dead.`);
    expect(letter!.payload).toMatchObject({ reason: 'invalid-payload', original: { id: bad.id, type: PLANNER.task } });
    const answer = await run.bus.request(PLANNER.queue, PLANNER.task, { ...task, humanDirections: [] }, { timeoutMs: 10_000 });
    expect((answer.payload as { directions: Direction[] }).directions[0]!.title).toBe('A');
    expect(llm.calls).toHaveLength(1);
    await hosted.stop();
  });
});
