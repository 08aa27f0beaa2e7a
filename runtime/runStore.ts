/**
 * RunStore: the run's durable state in JetStream key-value buckets, which
 * survive kill -9 of any process.
 *
 *   state    run state by key (e.g. the supervisor's checkpoint); compare-and-set updates
 *   library  accepted entries keyed by a content hash; create-if-absent, so an
 *            entry is stored exactly once however often it is offered (redelivered
 *            tasks, resumed runs, two members racing)
 *
 * Values are JSON (readable with `nats kv get`). Only the owner role may write;
 * agents' credentials can read.
 */
import { StringCodec, type KV } from 'nats';
import type { z } from 'zod';
import type { Bus } from './bus.js';
import { isWrongRevision } from './jetstreamErrors.js';
import { jetstreamNames } from './subjects.js';

const STATE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.=-]{0,127}$/;
const CONTENT_HASH = /^[A-Za-z0-9_-]{8,128}$/;
const codec = StringCodec();

export interface Versioned<T> {
  readonly value: T;
  readonly revision: number;
}

export class RunStoreError extends Error {
  override readonly name = 'RunStoreError';
}

export class RunStore {
  private constructor(
    private readonly state: KV,
    private readonly library: KV,
  ) {}

  /** Binds to the run's buckets (startBus created them). */
  static async open(bus: Bus): Promise<RunStore> {
    const [state, library] = await Promise.all([
      bus.js.views.kv(jetstreamNames.stateBucket(bus.run), { bindOnly: true }),
      bus.js.views.kv(jetstreamNames.libraryBucket(bus.run), { bindOnly: true }),
    ]);
    return new RunStore(state, library);
  }

  async getState<T>(key: string, schema: z.ZodType<T>): Promise<Versioned<T> | null> {
    const entry = await this.state.get(checkKey(key, STATE_KEY, 'state key'));
    if (entry === null || entry.operation !== 'PUT') return null;
    return { value: parseStored(entry.string(), schema, `state '${key}'`), revision: entry.revision };
  }

  /** Stores a value; with `expectRevision` only if nobody wrote it since (0: only if absent). Returns the new revision. */
  async putState(key: string, value: unknown, expectRevision?: number): Promise<number> {
    checkKey(key, STATE_KEY, 'state key');
    const data = codec.encode(JSON.stringify(value));
    if (expectRevision === undefined) return this.state.put(key, data);
    try {
      return expectRevision === 0 ? await this.state.create(key, data) : await this.state.update(key, data, expectRevision);
    } catch (err) {
      if (isWrongRevision(err)) throw new RunStoreError(`state '${key}' changed since revision ${expectRevision}`);
      throw err;
    }
  }

  /** Adds an entry under its content hash unless one is there: `created` says whether this call stored it. */
  async addLibraryEntry(hash: string, entry: unknown): Promise<{ readonly created: boolean; readonly revision: number }> {
    checkKey(hash, CONTENT_HASH, 'content hash');
    try {
      const revision = await this.library.create(hash, codec.encode(JSON.stringify(entry)));
      return { created: true, revision };
    } catch (err) {
      if (!isWrongRevision(err)) throw err;
      const existing = await this.library.get(hash);
      return { created: false, revision: existing?.revision ?? 0 };
    }
  }

  async getLibraryEntry<T>(hash: string, schema: z.ZodType<T>): Promise<T | null> {
    const entry = await this.library.get(checkKey(hash, CONTENT_HASH, 'content hash'));
    return entry === null || entry.operation !== 'PUT' ? null : parseStored(entry.string(), schema, `library entry '${hash}'`);
  }

  /** Every entry, in the order they were accepted. */
  async listLibrary(): Promise<Array<{ readonly hash: string; readonly value: unknown; readonly revision: number }>> {
    const out: Array<{ hash: string; value: unknown; revision: number }> = [];
    const keys: string[] = [];
    for await (const key of await this.library.keys()) keys.push(key);
    for (const hash of keys) {
      const entry = await this.library.get(hash);
      if (entry !== null && entry.operation === 'PUT') out.push({ hash, value: JSON.parse(entry.string()), revision: entry.revision });
    }
    return out.sort((a, b) => a.revision - b.revision);
  }
}

function checkKey(key: string, pattern: RegExp, kind: string): string {
  if (!pattern.test(key)) throw new RunStoreError(`invalid ${kind} '${key}' (must match ${pattern.source})`);
  return key;
}

function parseStored<T>(text: string, schema: z.ZodType<T>, what: string): T {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new RunStoreError(`stored ${what} does not match its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
