/**
 * Translated factors as library entries (agents/domain.ts libraryEntrySchema):
 * their id, name, hypothesis and description, our canonical expression,
 * origin `imported`, specialist `imported:quantaalpha:<model>`, their round
 * as the generation, their trajectory and the parent trajectories that are
 * part of the same import, our metrics and complexity. Texts longer than the
 * schema allows are cut, and the cut is reported.
 */
import type { AgentMetrics, LibraryEntry } from '../domain.js';
import { libraryEntrySchema } from '../domain.js';
import { deriveFamily } from './family.js';
import type { ImportedFactor } from './quantaalpha/importLibrary.js';

export interface EntryOptions {
  /** Where the factors came from, e.g. `quantaalpha_gpt_csi300` (at most 58 characters): the specialist becomes `imported:quantaalpha:<model>`. */
  readonly model: string;
}

export interface BuiltEntries {
  readonly entries: readonly LibraryEntry[];
  /** Per factor id: what was changed to fit the schema (texts cut). */
  readonly notes: ReadonlyMap<string, readonly string[]>;
}

const LIMITS = { name: 120, hypothesis: 4000, description: 4000, parents: 8 } as const;

function cut(text: string, limit: number, what: string, notes: string[]): string {
  if (text.length <= limit) return text;
  notes.push(`${what} cut from ${text.length} to ${limit} characters`);
  return text.slice(0, limit);
}

/**
 * `factors` are the translated ones, each with its metrics at the same index.
 * Throws if an entry breaks the schema (a bug here, not the user's input).
 */
export function libraryEntries(factors: readonly ImportedFactor[], metrics: readonly AgentMetrics[], options: EntryOptions): BuiltEntries {
  const trajectoryOf = (f: ImportedFactor): string => (f.record?.trajectoryId ? f.record.trajectoryId : f.id);
  const trajectories = new Set(factors.map(trajectoryOf));
  const noteMap = new Map<string, string[]>();
  const entries = factors.map((factor, i) => {
    const { record, compiled } = factor;
    if (!record || !compiled || factor.status !== 'translated') throw new TypeError(`factor ${factor.id} is not a translated factor`);
    const notes: string[] = [];
    const parents = [...new Set(record.parentTrajectoryIds)].filter((p) => trajectories.has(p));
    if (parents.length > LIMITS.parents) notes.push(`parents cut from ${parents.length} to ${LIMITS.parents}`);
    const entry: LibraryEntry = {
      id: factor.id,
      name: cut(record.name, LIMITS.name, 'name', notes),
      expression: compiled.canonical,
      hypothesis: cut(record.hypothesis, LIMITS.hypothesis, 'hypothesis', notes),
      description: cut(record.description, LIMITS.description, 'description', notes),
      family: deriveFamily(compiled.ast),
      specialist: `imported:quantaalpha:${options.model}`,
      origin: 'imported',
      parents: parents.slice(0, LIMITS.parents),
      generation: record.round,
      trajectory: trajectoryOf(factor),
      metrics: metrics[i]!,
      complexity: compiled.complexity.score,
    };
    if (notes.length > 0) noteMap.set(factor.id, notes);
    return libraryEntrySchema.parse(entry);
  });
  return { entries, notes: noteMap };
}
