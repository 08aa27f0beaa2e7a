/**
 * A factor library as JSON: an array of entries, each with at least an
 * `expression` (library.json of a mining run stores agents/domain.ts's
 * LibraryEntry; libraries from elsewhere may carry only a name and an
 * expression). Read loosely, so any such array works; what the report uses
 * beyond the expression (name, family, metrics, trajectory) is optional.
 */
import { z } from 'zod';

const metric = z.number().nullable().optional();
const splitMetrics = z.object({ ic: metric, icir: metric, rankIc: metric, rankIcir: metric, rankIcT: metric }).partial();

export const libraryFileEntrySchema = z.object({
  expression: z.string().min(1),
  id: z.string().optional(),
  name: z.string().optional(),
  family: z.string().optional(),
  origin: z.string().optional(),
  trajectory: z.string().optional(),
  parents: z.array(z.string()).optional(),
  generation: z.number().optional(),
  metrics: z.object({ train: splitMetrics.optional(), valid: splitMetrics.optional() }).nullable().optional(),
});
export type LibraryFileEntry = z.infer<typeof libraryFileEntrySchema>;

/** The entries of a parsed library.json, or a one-line reason it is not one. */
export function parseLibraryJson(value: unknown, where: string): LibraryFileEntry[] {
  if (!Array.isArray(value)) throw new TypeError(`${where}: a library file is a JSON array of entries with an "expression"`);
  if (value.length === 0) throw new TypeError(`${where}: the library is empty`);
  return value.map((entry, k) => {
    const parsed = libraryFileEntrySchema.safeParse(entry);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`${where}: entry ${k}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
  });
}

/** The name a report shows for an entry: its name, else its id, else its position. */
export function entryName(entry: LibraryFileEntry, index: number): string {
  return entry.name ?? entry.id ?? `factor${index + 1}`;
}
