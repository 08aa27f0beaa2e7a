/**
 * A durable LangGraph checkpointer over files in the run directory.
 *
 * Why files and not the run's JetStream key-value bucket: the graph state
 * holds every trajectory of the run and grows past the bucket's value limit
 * (the envelope limit, 256 KiB) within a few generations; the run directory
 * is already the unit a resumed run reopens (its nats/ store lives there);
 * and a checkpoint stays readable with a text editor. Each file is written
 * whole under a temporary name and renamed into place, so a process killed
 * at any instant (kill -9) leaves either the old file or the new one, never
 * half of one. (Like the embedded nats-server's store, files are not
 * fsync'ed: a power cut may lose the last checkpoints; a resume then starts
 * from an earlier one and the stable task ids replay the answers.)
 *
 *   <dir>/<thread>/<ns>/<checkpoint id>.json            checkpoint, metadata, parent id
 *   <dir>/<thread>/<ns>/<checkpoint id>.writes/<task>~<idx>.json   pending writes of a superstep
 *
 * Checkpoint ids are uuid6 (time-ordered), so the latest is the largest.
 * Only the last `keep` checkpoints of a namespace are kept: resuming needs
 * the latest; the few before it serve `getStateHistory` for inspection.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  getCheckpointId,
  writesSortKey,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';

interface StoredBlob {
  readonly type: string;
  readonly encoding: 'utf8' | 'base64';
  readonly data: string;
}

interface StoredCheckpoint {
  readonly checkpoint: StoredBlob;
  readonly metadata: StoredBlob;
  readonly parent: string | null;
}

interface StoredWrite {
  readonly taskId: string;
  readonly channel: string;
  readonly idx: number;
  readonly taskPath: string;
  readonly value: StoredBlob;
}

export interface FileCheckpointerOptions {
  /** Checkpoints kept per namespace (at least 1). Default 4. */
  readonly keep?: number;
  readonly serde?: SerializerProtocol;
}

/** A file or directory name for any string: safe characters kept, others %-escaped; '' becomes '%'. */
export function fileToken(value: string): string {
  if (value === '') return '%';
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/^\./, '%2E');
}

function untoken(token: string): string {
  return token === '%' ? '' : decodeURIComponent(token);
}

/** Writes `text` to `path` atomically (temporary name, then rename). */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export class FileCheckpointer extends BaseCheckpointSaver {
  readonly #keep: number;

  constructor(
    readonly dir: string,
    options: FileCheckpointerOptions = {},
  ) {
    super(options.serde);
    this.#keep = Math.max(1, options.keep ?? 4);
    mkdirSync(dir, { recursive: true });
  }

  #nsDir(threadId: string, ns: string): string {
    return join(this.dir, fileToken(threadId), fileToken(ns));
  }

  async #blob(value: unknown): Promise<StoredBlob> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    const text = Buffer.from(bytes).toString('utf8');
    // JSON and text round-trip through UTF-8; anything else is kept byte for byte.
    return Buffer.from(text, 'utf8').equals(Buffer.from(bytes)) ? { type, encoding: 'utf8', data: text } : { type, encoding: 'base64', data: Buffer.from(bytes).toString('base64') };
  }

  async #unblob(blob: StoredBlob): Promise<unknown> {
    return this.serde.loadsTyped(blob.type, blob.encoding === 'utf8' ? blob.data : new Uint8Array(Buffer.from(blob.data, 'base64')));
  }

  /** Checkpoint ids of a namespace, newest first. */
  #ids(threadId: string, ns: string): string[] {
    let names: string[];
    try {
      names = readdirSync(this.#nsDir(threadId, ns));
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => untoken(n.slice(0, -'.json'.length)))
      .sort()
      .reverse();
  }

  #read(threadId: string, ns: string, id: string): StoredCheckpoint | null {
    try {
      return JSON.parse(readFileSync(join(this.#nsDir(threadId, ns), `${fileToken(id)}.json`), 'utf8')) as StoredCheckpoint;
    } catch {
      return null;
    }
  }

  async #writesOf(threadId: string, ns: string, id: string): Promise<CheckpointPendingWrite[]> {
    const dir = join(this.#nsDir(threadId, ns), `${fileToken(id)}.writes`);
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const stored = names.map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as StoredWrite);
    stored.sort((a, b) => compareWritesSortKeys(writesSortKey(a.taskPath, a.taskId, a.idx), writesSortKey(b.taskPath, b.taskId, b.idx)));
    return Promise.all(stored.map(async (w): Promise<CheckpointPendingWrite> => [w.taskId, w.channel, await this.#unblob(w.value)]));
  }

  async #tuple(threadId: string, ns: string, id: string, stored: StoredCheckpoint): Promise<CheckpointTuple> {
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: id } },
      checkpoint: (await this.#unblob(stored.checkpoint)) as Checkpoint,
      metadata: (await this.#unblob(stored.metadata)) as CheckpointMetadata,
      pendingWrites: await this.#writesOf(threadId, ns, id),
    };
    if (stored.parent !== null) tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: stored.parent } };
    return tuple;
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = requireThread(config, 'read a checkpoint');
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const wanted = getCheckpointId(config);
    for (const id of wanted ? [wanted] : this.#ids(threadId, ns)) {
      const stored = this.#read(threadId, ns, id);
      if (stored !== null) return this.#tuple(threadId, ns, id, stored);
      if (wanted) return undefined;
    }
    return undefined;
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const threadIds = config.configurable?.thread_id !== undefined ? [String(config.configurable.thread_id)] : this.#entries(this.dir).map(untoken);
    const wantedNs = config.configurable?.checkpoint_ns as string | undefined;
    const wantedId = getCheckpointId(config);
    const before = options.before?.configurable?.checkpoint_id as string | undefined;
    let remaining = options.limit ?? Infinity;
    for (const threadId of threadIds) {
      const namespaces = wantedNs !== undefined ? [wantedNs] : this.#entries(join(this.dir, fileToken(threadId))).map(untoken);
      for (const ns of namespaces) {
        for (const id of this.#ids(threadId, ns)) {
          if (remaining <= 0) return;
          if ((wantedId && id !== wantedId) || (before !== undefined && id >= before)) continue;
          const stored = this.#read(threadId, ns, id);
          if (stored === null) continue;
          const tuple = await this.#tuple(threadId, ns, id, stored);
          if (options.filter && !Object.entries(options.filter).every(([k, v]) => (tuple.metadata as Record<string, unknown>)[k] === v)) continue;
          remaining--;
          yield tuple;
        }
      }
    }
  }

  #entries(dir: string): string[] {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
  }

  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, _newVersions: ChannelVersions): Promise<RunnableConfig> {
    const threadId = requireThread(config, 'store a checkpoint');
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const dir = this.#nsDir(threadId, ns);
    mkdirSync(dir, { recursive: true });
    const stored: StoredCheckpoint = {
      checkpoint: await this.#blob(checkpoint),
      metadata: await this.#blob(metadata),
      parent: (config.configurable?.checkpoint_id as string | undefined) ?? null,
    };
    writeFileAtomic(join(dir, `${fileToken(checkpoint.id)}.json`), JSON.stringify(stored));
    this.#prune(threadId, ns);
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  #prune(threadId: string, ns: string): void {
    const dir = this.#nsDir(threadId, ns);
    for (const id of this.#ids(threadId, ns).slice(this.#keep)) {
      rmSync(join(dir, `${fileToken(id)}.writes`), { recursive: true, force: true });
      rmSync(join(dir, `${fileToken(id)}.json`), { force: true });
    }
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const threadId = requireThread(config, 'store writes');
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const checkpointId = config.configurable?.checkpoint_id as string | undefined;
    if (checkpointId === undefined) throw new Error('FileCheckpointer: cannot store writes without a checkpoint_id');
    const dir = join(this.#nsDir(threadId, ns), `${fileToken(checkpointId)}.writes`);
    mkdirSync(dir, { recursive: true });
    const existing = new Set(readdirSync(dir));
    await Promise.all(
      writes.map(async ([channel, value], k) => {
        const idx = WRITES_IDX_MAP[channel] ?? k;
        const name = `${fileToken(taskId)}~${idx}.json`;
        // A regular write is stored once (a replayed task does not overwrite it); special ones (error, interrupt, resume) are replaced.
        if (idx >= 0 && existing.has(name)) return;
        const stored: StoredWrite = { taskId, channel, idx, taskPath, value: await this.#blob(value) };
        writeFileAtomic(join(dir, name), JSON.stringify(stored));
      }),
    );
  }

  async deleteThread(threadId: string): Promise<void> {
    rmSync(join(this.dir, fileToken(threadId)), { recursive: true, force: true });
  }
}

function requireThread(config: RunnableConfig, what: string): string {
  const threadId = config.configurable?.thread_id;
  if (typeof threadId !== 'string' || threadId === '') throw new Error(`FileCheckpointer: cannot ${what} without a thread_id`);
  return threadId;
}
