/**
 * Per-generation diagnostics (Hubble's persistent diagnostics artifacts):
 * what a researcher needs to see why a generation went as it did. Pure:
 * built from the state, written by the graph to diagnostics/gen-N.json.
 */
import type { Trajectory } from '../agents/domain.js';
import { percentile } from './selection.js';
import type { GenerationSummary, SwarmStateType } from './state.js';

export interface Distribution {
  readonly count: number;
  readonly mean: number | null;
  readonly min: number | null;
  readonly p10: number | null;
  readonly p25: number | null;
  readonly median: number | null;
  readonly p75: number | null;
  readonly p90: number | null;
  readonly max: number | null;
}

export function distribution(values: readonly (number | null)[]): Distribution {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { count: 0, mean: null, min: null, p10: null, p25: null, median: null, p75: null, p90: null, max: null };
  const q = (p: number) => percentile(xs, p);
  return { count: xs.length, mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: q(0), p10: q(0.1), p25: q(0.25), median: q(0.5), p75: q(0.75), p90: q(0.9), max: q(1) };
}

const PASSED_VERIFY: ReadonlySet<Trajectory['status']> = new Set(['verified', 'evaluated', 'qualified', 'elite', 'accepted']);

/** This generation's candidates: trajectories of the generation that reached the verify loop or were rejected on the way. */
export function candidatesOf(state: SwarmStateType, generation: number): Trajectory[] {
  return Object.values(state.trajectories).filter((t) => t.generation === generation);
}

export function generationSummary(state: SwarmStateType, generation: number, seconds: number): GenerationSummary {
  const all = candidatesOf(state, generation);
  const evaluated = all.filter((t) => t.metrics !== null && t.reward !== null);
  const valid = evaluated.map((t) => t.metrics!.valid.rankIc).filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    generation,
    candidates: all.length,
    verified: all.filter((t) => PASSED_VERIFY.has(t.status) || t.metrics !== null).length,
    evaluated: evaluated.length,
    qualified: all.filter((t) => t.status === 'qualified' || t.status === 'elite' || t.status === 'accepted').length,
    accepted: all.filter((t) => t.status === 'accepted').length,
    librarySize: state.library.size,
    bestValidRankIc: valid.length === 0 ? null : Math.max(...valid),
    seconds,
  };
}

export function generationDiagnostics(state: SwarmStateType, generation: number, seconds: number) {
  const all = candidatesOf(state, generation);
  // Selected candidates are oriented (train RankIC > 0); discarded ones keep their raw sign.
  const scored = all.filter((t) => t.metrics !== null && t.reward !== null && t.status !== 'rejected');
  const rejections: Record<string, { count: number; examples: string[] }> = {};
  for (const t of all) {
    if (t.rejection === null || t.status === 'accepted') continue;
    const r = (rejections[t.rejection.stage] ??= { count: 0, examples: [] });
    r.count++;
    if (r.examples.length < 5 && !r.examples.includes(t.rejection.reason)) r.examples.push(t.rejection.reason);
  }
  const tally = (key: (t: Trajectory) => string | null, list: readonly Trajectory[]) => {
    const out: Record<string, number> = {};
    for (const t of list) {
      const k = key(t);
      if (k !== null) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const specialists: Record<string, { proposed: number; verified: number; evaluated: number; qualified: number; accepted: number }> = {};
  for (const t of all) {
    const s = (specialists[`${t.specialist}${t.origin === 'mutation' || t.origin.startsWith('crossover') ? ` (${t.origin})` : ''}`] ??= { proposed: 0, verified: 0, evaluated: 0, qualified: 0, accepted: 0 });
    s.proposed++;
    if (PASSED_VERIFY.has(t.status) || t.metrics !== null) s.verified++;
    if (t.metrics !== null) s.evaluated++;
    if (t.status === 'qualified' || t.status === 'elite' || t.status === 'accepted') s.qualified++;
    if (t.status === 'accepted') s.accepted++;
  }
  return {
    generation,
    summary: generationSummary(state, generation, seconds),
    funnel: tally((t) => t.status, all),
    metrics: {
      note: 'over evaluated candidates not discarded or vetoed, oriented by the sign of their train RankIC',
      train: { ic: distribution(scored.map((t) => t.metrics!.train.ic)), rankIc: distribution(scored.map((t) => t.metrics!.train.rankIc)), mi: distribution(scored.map((t) => t.metrics!.train.mi)) },
      valid: { ic: distribution(scored.map((t) => t.metrics!.valid.ic)), rankIc: distribution(scored.map((t) => t.metrics!.valid.rankIc)), mi: distribution(scored.map((t) => t.metrics!.valid.mi)) },
      reward: distribution(scored.map((t) => t.reward)),
    },
    thresholds: state.thresholds,
    rejections,
    families: {
      candidates: tally((t) => t.family, all),
      accepted: tally((t) => (t.status === 'accepted' ? t.family : null), all),
      library: state.library.families,
    },
    origins: tally((t) => t.origin, all),
    specialists,
    incidents: state.incidents,
    review: state.reviewDecision,
    timings: state.timings,
  };
}
