import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEDULE_FEEDBACK, SCHEDULER_IDENTITY, SCHEDULER_STATE_KEY, BanditKeeper, schedulerMachine, type ScheduleResult } from '../../agents/scheduler.js';
import { SCHEDULER } from '../../agents/protocol.js';
import { GUIDANCE_MODES, type Direction } from '../../agents/roles.js';
import { RD_AGENT_BANDIT, posteriorMean, priorArm, updateArm } from '../../agents/scheduling/linearThompson.js';
import { Random, seedRandom } from '../../agents/scheduling/random.js';
import { SchedulerBandit, banditStateSchema, initialBanditState } from '../../agents/scheduling/schedulerBandit.js';
import { hostActor, type HostedActor } from '../../runtime/actorHost.js';
import { RunStore } from '../../runtime/runStore.js';
import { startTestRun, waitUntil, type TestRun } from './helpers.js';

const specialists = ['reversal', 'daily-trend', 'liquidity'];
const zero = [0, 0, 0, 0, 0, 0, 0, 0];

describe('random draws', () => {
  it('have the moments of their distributions', () => {
    const random = new Random(seedRandom(1));
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    for (let k = 0; k < n; k++) {
      const b = random.beta(2, 6);
      sum += b;
      squares += b * b;
    }
    // Beta(2, 6): mean 2/8, variance 2*6 / (8^2 * 9).
    expect(sum / n).toBeCloseTo(0.25, 2);
    expect(squares / n - (sum / n) ** 2).toBeCloseTo(12 / (64 * 9), 3);
  });
});

describe('linear Thompson sampling (R&D-Agent(Q) A.2)', () => {
  it('updates the posterior as Bayesian linear regression: one observation x = e1, r = 1 gives mu = e1 / 2', () => {
    const e1 = [1, 0, 0, 0, 0, 0, 0, 0];
    const arm = updateArm(priorArm(RD_AGENT_BANDIT), e1, 1, RD_AGENT_BANDIT);
    expect(arm.precision[0]).toBe(2);
    const mu = [...posteriorMean(arm, 8)];
    expect(mu[0]).toBeCloseTo(0.5, 14);
    expect(mu.slice(1)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('learns which work pays in which state', () => {
    const bandit = new SchedulerBandit(initialBanditState(11));
    const random = new Random(seedRandom(99));
    for (let k = 0; k < 60; k++) {
      const x = Array.from({ length: 8 }, () => random.uniform() * 2 - 1);
      bandit.feedback(`f${k}a`, [], { action: 'factor', state: x, reward: x[0]! });
      bandit.feedback(`f${k}b`, [], { action: 'model', state: x, reward: -x[0]! });
    }
    const good = [1, 0, 0, 0, 0, 0, 0, 0];
    const picks = Array.from({ length: 20 }, () => bandit.schedule(1, specialists, [], good).action);
    expect(picks.filter((a) => a === 'factor').length).toBeGreaterThanOrEqual(19);
    const bad = [-1, 0, 0, 0, 0, 0, 0, 0];
    expect(Array.from({ length: 20 }, () => bandit.schedule(1, specialists, [], bad).action).filter((a) => a === 'model').length).toBeGreaterThanOrEqual(19);
  });
});

describe('Thompson sampling over specialists and modes', () => {
  it('spreads a generation over arms, and is deterministic for a seed', () => {
    const a = new SchedulerBandit(initialBanditState(5)).schedule(15, specialists, ['d0', 'd1'], zero);
    const b = new SchedulerBandit(initialBanditState(5)).schedule(15, specialists, ['d0', 'd1'], zero);
    expect(a).toEqual(b);
    // 3 specialists x 5 modes = 15 arms: each exactly once.
    expect(new Set(a.assignments.map((s) => `${s.specialist}/${s.guidanceMode}`)).size).toBe(15);
    expect(a.assignments.every((s) => s.direction === 0 || s.direction === 1)).toBe(true);
    expect(new SchedulerBandit(initialBanditState(6)).schedule(15, specialists, ['d0', 'd1'], zero)).not.toEqual(a);
  });

  it('moves slots toward rewarded arms, and gives a new specialist a fresh prior', () => {
    const bandit = new SchedulerBandit(initialBanditState(3));
    for (let round = 0; round < 10; round++) {
      bandit.schedule(4, specialists, ['d0', 'd1'], zero);
      bandit.feedback(`r${round}`, [
        { specialist: 'liquidity', guidanceMode: 'concrete', direction: 1, reward: 1 },
        ...specialists.flatMap((s) => GUIDANCE_MODES.filter((m) => !(s === 'liquidity' && m === 'concrete')).map((m) => ({ specialist: s, guidanceMode: m, direction: 0, reward: 0 }))),
      ], null);
    }
    // Beta(1 + 10, 1) against Beta(1, 1 + 10).
    expect(bandit.armMean('liquidity', 'concrete')).toBeCloseTo(11 / 12, 12);
    expect(bandit.armMean('reversal', 'light')).toBeCloseTo(1 / 12, 12);
    const firstPicks = Array.from({ length: 20 }, () => bandit.schedule(1, specialists, ['d0', 'd1'], zero).assignments[0]!);
    expect(firstPicks.filter((a) => a.specialist === 'liquidity' && a.guidanceMode === 'concrete').length).toBeGreaterThanOrEqual(18);
    expect(firstPicks.filter((a) => a.direction === 1).length).toBeGreaterThanOrEqual(18);
    // An attached specialist appears: its arms start at Beta(1, 1).
    expect(bandit.armMean('attached-one', 'light')).toBe(0.5);
    const withNewcomer = bandit.schedule(30, [...specialists, 'attached-one'], [], zero).assignments;
    expect(withNewcomer.some((a) => a.specialist === 'attached-one')).toBe(true);
    expect(withNewcomer.every((a) => a.direction === -1)).toBe(true);
  });

  it('applies a feedback event once', () => {
    const bandit = new SchedulerBandit(initialBanditState(3));
    bandit.schedule(1, specialists, [], zero);
    const outcome = [{ specialist: 'reversal', guidanceMode: 'light' as const, direction: -1, reward: 1 }];
    expect(bandit.feedback('same', outcome, null)).toBe(true);
    expect(bandit.feedback('same', outcome, null)).toBe(false);
    expect(bandit.armMean('reversal', 'light')).toBeCloseTo(2 / 3, 12);
  });
});

describe('scheduler agent', () => {
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

  const direction = (title: string): Direction => ({ title, signalSource: 'price', timeScale: 'short', mechanism: 'reversion', rationale: 'why', seeds: [] });
  const task = (generation: number) => ({ generation, slots: 6, specialists, directions: [direction('A'), direction('B')], state: zero });

  async function start(): Promise<{ keeper: BanditKeeper; schedule: (generation: number) => Promise<ScheduleResult> }> {
    const keeper = new BanditKeeper({ store, seed: 21, log: () => {} });
    hosts.push(await hostActor(run.bus, schedulerMachine({ store, seed: 21, log: () => {} }, keeper), SCHEDULER_IDENTITY, { events: [SCHEDULE_FEEDBACK] }));
    return { keeper, schedule: async (g) => (await run.bus.request(SCHEDULER.queue, SCHEDULER.task, task(g), { timeoutMs: 10_000 })).payload as ScheduleResult };
  }

  it('schedules, learns from feedback events, and continues the same way after a restart', async () => {
    // The reference: one bandit doing generation 0, the feedback, generation 1.
    const reference = new SchedulerBandit(initialBanditState(21));
    const g0 = reference.schedule(6, specialists, ['A', 'B'], zero);
    const feedback = { outcomes: g0.assignments.map((a, k) => ({ ...a, reward: k === 0 ? 1 : 0 })), action: { action: g0.action, state: zero.map((_, i) => i / 10), reward: 0.3 } };

    const first = await start();
    expect(await first.schedule(0)).toEqual(g0);
    const sent = run.bus.publish(SCHEDULE_FEEDBACK, feedback);
    reference.feedback(sent.id, feedback.outcomes, feedback.action);
    const bandit = await first.keeper.ready();
    await waitUntil(() => bandit.toState().applied.includes(sent.id), 5000, 'the feedback to be applied');
    await first.keeper.flush();
    const stored = await store.getState(SCHEDULER_STATE_KEY, banditStateSchema);
    expect(stored!.value).toEqual(reference.toState());

    // A restarted scheduler loads the state and answers generation 1 as the uninterrupted one would.
    await hosts.pop()!.stop();
    const second = await start();
    expect(await second.schedule(1)).toEqual(reference.schedule(6, specialists, ['A', 'B'], zero));
  });
});
