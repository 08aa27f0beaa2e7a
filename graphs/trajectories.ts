/**
 * Trajectories (QuantaAlpha's τ = s0, a0, s1, ...): creating them, appending
 * steps, and the one-paragraph brief mutation and crossover read. Pure
 * functions over the domain schema; every text an agent wrote is clipped to
 * the schema's bounds here, so a long answer never makes a trajectory
 * unstorable.
 */
import type { AgentMetrics, Inheritance, Origin, StepKind, Trajectory, TrajectoryStep } from '../agents/domain.js';
import type { TrajectoryBrief } from '../agents/roles.js';

const MAX_STEPS = 64;

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface NewTrajectory {
  readonly id: string;
  readonly generation: number;
  readonly origin: Origin;
  readonly specialist: string;
  readonly level: number | null;
  readonly guidanceMode: string | null;
  readonly direction: string | null;
  readonly hypothesis: string;
  readonly description?: string | null;
  readonly expression?: string | null;
  readonly parents?: readonly string[];
  readonly inherited?: readonly Inheritance[];
  readonly status: Trajectory['status'];
}

export function newTrajectory(t: NewTrajectory): Trajectory {
  return {
    id: t.id,
    generation: t.generation,
    origin: t.origin,
    specialist: clip(t.specialist, 80),
    level: t.level !== null && Number.isInteger(t.level) && t.level >= 1 && t.level <= 7 ? t.level : null,
    guidanceMode: t.guidanceMode === null ? null : clip(t.guidanceMode, 20),
    direction: t.direction === null ? null : clip(t.direction, 400),
    hypothesis: clip(t.hypothesis, 4000),
    name: null,
    description: t.description == null ? null : clip(t.description, 4000),
    expression: t.expression == null ? null : clip(t.expression, 2000),
    family: null,
    parents: [...(t.parents ?? [])].slice(0, 8),
    inherited: [...(t.inherited ?? [])].slice(0, 16).map((i) => ({ ...i, detail: clip(i.detail, 1000) })),
    steps: [],
    metrics: null,
    reward: null,
    status: t.status,
    rejection: null,
  };
}

export interface StepInput {
  readonly kind: StepKind;
  readonly agent: string;
  readonly action: string;
  readonly result: string;
  readonly ok: boolean;
}

/** The trajectory with one more step (the oldest non-first step dropped if it is full). */
export function withStep(t: Trajectory, step: StepInput, time = new Date()): Trajectory {
  const entry: TrajectoryStep = {
    kind: step.kind,
    agent: clip(step.agent, 80),
    action: clip(step.action, 2000),
    result: clip(step.result, 4000),
    ok: step.ok,
    time: time.toISOString(),
  };
  const steps = t.steps.length < MAX_STEPS ? [...t.steps, entry] : [t.steps[0]!, ...t.steps.slice(2), entry];
  return { ...t, steps };
}

export function rejected(t: Trajectory, stage: string, reason: string): Trajectory {
  return { ...t, status: 'rejected', rejection: { stage: clip(stage, 40), reason: clip(reason, 1000) } };
}

/** The one-line form of a step, for briefs and the lineage printout. */
export function stepLine(step: TrajectoryStep): string {
  return clip(`${step.kind} by ${step.agent}${step.ok ? '' : ' (failed)'}: ${step.action} -> ${step.result.replace(/\s+/g, ' ')}`, 400);
}

/** The latest feedback the analyst gave on a trajectory, if any. */
export function analystFeedback(t: Trajectory): string {
  const step = [...t.steps].reverse().find((s) => s.kind === 'analyse' && s.ok);
  return step ? clip(step.result, 2000) : '';
}

/** What mutation and crossover read about a trajectory; null when it has nothing to evolve (not built or not evaluated). */
export function briefOf(t: Trajectory): TrajectoryBrief | null {
  if (t.expression === null || t.metrics === null || t.reward === null) return null;
  return {
    id: t.id,
    hypothesis: t.hypothesis,
    description: t.description ?? '',
    expression: t.expression,
    metrics: t.metrics,
    reward: t.reward,
    feedback: analystFeedback(t),
    steps: t.steps.slice(-32).map(stepLine),
  };
}

/** The mean of several agents' metrics (for a crossover child that is mutated before it was evaluated). */
export function meanMetrics(all: readonly AgentMetrics[]): AgentMetrics {
  const split = (k: 'train' | 'valid') => {
    const mean = (f: 'ic' | 'icir' | 'rankIc' | 'rankIcir' | 'mi' | 'rankIcT' | 'nanRatio'): number | null => {
      const values = all.map((m) => m[k][f]).filter((v): v is number => v !== null && Number.isFinite(v));
      return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    };
    return {
      ic: mean('ic'),
      icir: mean('icir'),
      rankIc: mean('rankIc'),
      rankIcir: mean('rankIcir'),
      mi: mean('mi'),
      rankIcT: mean('rankIcT'),
      nanRatio: mean('nanRatio'),
      days: Math.min(...all.map((m) => m[k].days)),
    };
  };
  return { train: split('train'), valid: split('valid') };
}
