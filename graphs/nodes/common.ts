/**
 * What every node shares: a clock and agent calls for its run, the timing
 * folded into the generation's diagnostics, and the trajectory events
 * (TRAJECTORY_UPDATED for every change, CANDIDATE_REJECTED when one is
 * rejected, which the librarian's negative retrieval remembers).
 */
import type { Trajectory } from '../../agents/domain.js';
import { CANDIDATE_REJECTED, TRAJECTORY_UPDATED } from '../../agents/protocol.js';
import { AgentCalls, StageClock } from '../ask.js';
import type { SwarmDeps } from '../deps.js';
import type { Check, SwarmSettings, SwarmStateType, SwarmUpdate } from '../state.js';

export type Node = (state: SwarmStateType) => Promise<SwarmUpdate>;

export interface NodeContext {
  readonly calls: AgentCalls;
  readonly settings: SwarmSettings;
}

/**
 * Wraps a node body: gives it agent calls, adds its timing to the
 * generation's, and publishes the trajectories it changed.
 */
export function node(deps: SwarmDeps, name: string, body: (state: SwarmStateType, context: NodeContext) => Promise<SwarmUpdate>, options: { readonly timed?: boolean } = {}): Node {
  return async (state) => {
    const clock = new StageClock();
    const settings = state.settings;
    if (settings === null) throw new Error(`${name}: the swarm has no settings (the graph must start at initialise)`);
    const update = await body(state, { calls: new AgentCalls(deps.bus, clock), settings });
    if (update.trajectories) publishChanged(deps, state.trajectories, update.trajectories);
    if (options.timed === false) return update;
    const timings = { ...(update.timings ?? state.timings) };
    timings[name] = clock.finish(timings[name]);
    return { ...update, timings };
  };
}

function publishChanged(deps: SwarmDeps, before: Readonly<Record<string, Trajectory>>, changed: Readonly<Record<string, Trajectory>>): void {
  for (const trajectory of Object.values(changed)) {
    try {
      deps.bus.publish(TRAJECTORY_UPDATED, { trajectory }, { trajectory: trajectory.id });
      if (trajectory.status === 'rejected' && before[trajectory.id]?.status !== 'rejected') {
        deps.bus.publish(CANDIDATE_REJECTED, { trajectory }, { trajectory: trajectory.id });
      }
    } catch (err) {
      deps.bus.log(`alphaswarm: could not publish trajectory ${trajectory.id}: ${(err as Error).message}`);
    }
  }
}

/** Trajectories in flight whose check says `next`. */
export function awaiting(state: SwarmStateType, next: Check['next']): Trajectory[] {
  return state.active.map((id) => state.trajectories[id]!).filter((t) => t !== undefined && state.checks[t.id]?.next === next);
}

export function freshCheck(next: Check['next'], sketch: string | null = null): Check {
  return { round: 0, next, sketch, reasons: [], failingStep: null, complexity: null, similarity: 0, libraryCorrelation: null, repaired: null };
}

/** Collects per-trajectory changes a node makes. */
export class Changes {
  readonly trajectories: Record<string, Trajectory> = {};
  readonly checks: Record<string, Check> = {};

  set(t: Trajectory, check?: Check): void {
    this.trajectories[t.id] = t;
    if (check !== undefined) this.checks[t.id] = check;
  }

  get update(): Pick<SwarmUpdate, 'trajectories' | 'checks'> {
    return { trajectories: this.trajectories, checks: this.checks };
  }
}
