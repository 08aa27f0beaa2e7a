/**
 * schedule: the scheduler (Thompson sampling) assigns this generation's
 * proposal slots to specialists x guidance mode x direction, and chooses
 * factor or model work (R&D-Agent(Q)'s contextual bandit). Specialists are
 * whoever the registry knows alive now: the built-in 21 and any attached
 * since the last generation. A specialist never given a slot before gets
 * one first (each arm is pulled once before the bandit's posterior can say
 * anything about it), so an agent attached mid-run gets work at the next
 * injection.
 */
import { SCHEDULER, scheduleResultSchema } from '../../agents/protocol.js';
import { GUIDANCE_MODES } from '../../agents/roles.js';
import type { SwarmDeps } from '../deps.js';
import type { Assignment, SwarmStateType } from '../state.js';
import { node } from './common.js';

export function schedule(deps: SwarmDeps) {
  return node(deps, 'schedule', async (state, { calls, settings }) => {
    deps.registry.ping();
    const alive = new Map(deps.registry.agents({ role: 'specialist' }).map((r) => [r.presence.name, r.presence.level]));
    const specialists = [...alive.keys()].sort();
    if (specialists.length === 0) {
      return { assignments: [], action: 'factor' as const, incidents: [...state.incidents, { stage: 'schedule', agent: 'registry', reason: 'no specialist is alive in the registry' }] };
    }
    const slots = Math.min(256, settings.population);
    const answer = await calls.ask(
      SCHEDULER,
      { generation: state.generation, slots, specialists: specialists.slice(0, 256), directions: state.directions.slice(0, 32), state: performanceState(state) },
      scheduleResultSchema,
      { id: [`g${state.generation}`, 'schedule'], timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries },
    );
    const proposed = answer.ok
      ? answer.value.assignments.filter((a) => alive.has(a.specialist) && a.direction < state.directions.length)
      : roundRobin(specialists, state.directions.length, slots, state.generation);
    const triedBefore = new Set(Object.values(state.trajectories).filter((t) => t.origin === 'init' || t.origin === 'injection' || t.origin === 'attached').map((t) => t.specialist));
    const withFloor = exploreNewcomers(proposed.slice(0, slots), specialists, triedBefore, state.directions.length);
    const assignments: Assignment[] = withFloor.map((a) => ({ ...a, level: alive.get(a.specialist) ?? null, attached: !deps.builtinSpecialists.has(a.specialist) }));
    return {
      assignments,
      action: answer.ok ? answer.value.action : 'factor',
      incidents: answer.ok ? state.incidents : [...state.incidents, { stage: 'schedule', agent: SCHEDULER.queue, reason: `${answer.reason}; slots assigned round-robin` }],
    };
  });
}

type Slot = { readonly specialist: string; readonly guidanceMode: (typeof GUIDANCE_MODES)[number]; readonly direction: number };

/** Slots spread evenly over specialists, modes and directions (when the scheduler cannot answer). */
export function roundRobin(specialists: readonly string[], directions: number, slots: number, generation: number): Slot[] {
  return Array.from({ length: slots }, (_, k) => ({
    specialist: specialists[k % specialists.length]!,
    guidanceMode: GUIDANCE_MODES[(k + generation) % GUIDANCE_MODES.length]!,
    direction: directions === 0 ? -1 : (k + generation) % directions,
  }));
}

/**
 * Gives each specialist that never had a slot one, taken from the
 * specialists holding the most slots (never below one each), so the total
 * stays the same.
 */
export function exploreNewcomers(assignments: readonly Slot[], specialists: readonly string[], triedBefore: ReadonlySet<string>, directions: number): Slot[] {
  const out = [...assignments];
  const count = (name: string): number => out.filter((a) => a.specialist === name).length;
  for (const [k, name] of specialists.entries()) {
    if (triedBefore.has(name) || count(name) > 0) continue;
    const slot: Slot = { specialist: name, guidanceMode: GUIDANCE_MODES[k % GUIDANCE_MODES.length]!, direction: directions === 0 ? -1 : k % directions };
    const richest = [...new Set(out.map((a) => a.specialist))].sort((a, b) => count(b) - count(a) || (a < b ? -1 : 1))[0];
    if (richest !== undefined && count(richest) > 1) out.splice(out.map((a) => a.specialist).lastIndexOf(richest), 1, slot);
    else out.push(slot);
  }
  return out;
}

/**
 * R&D-Agent(Q)'s 8-dimensional performance state x_t, adapted to what a
 * mining run measures every round (no backtest per round): the library's
 * mean valid IC, ICIR, RankIC and RankICIR; the last combiner trial's valid
 * IC and RankIC; the library size / 100; the family entropy / ln 8.
 * Each is higher-is-better, as the bandit's linear reward assumes.
 */
export function performanceState(state: SwarmStateType): number[] {
  const accepted = Object.values(state.trajectories).filter((t) => t.status === 'accepted' && t.metrics !== null);
  const mean = (f: 'ic' | 'icir' | 'rankIc' | 'rankIcir'): number => {
    const values = accepted.map((t) => t.metrics!.valid[f]).filter((v): v is number => v !== null && Number.isFinite(v));
    return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  };
  const trial = state.modelTrials.at(-1);
  const counts = Object.values(state.library.families);
  const total = counts.reduce((a, b) => a + b, 0);
  const entropy = total === 0 ? 0 : -counts.reduce((h, c) => (c === 0 ? h : h + (c / total) * Math.log(c / total)), 0);
  return [mean('ic'), mean('icir'), mean('rankIc'), mean('rankIcir'), trial?.validIc ?? 0, trial?.validRankIc ?? 0, state.library.size / 100, entropy / Math.log(8)];
}
