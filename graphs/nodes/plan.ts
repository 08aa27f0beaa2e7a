/**
 * plan: QuantaAlpha's diversified planning from the seed pool (vary signal
 * source, time scale, mechanism) with AlphaGPT 2.0's human research
 * directions, which every plan must include. Runs once, and again when a
 * person adds directions in a review.
 */
import { PLANNER, planResultSchema } from '../../agents/protocol.js';
import type { Direction } from '../../agents/roles.js';
import type { SwarmDeps } from '../deps.js';
import type { SwarmStateType } from '../state.js';
import { clip } from '../trajectories.js';
import { node } from './common.js';

export function plan(deps: SwarmDeps) {
  return node(deps, 'plan', async (state, { calls, settings }) => {
    const answer = await calls.ask(
      PLANNER,
      {
        seedPool: state.seedPool.slice(0, 64).map((s) => ({ name: clip(s.name, 60), expression: clip(s.expression, 2000), validRankIc: s.metrics?.valid.rankIc ?? null })),
        humanDirections: state.humanDirections.slice(-16).map((d) => clip(d, 1000)),
        explored: explored(state).slice(0, 64),
        count: Math.min(32, Math.max(1, settings.directions)),
      },
      planResultSchema,
      { id: [`g${state.generation}`, 'plan'], timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries },
    );
    // Without a plan, a person's directions still reach the specialists as they were given.
    const directions: Direction[] = answer.ok ? answer.value.directions : [...state.directions, ...state.humanDirections.filter((h) => !state.directions.some((d) => d.title === clip(h, 200))).map(humanDirection)];
    return {
      directions: directions.slice(0, 32),
      plannedHumanDirections: state.humanDirections.length,
      incidents: answer.ok ? state.incidents : [...state.incidents, { stage: 'plan', agent: PLANNER.queue, reason: answer.reason }],
    };
  });
}

/** Directions explored so far, with how many accepted factors each gave. */
function explored(state: SwarmStateType): Array<{ title: string; accepted: number }> {
  return state.directions.map((d) => ({
    title: d.title,
    accepted: Object.values(state.trajectories).filter((t) => t.status === 'accepted' && t.direction === d.title).length,
  }));
}

/** A person's direction as given, when no planner structured it. */
export function humanDirection(text: string): Direction {
  return { title: clip(text, 200), signalSource: 'mixed', timeScale: 'medium', mechanism: 'other', rationale: clip(`Set by a person: ${text}`, 2000), seeds: [] };
}

/** A person added directions since the last plan. */
export function needsPlan(state: SwarmStateType): boolean {
  return state.plannedHumanDirections < state.humanDirections.length;
}
