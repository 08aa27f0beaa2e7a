/**
 * CogAlpha's fitness selection (section 3.4), over one generation's
 * evaluated candidates. Pure: metrics in, verdicts out.
 *
 *   1. discard: no metrics, more than 30 % missing values (train or valid),
 *      or no train RankIC to orient by;
 *   2. orient each factor by the sign of its TRAIN RankIC, so "higher is
 *      better" for every metric (accepted expressions are stored oriented);
 *   3. qualified: all five oriented train metrics (IC, ICIR, RankIC,
 *      RankICIR, MI) at or above the generation's 65th percentile AND the
 *      minimum bounds; elite: at or above the 80th percentile AND the elite
 *      bounds. Percentiles and bounds use train metrics only;
 *   4. generalisation: an elite goes to the librarian only if its oriented
 *      VALID RankIC also clears the minimum bound (valid is what agents may
 *      see; the test period is never here). Any other candidate goes too
 *      when it is good in absolute terms (Hubble's significance test): its
 *      oriented train metrics clear the ELITE bounds, its train RankIC is
 *      significant (Newey-West t >= 3), and its oriented valid RankIC clears
 *      the elite bound. The percentiles steer the search (who breeds); they
 *      are relative to a generation and, requiring all five metrics at the
 *      80th percentile at once, leave few elites (on CSI 300, 0 to 7 of
 *      about 100 candidates, because MI and Pearson IC rank factors
 *      differently from RankIC). The librarian's redundancy checks, not the
 *      percentile, keep the library lean;
 *   5. elitism: the two best elites (by reward) carry into the next
 *      generation's parent pool.
 *
 * Niches. In CogAlpha each task-specific agent leads its own evolutionary
 * cycle, so percentiles are taken among one agent's alphas. selectByNiche
 * does the same within one swarm: candidates are grouped by the specialist
 * whose lineage they belong to, each group is selected on its own
 * percentiles, and the parent pool takes each niche's best in turn. One
 * strong family then no longer decides the thresholds for all the others.
 *
 * MI bounds. CogAlpha's MI >= 0.02 is in the units of its own estimator.
 * Ours (evaluator/metrics/mutualInformation.ts: per-day rank copula, pooled,
 * Miller-Madow corrected) is the Gaussian -0.5 ln(1 - rho^2) for a
 * correlation rho, so 0.02 would demand a daily RankIC near 0.2 and accept
 * nothing: the planted 5-day reversal of the synthetic market (RankIC 0.05)
 * scores 0.013, a good CSI 300 factor 0.002. We keep MI as a fifth,
 * nonlinear criterion through the percentiles, and bound it below at
 * several times the estimator's noise on a 100k-pair panel (about 7e-5):
 * 0.0003 qualified, 0.0005 elite.
 */
import type { AgentMetrics, SplitMetrics } from '../agents/domain.js';

export const SELECTED_METRICS = ['ic', 'icir', 'rankIc', 'rankIcir', 'mi'] as const;
export type SelectedMetric = (typeof SELECTED_METRICS)[number];
export type MetricBounds = Readonly<Record<SelectedMetric, number>>;

export interface SelectionPolicy {
  /** Candidates with a larger share of missing values (train or valid) are discarded. */
  readonly maxNanRatio: number;
  /** Percentile (0..1) of the generation a qualified factor reaches on every metric. */
  readonly qualifiedPercentile: number;
  readonly elitePercentile: number;
  readonly qualifiedBounds: MetricBounds;
  readonly eliteBounds: MetricBounds;
  /** Newey-West t of the oriented train RankIC a non-elite needs to be offered to the librarian. */
  readonly significanceT: number;
  /** Elites carried into the next generation's parents. */
  readonly carriedElites: number;
  /** Most qualified factors kept as parents (CogAlpha: 32). */
  readonly parentPoolSize: number;
}

export const COGALPHA_SELECTION: SelectionPolicy = {
  maxNanRatio: 0.3,
  qualifiedPercentile: 0.65,
  elitePercentile: 0.8,
  qualifiedBounds: { ic: 0.005, icir: 0.05, rankIc: 0.005, rankIcir: 0.05, mi: 0.0003 },
  eliteBounds: { ic: 0.01, icir: 0.1, rankIc: 0.01, rankIcir: 0.1, mi: 0.0005 },
  significanceT: 3,
  carriedElites: 2,
  parentPoolSize: 32,
};

export interface SelectionCandidate {
  readonly id: string;
  readonly metrics: AgentMetrics;
  /** R(τ) (graphs/reward.ts); orders parents and elites. */
  readonly reward: number;
}

export type Verdict =
  | { readonly id: string; readonly kind: 'discarded'; readonly reason: string }
  | {
      readonly id: string;
      readonly kind: 'evaluated' | 'qualified' | 'elite';
      /** +1 or -1: the sign of the train RankIC. */
      readonly orientation: 1 | -1;
      /** Offered to the librarian: an elite whose oriented valid RankIC clears the minimum bound, or another candidate good in absolute terms (see above). */
      readonly generalises: boolean;
      /** Why it is not (further) selected; null for a generalising elite. A generalising qualified factor says why it is not elite. */
      readonly reason: string | null;
    };

export interface SelectionResult {
  readonly verdicts: readonly Verdict[];
  /** The generation's percentile thresholds on the oriented train metrics (null when nobody survived). */
  readonly thresholds: { readonly qualified: MetricBounds; readonly elite: MetricBounds } | null;
  /** Elites that generalise, then the other candidates good in absolute terms, each by reward: what the librarian is offered. */
  readonly toLibrary: readonly string[];
  /** Qualified factors by reward, capped at the parent pool size. */
  readonly parents: readonly string[];
  /** The best elites by reward, carried into the next generation's parents. */
  readonly carried: readonly string[];
}

/** The metrics of one period turned so that the train RankIC is positive (MI, NaN share and days are sign-free). */
export function orientSplit(split: SplitMetrics, orientation: 1 | -1): SplitMetrics {
  const flip = (v: number | null): number | null => (v === null ? null : orientation * v);
  return { ...split, ic: flip(split.ic), icir: flip(split.icir), rankIc: flip(split.rankIc), rankIcir: flip(split.rankIcir), rankIcT: flip(split.rankIcT) };
}

export function orientMetrics(metrics: AgentMetrics, orientation: 1 | -1): AgentMetrics {
  return { train: orientSplit(metrics.train, orientation), valid: orientSplit(metrics.valid, orientation) };
}

/** The sign of the train RankIC, or null when there is none to orient by. */
export function orientationOf(metrics: AgentMetrics): 1 | -1 | null {
  const r = metrics.train.rankIc;
  if (r === null || !Number.isFinite(r) || r === 0) return null;
  return r > 0 ? 1 : -1;
}

/**
 * The q-th percentile (0..1) of `values` with linear interpolation between
 * closest ranks (numpy's default): sorted x, position q*(n-1).
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export function selectGeneration(candidates: readonly SelectionCandidate[], policy: SelectionPolicy = COGALPHA_SELECTION): SelectionResult {
  const verdicts = new Map<string, Verdict>();
  const survivors: Array<{ candidate: SelectionCandidate; orientation: 1 | -1; oriented: AgentMetrics }> = [];
  for (const candidate of candidates) {
    const reason = discardReason(candidate.metrics, policy);
    const orientation = orientationOf(candidate.metrics);
    if (reason !== null || orientation === null) {
      verdicts.set(candidate.id, { id: candidate.id, kind: 'discarded', reason: reason ?? 'no train RankIC to orient by' });
      continue;
    }
    survivors.push({ candidate, orientation, oriented: orientMetrics(candidate.metrics, orientation) });
  }
  if (survivors.length === 0) {
    return { verdicts: candidates.map((c) => verdicts.get(c.id)!), thresholds: null, toLibrary: [], parents: [], carried: [] };
  }

  // A missing metric sits below every threshold.
  const value = (m: SplitMetrics, k: SelectedMetric): number => m[k] ?? -Infinity;
  const thresholdsAt = (q: number): MetricBounds =>
    Object.fromEntries(SELECTED_METRICS.map((k) => [k, percentile(survivors.map((s) => value(s.oriented.train, k)), q)])) as unknown as MetricBounds;
  const qualified = thresholdsAt(policy.qualifiedPercentile);
  const elite = thresholdsAt(policy.elitePercentile);
  const clears = (m: SplitMetrics, percentiles: MetricBounds, bounds: MetricBounds): SelectedMetric | null =>
    SELECTED_METRICS.find((k) => !(value(m, k) >= percentiles[k] && value(m, k) >= bounds[k])) ?? null;

  const noPercentiles = Object.fromEntries(SELECTED_METRICS.map((k) => [k, -Infinity])) as unknown as MetricBounds;
  for (const { candidate, orientation, oriented } of survivors) {
    const validRankIc = oriented.valid.rankIc;
    const trainT = oriented.train.rankIcT;
    const goodOutright =
      clears(oriented.train, noPercentiles, policy.eliteBounds) === null && trainT !== null && trainT >= policy.significanceT && validRankIc !== null && validRankIc >= policy.eliteBounds.rankIc;
    const missQualified = clears(oriented.train, qualified, policy.qualifiedBounds);
    if (missQualified !== null) {
      verdicts.set(candidate.id, { id: candidate.id, kind: 'evaluated', orientation, generalises: goodOutright, reason: shortfall('qualified', missQualified, oriented.train, qualified, policy.qualifiedBounds) });
      continue;
    }
    const missElite = clears(oriented.train, elite, policy.eliteBounds);
    if (missElite !== null) {
      verdicts.set(candidate.id, { id: candidate.id, kind: 'qualified', orientation, generalises: goodOutright, reason: shortfall('elite', missElite, oriented.train, elite, policy.eliteBounds) });
      continue;
    }
    const generalises = validRankIc !== null && validRankIc >= policy.qualifiedBounds.rankIc;
    verdicts.set(candidate.id, {
      id: candidate.id,
      kind: 'elite',
      orientation,
      generalises,
      reason: generalises ? null : `does not generalise: oriented valid RankIC ${fmt(validRankIc)} < ${policy.qualifiedBounds.rankIc}`,
    });
  }

  const byReward = (ids: readonly string[]): string[] => {
    const reward = new Map(candidates.map((c) => [c.id, c.reward]));
    return [...ids].sort((a, b) => reward.get(b)! - reward.get(a)! || (a < b ? -1 : 1));
  };
  const ofKind = (...kinds: Verdict['kind'][]): string[] => [...verdicts.values()].filter((v) => kinds.includes(v.kind)).map((v) => v.id);
  const elites = byReward(ofKind('elite'));
  const generalising = (ids: readonly string[]) => ids.filter((id) => { const v = verdicts.get(id)!; return v.kind !== 'discarded' && v.generalises; });
  return {
    verdicts: candidates.map((c) => verdicts.get(c.id)!),
    thresholds: { qualified, elite },
    toLibrary: [...generalising(elites), ...generalising(byReward(ofKind('qualified', 'evaluated')))],
    parents: byReward(ofKind('qualified', 'elite')).slice(0, policy.parentPoolSize),
    carried: elites.slice(0, policy.carriedElites),
  };
}

function discardReason(metrics: AgentMetrics, policy: SelectionPolicy): string | null {
  for (const split of ['train', 'valid'] as const) {
    const nan = metrics[split].nanRatio;
    if (nan === null || !(nan <= policy.maxNanRatio)) return `${fmt(nan === null ? null : nan * 100, 1)}% missing values on ${split} (> ${policy.maxNanRatio * 100}%)`;
  }
  return null;
}

function shortfall(level: string, metric: SelectedMetric, m: SplitMetrics, percentiles: MetricBounds, bounds: MetricBounds): string {
  const threshold = Math.max(percentiles[metric], bounds[metric]);
  return `not ${level}: oriented train ${metric} ${fmt(m[metric])} < ${fmt(threshold)}`;
}

function fmt(v: number | null, digits = 4): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
}

export interface NicheCandidate extends SelectionCandidate {
  /** The evolutionary lineage it belongs to (the specialist that started it). */
  readonly niche: string;
}

export interface NicheSelectionResult extends Omit<SelectionResult, 'thresholds'> {
  /** Each niche's percentile thresholds (null for a niche where nobody survived). */
  readonly thresholds: Readonly<Record<string, SelectionResult['thresholds']>>;
}

/**
 * selectGeneration within each niche. The librarian is offered every niche's
 * generalising elites then qualified factors, best reward first; the parent
 * pool (at most parentPoolSize) takes the niches' best parents in turn (each
 * niche's first, then each one's second, ...; niches in the order of their
 * best reward); the carried elites are the best `carriedElites` over all niches.
 */
export function selectByNiche(candidates: readonly NicheCandidate[], policy: SelectionPolicy = COGALPHA_SELECTION): NicheSelectionResult {
  const groups = new Map<string, NicheCandidate[]>();
  for (const c of candidates) groups.set(c.niche, [...(groups.get(c.niche) ?? []), c]);
  const reward = new Map(candidates.map((c) => [c.id, c.reward]));
  const byReward = (ids: readonly string[]): string[] => [...ids].sort((a, b) => reward.get(b)! - reward.get(a)! || (a < b ? -1 : 1));
  const results = [...groups].map(([niche, group]) => ({ niche, result: selectGeneration(group, { ...policy, parentPoolSize: Number.MAX_SAFE_INTEGER }) }));
  const verdicts = new Map(results.flatMap(({ result }) => result.verdicts.map((v) => [v.id, v] as const)));
  const eliteIds = byReward([...verdicts.values()].filter((v) => v.kind === 'elite').map((v) => v.id));
  const offered = new Set(results.flatMap(({ result }) => result.toLibrary));
  const offeredElites = eliteIds.filter((id) => offered.has(id));
  // Round robin over niches ordered by their best parent.
  const queues = results.map(({ result }) => [...result.parents]).filter((q) => q.length > 0);
  queues.sort((a, b) => reward.get(b[0]!)! - reward.get(a[0]!)! || (a[0]! < b[0]! ? -1 : 1));
  const parents: string[] = [];
  for (let k = 0; parents.length < policy.parentPoolSize && queues.some((q) => k < q.length); k++) {
    for (const q of queues) if (k < q.length && parents.length < policy.parentPoolSize) parents.push(q[k]!);
  }
  return {
    verdicts: candidates.map((c) => verdicts.get(c.id)!),
    thresholds: Object.fromEntries(results.map(({ niche, result }) => [niche, result.thresholds])),
    toLibrary: [...offeredElites, ...byReward([...offered].filter((id) => !offeredElites.includes(id)))],
    parents,
    carried: eliteIds.slice(0, policy.carriedElites),
  };
}
