/**
 * select (CogAlpha): reward every evaluated candidate (graphs/reward.ts),
 * then apply the generation's selection (graphs/selection.ts) within each
 * specialist's niche: discard, orient, qualify, elite, generalisation check,
 * elitism. Oriented
 * candidates are stored oriented: expression `-1 * (...)` and metrics with
 * the sign turned, so everything downstream (library, parents, prompts)
 * reads "higher is better".
 */
import type { Trajectory } from '../../agents/domain.js';
import { FIELD_DOCS, compileFactor } from '../../operators/index.js';
import type { SwarmDeps } from '../deps.js';
import { familyOf } from '../../agents/library/families.js';
import { trajectoryReward } from '../reward.js';
import { orientMetrics, orientationOf, selectByNiche, type Verdict } from '../selection.js';
import type { LibrarySummary } from '../state.js';
import { rejected, withStep } from '../trajectories.js';
import { Changes, node } from './common.js';

const FIELDS = new Set(Object.keys(FIELD_DOCS));

/** `-1 * (expression)` in canonical form. */
export function negated(expression: string): string {
  const compiled = compileFactor(`-1 * (${expression})`, { fields: FIELDS });
  return compiled.ok ? compiled.canonical : `-1 * (${expression})`;
}

/** Hubble's family tag (agents/library/families.ts), the librarian's own rule. */
export function familyOfExpression(expression: string, specialist: string): string {
  const compiled = compileFactor(expression, { fields: FIELDS });
  return compiled.ok ? familyOf(compiled.ast, specialist) : 'composite';
}

export function familyShare(library: LibrarySummary, family: string): number {
  return library.size === 0 ? 0 : (library.families[family] ?? 0) / library.size;
}

export function select(deps: SwarmDeps) {
  return node(deps, 'select', async (state) => {
    const changes = new Changes();
    const evaluated = state.active.map((id) => state.trajectories[id]!).filter((t) => t.status === 'evaluated' && t.metrics !== null);
    const rewarded = evaluated.map((t) => {
      const check = state.checks[t.id]!;
      // The family of the factor as it will be stored: oriented (a negated momentum is a reversal).
      const family = familyOfExpression(orientationOf(t.metrics!) === -1 ? negated(t.expression!) : t.expression!, t.specialist);
      const reward = trajectoryReward({
        metrics: t.metrics!,
        complexity: check.complexity ?? 0,
        similarity: check.similarity,
        libraryCorrelation: check.libraryCorrelation ?? 0,
        familyShare: familyShare(state.library, family),
      });
      return { t: { ...t, family, reward: reward.reward }, reward };
    });
    // Niches: the specialist's lineage (children keep their first parent's specialist).
    const result = selectByNiche(rewarded.map(({ t }) => ({ id: t.id, niche: t.specialist, metrics: t.metrics!, reward: t.reward! })));
    const verdicts = new Map(result.verdicts.map((v) => [v.id, v]));
    for (const { t, reward } of rewarded) {
      const verdict = verdicts.get(t.id)!;
      changes.set(applyVerdict(t, verdict, reward.fit, reward.penalties));
    }
    const parents = [...new Set([...result.parents, ...state.carried])].filter((id) => state.trajectories[id] !== undefined);
    return { ...changes.update, thresholds: result.thresholds, toLibrary: result.toLibrary, parents, carried: result.carried };
  });
}

function applyVerdict(t: Trajectory, verdict: Verdict, fit: number, penalties: Record<string, number>): Trajectory {
  const rewardText = `R = ${t.reward!.toFixed(4)} (fit ${fit.toFixed(4)}, penalties ${Object.entries(penalties)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ')})`;
  if (verdict.kind === 'discarded') {
    return rejected(withStep(t, { kind: 'select', agent: 'supervisor', action: 'discarded', result: `${verdict.reason}; ${rewardText}`, ok: false }), 'select', verdict.reason);
  }
  const oriented =
    verdict.orientation === 1 ? t : { ...t, expression: negated(t.expression!), metrics: orientMetrics(t.metrics!, -1) };
  const action = `${verdict.kind}${verdict.orientation === -1 ? ' (oriented: negative train RankIC, stored as -1 * (...))' : ''}`;
  const offered = verdict.kind !== 'elite' && verdict.generalises ? '; offered to the librarian all the same: good outright (elite bounds on train, RankIC t >= 3, valid RankIC >= 0.01)' : '';
  const step = withStep(oriented, { kind: 'select', agent: 'supervisor', action, result: `${verdict.reason ?? 'elite; generalises on valid'}${offered}; ${rewardText}`, ok: verdict.kind !== 'evaluated' || verdict.generalises });
  const stage = verdict.kind === 'elite' ? 'generalisation' : 'select';
  return { ...step, status: verdict.kind, rejection: verdict.reason === null ? null : { stage, reason: verdict.reason } };
}
