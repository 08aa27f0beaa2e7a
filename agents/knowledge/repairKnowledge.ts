/**
 * Co-STEER's knowledge base for code repair: past fixes as (error signature,
 * before, after, worked). It serves two uses:
 *
 *  - a deterministic first pass: a fix that worked for the same signature is
 *    replayed as a text edit (the smallest edit that turned `before` into
 *    `after`, which must contain the offending token), and kept only if the
 *    result compiles, without asking a model;
 *  - retrieval for the model: the fixes most similar by error signature and by
 *    expression tokens, shown in the repair prompt.
 *
 * The records live in the run state (RunStore key REPAIR_KNOWLEDGE_KEY), so a
 * resumed run keeps what it learnt; they are merged by content, so the same
 * outcome reported twice (or by two repair processes) counts once.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FactorError } from '../../operators/errors.js';

export const REPAIR_KNOWLEDGE_KEY = 'code-repair.knowledge';
/** Records kept; the oldest that never worked go first. */
export const MAX_RECORDS = 400;

export const repairRecordSchema = z.strictObject({
  key: z.string().max(64),
  signature: z.string().max(200),
  error: z.string().max(1000),
  before: z.string().max(4000),
  after: z.string().max(2000),
  worked: z.boolean(),
  /** Times this outcome was reported. */
  seen: z.number().int().positive(),
  /** Order of first report, for eviction. */
  order: z.number().int().nonnegative(),
});
export type RepairRecord = z.infer<typeof repairRecordSchema>;

export const repairKnowledgeSchema = z.strictObject({ records: z.array(repairRecordSchema).max(MAX_RECORDS), next: z.number().int().nonnegative() });
export type RepairKnowledgeState = z.infer<typeof repairKnowledgeSchema>;

export interface RepairOutcome {
  readonly error: string;
  readonly before: string;
  readonly after: string;
  readonly worked: boolean;
}

/**
 * The error's signature: the compiler's error code and the text it points at
 * (`unknown_operator:ts_mean`, `unknown_field:$return`), or, for errors the
 * compiler does not reproduce (evaluation failures), the message with numbers
 * and positions blanked.
 */
export function errorSignature(error: string, expression: string, compileError: FactorError | null): string {
  if (compileError !== null) {
    const span = compileError.span;
    const token = span ? expression.slice(span.start, Math.min(span.end, span.start + 60)).trim().toLowerCase() : '';
    return `${compileError.code}:${token}`.slice(0, 200);
  }
  const text = error
    .replace(/^at \d+:\s*/, '')
    .toLowerCase()
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
  return `other:${text}`.slice(0, 200);
}

/** The smallest single edit turning `before` into `after`: common prefix and suffix trimmed. */
export function minimalEdit(before: string, after: string): { readonly removed: string; readonly inserted: string } {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return { removed: before.slice(p, before.length - s), inserted: after.slice(p, after.length - s) };
}

/** The offending token of a signature (`ts_mean` of `unknown_operator:ts_mean`), or '' for `other:` signatures. */
function signatureToken(signature: string): string {
  return signature.startsWith('other:') ? '' : signature.slice(signature.indexOf(':') + 1);
}

/**
 * Replays a worked fix on a new expression: every occurrence of the edit's
 * removed text becomes its inserted text. Null when the edit does not carry
 * over (nothing removed, the removed text is not about the offending token, or
 * it does not occur in the expression).
 */
export function replayFix(record: Pick<RepairRecord, 'signature' | 'before' | 'after'>, expression: string): string | null {
  const { removed, inserted } = minimalEdit(record.before, record.after);
  const token = signatureToken(record.signature);
  if (removed.trim() === '' || token === '' || !removed.toLowerCase().includes(token)) return null;
  if (!expression.includes(removed)) return null;
  return expression.split(removed).join(inserted);
}

const TOKEN = /\$?[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?/g;

export function expressionTokens(expression: string): Set<string> {
  return new Set((expression.match(TOKEN) ?? []).map((t) => t.toLowerCase()));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Similarity of a past fix to a new problem: signature (1 same, 0.5 same error code) plus token overlap of the expressions. */
export function fixSimilarity(record: Pick<RepairRecord, 'signature' | 'before'>, signature: string, expression: string): number {
  const code = (s: string) => s.slice(0, s.indexOf(':'));
  const signatureScore = record.signature === signature ? 1 : code(record.signature) === code(signature) ? 0.5 : 0;
  return signatureScore + jaccard(expressionTokens(record.before), expressionTokens(expression));
}

export function outcomeKey(signature: string, outcome: RepairOutcome): string {
  return createHash('sha256').update(`${signature}\u0000${outcome.before}\u0000${outcome.after}\u0000${outcome.worked}`).digest('hex').slice(0, 32);
}

/** The knowledge base in memory; its state is what the run store holds. */
export class RepairKnowledge {
  private readonly records = new Map<string, RepairRecord>();
  private next: number;

  constructor(state: RepairKnowledgeState = { records: [], next: 0 }) {
    for (const r of state.records) this.records.set(r.key, r);
    this.next = state.next;
  }

  get size(): number {
    return this.records.size;
  }

  /** Adds an outcome; an outcome already known only counts once more. Returns whether it was new. */
  learn(signature: string, outcome: RepairOutcome): boolean {
    const key = outcomeKey(signature, outcome);
    const known = this.records.get(key);
    if (known) {
      this.records.set(key, { ...known, seen: known.seen + 1 });
      return false;
    }
    this.records.set(key, {
      key,
      signature,
      error: outcome.error.slice(0, 1000),
      before: outcome.before.slice(0, 4000),
      after: outcome.after.slice(0, 2000),
      worked: outcome.worked,
      seen: 1,
      order: this.next++,
    });
    this.evict();
    return true;
  }

  /** Merges another copy of the knowledge (another process's write): union by key, larger counts win. */
  merge(state: RepairKnowledgeState): void {
    for (const r of state.records) {
      const known = this.records.get(r.key);
      if (!known || r.seen > known.seen) this.records.set(r.key, known ? { ...r, order: known.order } : r);
    }
    this.next = Math.max(this.next, state.next);
    this.evict();
  }

  /** Worked fixes for exactly this signature, most often confirmed first. */
  workedFor(signature: string): RepairRecord[] {
    return [...this.records.values()].filter((r) => r.worked && r.signature === signature).sort((a, b) => b.seen - a.seen || a.order - b.order);
  }

  /** The `limit` worked fixes most similar to a new problem (Co-STEER's retrieval). */
  similar(signature: string, expression: string, limit: number): RepairRecord[] {
    return [...this.records.values()]
      .filter((r) => r.worked)
      .map((r) => ({ r, score: fixSimilarity(r, signature, expression) }))
      .filter(({ score }) => score > 0)
      .sort((a, b) => b.score - a.score || a.r.order - b.r.order)
      .slice(0, limit)
      .map(({ r }) => r);
  }

  toState(): RepairKnowledgeState {
    return { records: [...this.records.values()].sort((a, b) => a.order - b.order), next: this.next };
  }

  private evict(): void {
    if (this.records.size <= MAX_RECORDS) return;
    const byAge = [...this.records.values()].sort((a, b) => Number(a.worked) - Number(b.worked) || a.order - b.order);
    for (const r of byAge.slice(0, this.records.size - MAX_RECORDS)) this.records.delete(r.key);
  }
}
