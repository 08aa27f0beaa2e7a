/**
 * The library as every agent reads it: entries live in the run's library
 * bucket (create-if-absent by content hash, written only by the librarian);
 * a small index in the run state says which of them the librarian retired
 * (a better, correlated factor replaced them) and bumps a revision on every
 * change, so readers refetch the entries only when something changed.
 */
import { z } from 'zod';
import type { RunStore } from '../../runtime/runStore.js';
import { describeIssues } from '../../runtime/schemas.js';
import { libraryEntrySchema, type LibraryEntry } from '../domain.js';

export const LIBRARY_INDEX_KEY = 'library.index';

export const libraryIndexSchema = z.strictObject({
  /** Bumped by the librarian on every change. */
  revision: z.number().int().nonnegative(),
  /** Content hashes of entries no longer in the library. */
  retired: z.array(z.string()).max(100_000),
});
export type LibraryIndex = z.infer<typeof libraryIndexSchema>;

/** An accepted entry with the content hash it is stored under. */
export interface StoredEntry {
  readonly hash: string;
  readonly entry: LibraryEntry;
}

export const EMPTY_INDEX: LibraryIndex = { revision: 0, retired: [] };

export async function readLibraryIndex(store: RunStore): Promise<LibraryIndex> {
  return (await store.getState(LIBRARY_INDEX_KEY, libraryIndexSchema))?.value ?? EMPTY_INDEX;
}

/**
 * The library's entries in the order they were accepted, retired ones left
 * out. The librarian stores only entries that fit the schema; anything else
 * in the bucket is skipped and reported to `onInvalid`.
 */
export async function readLibrary(store: RunStore, index?: LibraryIndex, onInvalid?: (hash: string, problem: string) => void): Promise<StoredEntry[]> {
  const { retired } = index ?? (await readLibraryIndex(store));
  const gone = new Set(retired);
  const out: StoredEntry[] = [];
  for (const { hash, value } of await store.listLibrary()) {
    if (gone.has(hash)) continue;
    const parsed = libraryEntrySchema.safeParse(value);
    if (parsed.success) out.push({ hash, entry: parsed.data });
    else onInvalid?.(hash, describeIssues(parsed.error.issues));
  }
  return out;
}

/**
 * A reader's copy of the library, refreshed when the librarian's index
 * revision moved (one key read when nothing changed).
 */
export class LibraryView {
  private revision = -1;
  private current: readonly StoredEntry[] = [];

  constructor(private readonly store: RunStore) {}

  async refresh(): Promise<readonly StoredEntry[]> {
    const index = await readLibraryIndex(this.store);
    if (index.revision !== this.revision) {
      this.current = await readLibrary(this.store, index);
      this.revision = index.revision;
    }
    return this.current;
  }

  get entries(): readonly StoredEntry[] {
    return this.current;
  }
}
