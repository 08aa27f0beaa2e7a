/**
 * Hubble's dual-channel retrieval for prompts: positives are the best
 * accepted factors near a specialist's remit (its own, then its family's,
 * then the library's best), negatives are recent rejections near it, with
 * why they failed (then other recent rejections). "Near" is the same
 * specialist, or the family the specialist's remit points to.
 */
import { z } from 'zod';
import type { LibraryEntry } from '../domain.js';
import type { ExampleFactor } from '../roles.js';
import { remitFamily } from './families.js';

/** A remembered rejection (from a candidate.rejected event or the librarian's own decision). */
export const rejectionSchema = z.strictObject({
  specialist: z.string().max(80),
  family: z.string().max(40).nullable(),
  expression: z.string().min(1).max(2000),
  hypothesis: z.string().max(4000),
  stage: z.string().max(40),
  reason: z.string().max(1000),
});
export type Rejection = z.infer<typeof rejectionSchema>;

export const rejectionsStateSchema = z.strictObject({ items: z.array(rejectionSchema).max(1000) });
export const MAX_REJECTIONS = 200;

/** Is the entry or rejection near `about` (a specialist name or a family)? */
function near(about: string, specialist: string, family: string | null): boolean {
  const target = remitFamily(about) ?? about;
  return specialist === about || family === about || (family !== null && family === target);
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 3)}...` : text);
const rankIcOf = (e: LibraryEntry): number => e.metrics.valid.rankIc ?? -Infinity;
const fmt = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(4));

export function positives(library: readonly LibraryEntry[], about: string, count: number): ExampleFactor[] {
  const best = [...library].sort((a, b) => rankIcOf(b) - rankIcOf(a) || a.id.localeCompare(b.id));
  const own = best.filter((e) => e.specialist === about);
  const kin = best.filter((e) => e.specialist !== about && near(about, e.specialist, e.family));
  const rest = best.filter((e) => e.specialist !== about && !near(about, e.specialist, e.family));
  return [...own, ...kin, ...rest].slice(0, count).map((e) => ({
    expression: e.expression,
    hypothesis: cut(e.hypothesis, 4000),
    note: `accepted: valid RankIC ${fmt(e.metrics.valid.rankIc)}, RankICIR ${fmt(e.metrics.valid.rankIcir)}; family ${e.family}; by ${e.specialist}`,
  }));
}

/** `rejections` oldest first, as remembered. */
export function negatives(rejections: readonly Rejection[], about: string, count: number): ExampleFactor[] {
  const seen = new Set<string>();
  const recent = [...rejections].reverse().filter((r) => !seen.has(r.expression) && seen.add(r.expression));
  const close = recent.filter((r) => near(about, r.specialist, r.family));
  const others = recent.filter((r) => !near(about, r.specialist, r.family));
  return [...close, ...others].slice(0, count).map((r) => ({
    expression: r.expression,
    hypothesis: cut(r.hypothesis, 4000),
    note: cut(`rejected at ${r.stage}: ${r.reason}`, 1000),
  }));
}
