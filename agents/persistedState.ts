/**
 * An agent's learnt state kept in the run state (a RunStore key), so a
 * resumed run, or a second process of the same agent, continues from it.
 *
 * Writes are serialised (one in flight; requests made meanwhile coalesce into
 * the next) and compare-and-set: the stored value is read, merged with ours,
 * and written at the revision read, so two processes of one agent never
 * overwrite each other's learning. Actors call save() from actions and do not
 * wait; flush() waits for the writes asked so far (tests, shutdown).
 */
import type { z } from 'zod';
import { RunStoreError, type RunStore } from '../runtime/runStore.js';

const MAX_CONFLICTS = 8;

export class PersistedState<T> {
  private chain: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(
    private readonly store: RunStore,
    readonly key: string,
    private readonly schema: z.ZodType<T>,
    /** Folds the stored value (null when there is none) into ours and returns what to write. */
    private readonly merge: (stored: T | null) => T,
    private readonly log: (line: string) => void,
  ) {}

  async load(): Promise<T | null> {
    return (await this.store.getState(this.key, this.schema))?.value ?? null;
  }

  /** Asks for a write of the current state (merged with the stored one). */
  save(): void {
    if (this.pending) return;
    this.pending = true;
    this.chain = this.chain.then(async () => {
      this.pending = false;
      try {
        await this.write();
      } catch (err) {
        this.log(`alphaswarm: cannot save ${this.key}: ${(err as Error).message}`);
      }
    });
  }

  /** Resolves when every write asked for so far is done. */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(): Promise<void> {
    for (let conflicts = 0; ; conflicts++) {
      const stored = await this.store.getState(this.key, this.schema);
      const value = this.merge(stored?.value ?? null);
      try {
        await this.store.putState(this.key, value, stored?.revision ?? 0);
        return;
      } catch (err) {
        if (!(err instanceof RunStoreError) || conflicts >= MAX_CONFLICTS) throw err;
      }
    }
  }
}
