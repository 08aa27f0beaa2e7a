/**
 * The librarian's acceptance decision for one batch of elite candidates,
 * as a pure function of the library, the candidates and their output
 * correlations on the valid period.
 *
 * Candidates are taken best first (valid RankIC, as stored: oriented). Each
 * must clear a bar, Hubble's penalties raising it:
 *
 *   bar = minValidRankIc
 *       + familyPenalty     * max(0, share of its family in the library - familyShareCap)
 *       + similarityPenalty * its largest common-subtree share with a library factor
 *
 * (the family term applies once the library has familyMinLibrary entries).
 * Then QuantaAlpha's output-correlation redundancy: a candidate whose |corr|
 * on valid with an accepted factor (already in the library, or accepted
 * earlier in this batch) exceeds correlationThreshold is kept only if its
 * valid RankIC is higher than every such factor's; the library factors it
 * beats are retired. So the library never holds two factors correlated above
 * the threshold, whichever order they came in.
 *
 * A candidate already stored under its hash with its id (a redelivered or
 * resumed batch) is accepted again without a second decision; only the
 * retirements it causes are repeated, in case the first delivery stopped
 * before recording them.
 */
import type { Node } from '../../operators/ast.js';
import { maxSimilarity } from '../../operators/similarity.js';
import { nodeCount } from '../../operators/measure.js';
import type { LibraryEntry } from '../domain.js';
import type { CorrelatePair } from '../protocol.js';

export interface AcceptancePolicy {
  /** Base bar on valid RankIC (CogAlpha's minimum RankIC bound). */
  readonly minValidRankIc: number;
  /** Output-correlation redundancy threshold (|Pearson| on valid). */
  readonly correlationThreshold: number;
  /** Share of the library one family may hold before its bar rises. */
  readonly familyShareCap: number;
  /** Bar increase per unit of share above the cap. */
  readonly familyPenalty: number;
  /** Library size from which the family term applies. */
  readonly familyMinLibrary: number;
  /** Bar increase per unit of structural similarity to the library. */
  readonly similarityPenalty: number;
}

export const DEFAULT_ACCEPTANCE_POLICY: AcceptancePolicy = {
  minValidRankIc: 0.005,
  correlationThreshold: 0.7,
  familyShareCap: 0.3,
  familyPenalty: 0.05,
  familyMinLibrary: 5,
  similarityPenalty: 0.01,
};

/** An accepted factor as the decision sees it. */
export interface Held {
  readonly hash: string;
  readonly entry: LibraryEntry;
  readonly ast: Node;
}

/** A candidate ready for the decision: its entry normalised (expanded expression, family, name). */
export interface Prepared extends Held {
  /** Already stored under its hash with this id (a redelivered or resumed batch). */
  readonly stored: boolean;
}

export interface Decision {
  readonly accept: readonly Prepared[];
  readonly retire: readonly { readonly hash: string; readonly id: string; readonly by: string }[];
  readonly reject: readonly { readonly id: string; readonly reason: string }[];
}

const rankIcOf = (e: LibraryEntry): number => e.metrics.valid.rankIc ?? -Infinity;
const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

export function decideAcceptance(library: readonly Held[], candidates: readonly Prepared[], pairs: readonly CorrelatePair[], policy: AcceptancePolicy = DEFAULT_ACCEPTANCE_POLICY): Decision {
  const correlation = new Map<string, Map<string, number>>();
  const note = (a: string, b: string, r: number): void => {
    if (a === b) return;
    if (!correlation.has(a)) correlation.set(a, new Map());
    correlation.get(a)!.set(b, r);
  };
  for (const p of pairs) {
    note(p.a, p.b, p.pearson);
    note(p.b, p.a, p.pearson);
  }

  // The library as it stands while the batch is decided: id -> held factor.
  const held = new Map<string, Held>(library.map((h) => [h.entry.id, h]));
  const accept: Prepared[] = [];
  const retire: { hash: string; id: string; by: string }[] = [];
  const reject: { id: string; reason: string }[] = [];
  const ordered = [...candidates].sort((a, b) => rankIcOf(b.entry) - rankIcOf(a.entry) || a.entry.id.localeCompare(b.entry.id));

  for (const c of ordered) {
    const id = c.entry.id;
    if (c.stored && !held.has(id)) {
      reject.push({ id, reason: `replaced by ${retire.find((r) => r.id === id)?.by ?? 'a better factor'}, correlated with it and better on valid RankIC` });
      continue;
    }
    const others = [...held.values()].filter((h) => h.entry.id !== id);
    const rankIc = rankIcOf(c.entry);

    // Hubble's family-aware and similarity penalties.
    const reasons: string[] = [];
    let bar = policy.minValidRankIc;
    if (others.length >= policy.familyMinLibrary) {
      const share = others.filter((h) => h.entry.family === c.entry.family).length / others.length;
      const excess = Math.max(0, share - policy.familyShareCap);
      if (excess > 0) {
        bar += policy.familyPenalty * excess;
        reasons.push(`family '${c.entry.family}' holds ${(share * 100).toFixed(0)}% of the library: +${fmt(policy.familyPenalty * excess)}`);
      }
    }
    const match = maxSimilarity(c.ast, others.map((h) => h.ast));
    if (match !== null) {
      const similarity = match.size / nodeCount(c.ast);
      bar += policy.similarityPenalty * similarity;
      if (similarity > 0) reasons.push(`structural similarity ${similarity.toFixed(2)} to ${others[match.index]!.entry.id}: +${fmt(policy.similarityPenalty * similarity)}`);
    }
    // A candidate already stored (a redelivered batch) was accepted before: only its retirements may be unfinished.
    if (!c.stored && !(rankIc >= bar)) {
      reject.push({ id, reason: `valid RankIC ${fmt(rankIc)} is below the bar ${fmt(bar)}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}` });
      continue;
    }

    // QuantaAlpha's output-correlation redundancy: keep the higher valid RankIC.
    const redundant = [...(correlation.get(id) ?? [])]
      .filter(([other, r]) => Math.abs(r) > policy.correlationThreshold && held.has(other) && other !== id)
      .map(([other, r]) => ({ other: held.get(other)!, r }));
    const better = c.stored ? undefined : redundant.find(({ other }) => rankIcOf(other.entry) >= rankIc);
    if (better) {
      reject.push({
        id,
        reason: `redundant with ${better.other.entry.id} (|corr| ${Math.abs(better.r).toFixed(2)} on valid above ${policy.correlationThreshold}), whose valid RankIC ${fmt(rankIcOf(better.other.entry))} is not lower than ${fmt(rankIc)}`,
      });
      continue;
    }
    // Batch candidates come best first, so what it beats is already in the library.
    for (const { other } of redundant) {
      held.delete(other.entry.id);
      retire.push({ hash: other.hash, id: other.entry.id, by: id });
    }
    held.set(id, c);
    accept.push(c);
  }
  return { accept, retire, reject };
}
