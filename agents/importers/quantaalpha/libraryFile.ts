/**
 * QuantaAlpha's factor library file (their factor_library JSON):
 *
 *   {"metadata": {...}, "factors": {ID: {factor_id, factor_name, factor_expression,
 *     factor_description, metadata: {hypothesis, trajectory_id, parent_trajectory_ids,
 *     round_number, evolution_phase, ...}, backtest_results, feedback}}}
 *
 * A file of another shape is refused as a whole with one line; an entry
 * without a usable expression is listed as invalid and the rest go on.
 */
import { z } from 'zod';

/** Input the user can fix (not a library, unreadable): one line. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

export interface QaFactorRecord {
  /** factor_id, or the entry's key when it has none. */
  readonly id: string;
  readonly name: string;
  readonly expression: string;
  readonly description: string;
  readonly hypothesis: string;
  /** '' when the library has none (AlphaAgent's). */
  readonly trajectoryId: string;
  readonly parentTrajectoryIds: readonly string[];
  /** round_number: the evolution round that produced it. */
  readonly round: number;
  /** original | mutation | crossover, when given. */
  readonly phase: string | null;
}

export interface QaInvalidEntry {
  readonly id: string;
  readonly reason: string;
}

export interface QaLibraryFile {
  readonly records: readonly QaFactorRecord[];
  readonly invalid: readonly QaInvalidEntry[];
}

const MAX_ID = 64;

const entrySchema = z.object({
  factor_id: z.string().min(1).max(MAX_ID).optional(),
  factor_name: z.string().optional(),
  factor_expression: z.string(),
  factor_description: z.string().optional(),
  metadata: z
    .object({
      hypothesis: z.string().optional(),
      trajectory_id: z.string().max(MAX_ID).optional(),
      parent_trajectory_ids: z.array(z.string().max(MAX_ID)).optional(),
      round_number: z.number().int().nonnegative().optional(),
      evolution_phase: z.string().optional(),
    })
    .optional(),
});

const SHAPE = '{"factors": {ID: {"factor_expression": ..., ...}}}';

export function readQuantaAlphaLibrary(text: string): QaLibraryFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`not JSON (${error instanceof Error ? error.message : String(error)}): a QuantaAlpha library is ${SHAPE}`);
  }
  const factors = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>).factors : undefined;
  if (typeof factors !== 'object' || factors === null || Array.isArray(factors)) {
    throw new ImportError(`not a QuantaAlpha library: no "factors" object (expected ${SHAPE})`);
  }
  const entries = Object.entries(factors as Record<string, unknown>);
  if (entries.length > 0 && !entries.some(([, v]) => typeof v === 'object' && v !== null && 'factor_expression' in v)) {
    throw new ImportError(`not a QuantaAlpha library: no entry of "factors" has a "factor_expression" (expected ${SHAPE})`);
  }
  const records: QaFactorRecord[] = [];
  const invalid: QaInvalidEntry[] = [];
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    const parsed = entrySchema.safeParse(value);
    const id = parsed.success ? (parsed.data.factor_id ?? key) : key;
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      invalid.push({ id, reason: `${issue.path.join('.') || 'entry'}: ${issue.message}`.replace(/[\r\n]+/g, ' ') });
      continue;
    }
    if (id.length > MAX_ID) {
      invalid.push({ id: id.slice(0, MAX_ID), reason: `id is ${id.length} characters long; library ids have at most ${MAX_ID}` });
      continue;
    }
    if (seen.has(id)) {
      invalid.push({ id, reason: `factor_id ${id} is used by an earlier entry too` });
      continue;
    }
    seen.add(id);
    const f = parsed.data;
    records.push({
      id,
      name: f.factor_name ?? id,
      expression: f.factor_expression,
      description: f.factor_description ?? '',
      hypothesis: f.metadata?.hypothesis ?? '',
      trajectoryId: f.metadata?.trajectory_id ?? '',
      parentTrajectoryIds: f.metadata?.parent_trajectory_ids ?? [],
      round: f.metadata?.round_number ?? 0,
      phase: f.metadata?.evolution_phase ?? null,
    });
  }
  return { records, invalid };
}
