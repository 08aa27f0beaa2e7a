/**
 * The graph's decisions that are pure functions of its state: where the
 * verify/repair loop goes, when a generation injects, plans or stops, how
 * newcomers get slots, which children evolution makes, and stable task ids.
 */
import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../../agents/domain.js';
import { taskId } from '../../graphs/ask.js';
import { afterAnalyse, afterCurate, afterGeneration } from '../../graphs/miningGraph.js';
import { freshCheck } from '../../graphs/nodes/common.js';
import { applyMutation, planEvolution } from '../../graphs/nodes/evolve.js';
import { groupAssignments } from '../../graphs/nodes/propose.js';
import { exploreNewcomers, roundRobin } from '../../graphs/nodes/schedule.js';
import { afterVerify } from '../../graphs/nodes/verify.js';
import { SwarmState, type Check, type SwarmSettings, type SwarmStateType } from '../../graphs/state.js';
import { newTrajectory } from '../../graphs/trajectories.js';

const SETTINGS: SwarmSettings = { generations: 4, population: 10, injectEvery: 2, maxRounds: 3, concurrency: 2, seed: 1, review: false, directions: 4 };

/** A state with every channel at its default, then the given values. */
function stateWith(values: Partial<SwarmStateType>): SwarmStateType {
  const defaults = Object.fromEntries(Object.entries(SwarmState.spec).map(([k, channel]) => [k, (channel as unknown as { initialValueFactory?: () => unknown }).initialValueFactory?.()]));
  return { ...(defaults as SwarmStateType), settings: SETTINGS, ...values };
}

const check = (next: Check['next']): Check => freshCheck(next);

describe('the verify/repair loop', () => {
  it('goes to repair and improvement together when both are needed, else on to evaluation', () => {
    const state = (nexts: Check['next'][]) => stateWith({ active: nexts.map((_, k) => `t${k}`), checks: Object.fromEntries(nexts.map((n, k) => [`t${k}`, check(n)])) });
    expect(afterVerify(state(['repair', 'evaluate', 'improve']))).toEqual(['repair', 'improve']);
    expect(afterVerify(state(['repair', 'done']))).toEqual(['repair']);
    expect(afterVerify(state(['improve']))).toEqual(['improve']);
    expect(afterVerify(state(['evaluate', 'done']))).toBe('evaluate');
    expect(afterVerify(state([]))).toBe('evaluate');
    // Only trajectories in flight count: an old check waiting for repair from an earlier generation does not.
    expect(afterVerify(stateWith({ active: ['new'], checks: { old: check('repair'), new: check('evaluate') } }))).toBe('evaluate');
  });
});

describe('generation routing', () => {
  it('reviews only when asked', () => {
    expect(afterAnalyse(stateWith({}))).toBe('curate');
    expect(afterAnalyse(stateWith({ settings: { ...SETTINGS, review: true } }))).toBe('review');
  });

  it('evolves except after the last generation or when the budget is spent', () => {
    expect(afterCurate(stateWith({ generation: 2 }), false)).toBe('evolve');
    expect(afterCurate(stateWith({ generation: 3 }), false)).toBe('nextGeneration');
    expect(afterCurate(stateWith({ generation: 0 }), true)).toBe('nextGeneration');
    // Model work chosen: one combiner trial per generation, once there are factors to combine.
    const model = { action: 'model' as const, library: { size: 3, families: {} } };
    expect(afterCurate(stateWith({ generation: 1, ...model }), false)).toBe('combine');
    expect(afterCurate(stateWith({ generation: 1, ...model, library: { size: 1, families: {} } }), false)).toBe('evolve');
    const tried = { generation: 1, config: { model: 'ridge' as const, eta: 0.1, maxDepth: 3, subsample: 1, colsampleBytree: 1, lambda: 1, rounds: 10 }, factors: 3, validIc: 0.01, validRankIc: 0.01 };
    expect(afterCurate(stateWith({ generation: 1, ...model, modelTrials: [tried] }), false)).toBe('evolve');
  });

  it('injects every injectEvery generations, plans again after new human directions, stops when told', () => {
    expect(afterGeneration(stateWith({ generation: 1 }))).toBe('build');
    expect(afterGeneration(stateWith({ generation: 2, plannedHumanDirections: 0 }))).toBe('schedule');
    expect(afterGeneration(stateWith({ generation: 2, humanDirections: ['gaps'], plannedHumanDirections: 0 }))).toBe('plan');
    expect(afterGeneration(stateWith({ generation: 3, humanDirections: ['gaps'], plannedHumanDirections: 0 }))).toBe('build');
    expect(afterGeneration(stateWith({ generation: 2, stop: 'budget' }))).toBe('finish');
  });
});

describe('scheduling', () => {
  it('spreads slots round-robin when the scheduler cannot answer', () => {
    expect(roundRobin(['a', 'b'], 2, 4, 0)).toEqual([
      { specialist: 'a', guidanceMode: 'light', direction: 0 },
      { specialist: 'b', guidanceMode: 'moderate', direction: 1 },
      { specialist: 'a', guidanceMode: 'creative', direction: 0 },
      { specialist: 'b', guidanceMode: 'divergent', direction: 1 },
    ]);
    expect(roundRobin(['a'], 0, 1, 0)).toEqual([{ specialist: 'a', guidanceMode: 'light', direction: -1 }]);
  });

  it('gives a specialist never tried a slot taken from the richest, keeping the total', () => {
    const slots = [
      { specialist: 'a', guidanceMode: 'light' as const, direction: 0 },
      { specialist: 'a', guidanceMode: 'light' as const, direction: 1 },
      { specialist: 'a', guidanceMode: 'moderate' as const, direction: 0 },
      { specialist: 'b', guidanceMode: 'light' as const, direction: 0 },
    ];
    const out = exploreNewcomers(slots, ['a', 'b', 'new'], new Set(['a', 'b']), 2);
    expect(out).toHaveLength(4);
    expect(out.filter((s) => s.specialist === 'a')).toHaveLength(2);
    expect(out.filter((s) => s.specialist === 'new')).toEqual([{ specialist: 'new', guidanceMode: 'creative', direction: 0 }]);
    // Tried before, or already given a slot: nothing changes.
    expect(exploreNewcomers(slots, ['a', 'b', 'old'], new Set(['a', 'b', 'old']), 2)).toEqual(slots);
    // No slot can be spared (everyone has one): the newcomer's slot is added.
    expect(exploreNewcomers([slots[3]!], ['b', 'new'], new Set(['b']), 0)).toHaveLength(2);
  });

  it('groups identical slots into one task with a count', () => {
    const a = { specialist: 'a', guidanceMode: 'light' as const, direction: 0, level: 1, attached: false };
    const groups = groupAssignments([a, a, { ...a, direction: 1 }, a]);
    expect(groups.map((g) => [g.index, g.assignment.direction, g.count])).toEqual([
      [0, 0, 3],
      [1, 1, 1],
    ]);
  });
});

describe('evolution', () => {
  it('makes `cap` children whatever the number of parents: a third mutations cycling the parents, the rest crossovers, half then mutated; repeats carry a sibling number', () => {
    const plan = planEvolution(['p0', 'p1', 'p2'], 4, 9, 7);
    expect(plan.mutations).toEqual([
      { child: 'g5-m0', parent: 'p0', variant: 0 },
      { child: 'g5-m1', parent: 'p1', variant: 0 },
      { child: 'g5-m2', parent: 'p2', variant: 0 },
    ]);
    expect(plan.crossovers.map((c) => [c.child, c.mutate])).toEqual([
      ['g5-x0', false],
      ['g5-x1', false],
      ['g5-x2', false],
      ['g5-xm0', true],
      ['g5-xm1', true],
      ['g5-xm2', true],
    ]);
    for (const c of plan.crossovers) expect(c.parents[0]).not.toBe(c.parents[1]);
    // Three parents have three pairs: the plain crossovers use each once, and so do the mutated ones.
    const pairs = (mutate: boolean) => new Set(plan.crossovers.filter((c) => c.mutate === mutate).map((c) => [...c.parents].sort().join('+')));
    expect(pairs(false).size).toBe(3);
    expect(pairs(true).size).toBe(3);
    expect(plan.crossovers.every((c) => c.variant === 0)).toBe(true);
    // Seeded: the same plan again.
    expect(planEvolution(['p0', 'p1', 'p2'], 4, 9, 7)).toEqual(plan);
    // CogAlpha's children pool does not shrink with the parents: 30 children from 3 parents, pairs and parents reused with sibling numbers.
    const wide = planEvolution(['p0', 'p1', 'p2'], 4, 30, 7);
    expect(wide.mutations.length + wide.crossovers.length).toBe(30);
    expect(wide.mutations.map((m) => `${m.parent}:${m.variant}`)).toEqual(['p0:0', 'p1:0', 'p2:0', 'p0:1', 'p1:1', 'p2:1', 'p0:2', 'p1:2', 'p2:2', 'p0:3']);
    const seen = new Set(wide.crossovers.map((c) => `${c.mutate}|${[...c.parents].sort().join('+')}|${c.variant}`));
    expect(seen.size).toBe(wide.crossovers.length); // every (kind, pair, sibling number) once: no two children ask the same question
    expect(planEvolution(['p0', 'p1', 'p2'], 4, 4, 7).mutations).toHaveLength(2); // cap 4: ⌈4/3⌉ mutations, 2 crossovers
    expect(planEvolution(['p0'], 0, 3, 1)).toEqual({ mutations: [0, 1, 2].map((i) => ({ child: `g1-m${i}`, parent: 'p0', variant: i })), crossovers: [] });
    expect(planEvolution([], 0, 10, 1)).toEqual({ mutations: [], crossovers: [] });
  });

  it('rewrites only the localised step and leaves what follows it to the builder', () => {
    const parent: Trajectory = {
      ...newTrajectory({ id: 'c', generation: 1, origin: 'mutation', specialist: 's', level: 2, guidanceMode: 'light', direction: null, hypothesis: 'H', description: 'D', expression: 'E', parents: ['p'], status: 'built' }),
    };
    const [e, eCheck] = applyMutation(parent, { localisedStep: 'expression', diagnosis: 'window', rewrite: 'Mean($close,5)' }, 'p');
    expect([e.hypothesis, e.description, e.expression, eCheck.next]).toEqual(['H', 'D', 'Mean($close,5)', 'verify']);
    expect(e.inherited.map((i) => i.segment)).toEqual(['hypothesis', 'description']);
    const [d, dCheck] = applyMutation(parent, { localisedStep: 'description', diagnosis: 'vague', rewrite: 'D2' }, 'p');
    expect([d.hypothesis, d.description, d.expression, d.status, dCheck.next]).toEqual(['H', 'D2', null, 'proposed', 'build']);
    const [h, hCheck] = applyMutation(parent, { localisedStep: 'hypothesis', diagnosis: 'wrong idea', rewrite: 'H2' }, 'p');
    expect([h.hypothesis, h.description, h.expression, hCheck.next]).toEqual(['H2', null, null, 'build']);
    expect(h.steps.at(-1)).toMatchObject({ kind: 'mutate', action: 'rewrote the hypothesis: wrong idea', result: 'H2' });
  });
});

describe('task ids', () => {
  it('are stable, subject-safe and at most 64 characters', () => {
    expect(taskId(['g3', 'g3-s1-0', 'verify', 2])).toBe('g3-g3-s1-0-verify-2');
    expect(taskId(['g0', 'a.b c'])).toBe('g0-a_b_c');
    const long = taskId(['g0', 'x'.repeat(80), 'propose']);
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(taskId(['g0', 'x'.repeat(80), 'propose'])).toBe(long);
    expect(taskId(['g0', 'x'.repeat(80), 'analyse'])).not.toBe(long);
  });
});
