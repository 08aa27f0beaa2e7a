/**
 * The scheduler's learnt state and decisions, as one serialisable object:
 *
 *  - Thompson sampling (Beta posteriors) over arms specialist x guidance mode:
 *    each proposal slot goes to the arm with the largest posterior draw
 *    among those not yet used this generation (all of them once every arm
 *    has had a slot), so a generation spreads over arms while the
 *    posteriors shift slots toward the arms whose proposals were accepted;
 *  - the same over research directions (by title, so a re-plan keeps what
 *    was learnt about a direction that stays);
 *  - R&D-Agent(Q)'s contextual linear Thompson sampling between factor and
 *    model work on the 8-dimensional state (linearThompson.ts).
 *
 * Every draw comes from one seeded generator whose state is part of the
 * object, so a resumed run continues the same stream.
 */
import { z } from 'zod';
import { GUIDANCE_MODES, type GuidanceMode } from '../roles.js';
import { BetaArms } from './betaArms.js';
import { RD_AGENT_BANDIT, chooseArm, priorArm, updateArm, type LinearArmState } from './linearThompson.js';
import { Random, seedRandom } from './random.js';

export const ACTIONS = ['factor', 'model'] as const;
export type Action = (typeof ACTIONS)[number];

const posterior = z.tuple([z.number().positive(), z.number().positive()]);
const linearArm = z.strictObject({ precision: z.array(z.number()).length(64), information: z.array(z.number()).length(8), updates: z.number().int().nonnegative() });

export const banditStateSchema = z.strictObject({
  random: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  arms: z.record(z.string(), posterior),
  directions: z.record(z.string(), posterior),
  /** Titles of the directions of the last schedule (feedback names directions by index into them). */
  lastDirections: z.array(z.string()).max(32),
  linear: z.strictObject({ factor: linearArm, model: linearArm }),
  /** Feedback events already applied (a replayed event counts once). */
  applied: z.array(z.string()).max(128),
});
export type BanditState = z.infer<typeof banditStateSchema>;

export interface Assignment {
  readonly specialist: string;
  readonly guidanceMode: GuidanceMode;
  /** Index into the schedule's directions, -1 when there are none. */
  readonly direction: number;
}

export interface Outcome {
  readonly specialist: string;
  readonly guidanceMode: GuidanceMode;
  readonly direction: number;
  readonly reward: number;
}

export const armKey = (specialist: string, mode: GuidanceMode): string => `${specialist}/${mode}`;

export function initialBanditState(seed: number): BanditState {
  return {
    random: [...seedRandom(seed)],
    arms: {},
    directions: {},
    lastDirections: [],
    linear: { factor: priorArm(RD_AGENT_BANDIT), model: priorArm(RD_AGENT_BANDIT) },
    applied: [],
  };
}

export class SchedulerBandit {
  private readonly random: Random;
  private readonly arms: BetaArms;
  private readonly directions: BetaArms;
  private lastDirections: string[];
  private linear: Record<Action, LinearArmState>;
  private applied: string[];

  constructor(state: BanditState) {
    this.random = new Random(state.random);
    this.arms = new BetaArms(state.arms);
    this.directions = new BetaArms(state.directions);
    this.lastDirections = [...state.lastDirections];
    this.linear = { factor: state.linear.factor, model: state.linear.model };
    this.applied = [...state.applied];
  }

  /** Factor or model work for the state x, and each proposal slot's specialist, mode and direction. */
  schedule(slots: number, specialists: readonly string[], directionTitles: readonly string[], x: readonly number[]): { action: Action; assignments: Assignment[] } {
    const action = chooseArm(this.linear, ACTIONS, x, RD_AGENT_BANDIT.dimension, this.random);
    const allArms = specialists.flatMap((s) => GUIDANCE_MODES.map((m) => armKey(s, m)));
    let unused = new Set(allArms);
    const byKey = new Map(specialists.flatMap((s) => GUIDANCE_MODES.map((m) => [armKey(s, m), { specialist: s, guidanceMode: m }] as const)));
    const titles = directionTitles.map((t) => t.toLowerCase());
    const assignments: Assignment[] = [];
    for (let k = 0; k < slots; k++) {
      if (unused.size === 0) unused = new Set(allArms);
      const arm = this.arms.choose([...unused], this.random);
      unused.delete(arm);
      const direction = titles.length === 0 ? -1 : titles.indexOf(this.directions.choose(titles, this.random));
      assignments.push({ ...byKey.get(arm)!, direction });
    }
    this.lastDirections = titles;
    return { action, assignments };
  }

  /** Applies a feedback event once (by its id). */
  feedback(id: string, outcomes: readonly Outcome[], action: { action: Action; state: readonly number[]; reward: number } | null): boolean {
    if (this.applied.includes(id)) return false;
    this.applied = [...this.applied, id].slice(-128);
    for (const o of outcomes) {
      this.arms.update(armKey(o.specialist, o.guidanceMode), o.reward);
      const title = this.lastDirections[o.direction];
      if (title !== undefined) this.directions.update(title, o.reward);
    }
    if (action !== null) this.linear[action.action] = updateArm(this.linear[action.action], action.state, action.reward, RD_AGENT_BANDIT);
    return true;
  }

  armMean(specialist: string, mode: GuidanceMode): number {
    return this.arms.mean(armKey(specialist, mode));
  }

  toState(): BanditState {
    return {
      random: [...this.random.state],
      arms: this.arms.toJSON(),
      directions: this.directions.toJSON(),
      lastDirections: [...this.lastDirections],
      linear: { factor: this.linear.factor, model: this.linear.model },
      applied: [...this.applied],
    };
  }
}
