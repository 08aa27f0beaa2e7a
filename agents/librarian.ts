/**
 * The librarian: the only writer of the library, and its memory for prompts.
 *
 *   idle --library.accept--> reading --> correlating --> deciding --> writing --> answering --> idle
 *        --library.retrieve--> retrieving -------------------------------------> answering
 *   (reading, correlating, writing, retrieving --error--> failing --> idle)
 *
 * Accepting a batch of elite candidates:
 *   reading      the library (entries + retired index) and each candidate
 *                normalised: expression compiled with library references
 *                expanded (library.json holds only expanded canonical text),
 *                family tag from its structure and specialist, a reference
 *                name unique in the library and distinct from data fields;
 *                a factor already stored under its hash with the same id is
 *                a redelivery (accepted again, nothing written twice)
 *   correlating  output correlations on valid, candidates with each other and
 *                with the library (the evaluator's correlate.request)
 *   deciding     agents/library/acceptance.ts: Hubble's family-aware and
 *                similarity penalties on the bar, QuantaAlpha's "keep the
 *                higher valid RankIC" redundancy
 *   writing      new entries create-if-absent by content hash (exactly one
 *                entry per factor however often the batch comes), then the
 *                index (retired entries, revision) by compare-and-set
 *
 * Retrieval serves Hubble's positives (best accepted near a specialist) and
 * negatives (recent rejections near it, from candidate.rejected events and
 * the librarian's own decisions, kept in the run state).
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { z } from 'zod';
import type { Bus } from '../runtime/bus.js';
import { fail, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import type { RunStore } from '../runtime/runStore.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { describeIssues } from '../runtime/schemas.js';
import { libraryEntrySchema, type LibraryEntry, type Trajectory } from './domain.js';
import { DEFAULT_ACCEPTANCE_POLICY, decideAcceptance, type AcceptancePolicy, type Decision, type Held, type Prepared } from './library/acceptance.js';
import { familyOf } from './library/families.js';
import { LIBRARY_INDEX_KEY, libraryIndexSchema, readLibrary, type StoredEntry } from './library/libraryStore.js';
import { MAX_REJECTIONS, negatives, positives, rejectionsStateSchema, type Rejection } from './library/retrieval.js';
import { ReferenceTable, referenceName } from './libraryReferences.js';
import { compileOptionsOf, errorMessage, oneLine, type SwarmEnvironment } from './modelCall.js';
import { PersistedState } from './persistedState.js';
import {
  CANDIDATE_REJECTED,
  EVALUATOR,
  LIBRARIAN,
  correlateResultSchema,
  type acceptTaskSchema,
  type acceptResultSchema,
  type retrieveTaskSchema,
} from './protocol.js';

export type AcceptTask = z.infer<typeof acceptTaskSchema>;
export type AcceptResult = z.infer<typeof acceptResultSchema>;
export type RetrieveTask = z.infer<typeof retrieveTaskSchema>;

export const LIBRARY_RETRIEVE = 'library.retrieve';
export const LIBRARY_RETRIEVED = 'library.retrieved';
export const REJECTIONS_KEY = 'librarian.rejections';

export const LIBRARIAN_IDENTITY: AgentIdentity = {
  role: 'librarian',
  name: LIBRARIAN.queue,
  level: null,
  capabilities: ['library-writer', 'family-tags', 'redundancy', 'positive-negative-retrieval'],
  version: '1.0.0',
};

export interface LibrarianDeps {
  /** For the evaluator's correlation checks. */
  readonly bus: Bus;
  readonly store: RunStore;
  readonly env: SwarmEnvironment;
  readonly log: (line: string) => void;
  readonly policy?: Partial<AcceptancePolicy>;
  /** How long to wait for the evaluator's correlations. Default 10 minutes. */
  readonly correlateTimeoutMs?: number;
}

// ---- reading: normalising a batch ----

export interface Reading {
  readonly library: readonly Held[];
  readonly prepared: readonly Prepared[];
  readonly rejected: readonly { readonly id: string; readonly reason: string }[];
}

/**
 * The library's factors compiled, and each candidate normalised or rejected
 * (does not compile, the same factor as another entry, or retired before).
 */
export function readBatch(entries: readonly StoredEntry[], retired: ReadonlySet<string>, task: AcceptTask, env: SwarmEnvironment): Reading {
  const options = compileOptionsOf(env);
  const plain = new ReferenceTable([], options);
  const library: Held[] = entries.flatMap(({ hash, entry }) => {
    const compiled = plain.compile(entry.expression);
    return compiled.ok ? [{ hash, entry, ast: compiled.ast }] : [];
  });
  const byHash = new Map(library.map((h) => [h.hash, h]));
  const references = new ReferenceTable(entries.map((e) => e.entry), options);
  const taken = new Set(entries.map((e) => e.entry.name.toLowerCase()));
  const inBatch = new Map<string, string>();
  const prepared: Prepared[] = [];
  const rejected: { id: string; reason: string }[] = [];
  for (const { entry } of task.candidates) {
    const compiled = references.compile(entry.expression);
    if (!compiled.ok) {
      rejected.push({ id: entry.id, reason: oneLine(`does not compile: ${compiled.error.message}`) });
      continue;
    }
    const known = byHash.get(compiled.hash);
    if (known && known.entry.id === entry.id) {
      prepared.push({ ...known, stored: true });
      continue;
    }
    if (known) {
      rejected.push({ id: entry.id, reason: `the same factor as library entry ${known.entry.id}` });
      continue;
    }
    if (retired.has(compiled.hash)) {
      rejected.push({ id: entry.id, reason: 'the same factor was retired from the library, replaced by a better correlated one' });
      continue;
    }
    const twin = inBatch.get(compiled.hash);
    if (twin !== undefined) {
      rejected.push({ id: entry.id, reason: `the same factor as candidate ${twin} of this batch` });
      continue;
    }
    inBatch.set(compiled.hash, entry.id);
    const name = referenceName(entry.name, taken, options.fields);
    taken.add(name);
    // The canonical text of an expanded expression can outgrow what an entry may hold.
    const normalised = libraryEntrySchema.safeParse({
      ...entry,
      name,
      expression: compiled.canonical,
      family: familyOf(compiled.ast, entry.specialist),
      complexity: compiled.complexity.score,
    } satisfies LibraryEntry);
    if (!normalised.success) {
      rejected.push({ id: entry.id, reason: oneLine(`cannot be stored: ${describeIssues(normalised.error.issues)}`) });
      continue;
    }
    prepared.push({ hash: compiled.hash, entry: normalised.data, ast: compiled.ast, stored: false });
  }
  return { library, prepared, rejected };
}

// ---- the memory of rejections (negative retrieval) ----

export class RejectionMemory {
  private items: Rejection[] = [];
  private loaded: Promise<void> | null = null;
  private readonly state: PersistedState<z.infer<typeof rejectionsStateSchema>>;

  constructor(store: RunStore, log: (line: string) => void) {
    this.state = new PersistedState(store, REJECTIONS_KEY, rejectionsStateSchema, () => ({ items: this.items }), log);
  }

  /** Loads what the run remembered (once); rejections noted before that come after it. */
  load(): Promise<void> {
    this.loaded ??= this.state.load().then((stored) => {
      this.items = [...(stored?.items ?? []), ...this.items].slice(-MAX_REJECTIONS);
    });
    return this.loaded;
  }

  note(rejections: readonly Rejection[]): void {
    if (rejections.length === 0) return;
    this.items = [...this.items, ...rejections].slice(-MAX_REJECTIONS);
    this.state.save();
  }

  /** A candidate.rejected trajectory, if it got as far as an expression. */
  noteTrajectory(t: Trajectory): void {
    if (t.expression === null) return;
    this.note([
      {
        specialist: t.specialist,
        family: t.family,
        expression: t.expression,
        hypothesis: t.hypothesis,
        stage: t.rejection?.stage ?? t.status,
        reason: t.rejection?.reason ?? 'rejected',
      },
    ]);
  }

  get all(): readonly Rejection[] {
    return this.items;
  }

  flush(): Promise<void> {
    return this.state.flush();
  }
}

// ---- the agent ----

interface LibrarianContext {
  task: Envelope<AcceptTask | RetrieveTask> | null;
  reading: Reading | null;
  pairs: z.infer<typeof correlateResultSchema>['pairs'];
  decision: Decision | null;
  answer: { readonly type: string; readonly payload: unknown } | null;
  failure: string | null;
}

const cleared = { task: null, reading: null, pairs: [], decision: null, answer: null, failure: null };

export function librarianMachine(deps: LibrarianDeps, memory: RejectionMemory = new RejectionMemory(deps.store, deps.log)) {
  const policy: AcceptancePolicy = { ...DEFAULT_ACCEPTANCE_POLICY, ...deps.policy };

  async function read(task: AcceptTask): Promise<Reading> {
    const index = (await deps.store.getState(LIBRARY_INDEX_KEY, libraryIndexSchema))?.value ?? { revision: 0, retired: [] };
    return readBatch(await readLibrary(deps.store, index), new Set(index.retired), task, deps.env);
  }

  async function correlate(reading: Reading): Promise<LibrarianContext['pairs']> {
    if (reading.prepared.length === 0 || reading.prepared.length + reading.library.length < 2) return [];
    const answer = await deps.bus.request(
      EVALUATOR.queue,
      'correlate.request',
      { candidates: reading.prepared.map((p) => ({ id: p.entry.id, expression: p.entry.expression })), minAbs: policy.correlationThreshold },
      { timeoutMs: deps.correlateTimeoutMs ?? 600_000, from: LIBRARIAN.queue },
    );
    const result = correlateResultSchema.parse(answer.payload);
    if (result.errors.length > 0) throw new Error(`the evaluator could not compute ${result.errors.map((e) => `${e.id} (${e.error})`).join(', ').slice(0, 800)}`);
    return result.pairs;
  }

  /** Writes the decision; returns the library's size after it. */
  async function write(reading: Reading, decision: Decision): Promise<number> {
    for (const p of decision.accept) if (!p.stored) await deps.store.addLibraryEntry(p.hash, p.entry);
    const changed = decision.retire.length > 0 || decision.accept.some((p) => !p.stored);
    if (changed) {
      const stored = await deps.store.getState(LIBRARY_INDEX_KEY, libraryIndexSchema);
      const index = stored?.value ?? { revision: 0, retired: [] };
      const retired = [...new Set([...index.retired, ...decision.retire.map((r) => r.hash)])];
      await deps.store.putState(LIBRARY_INDEX_KEY, { revision: index.revision + 1, retired }, stored?.revision ?? 0);
    }
    const byId = new Map(reading.prepared.map((p) => [p.entry.id, p]));
    memory.note(
      decision.reject.flatMap(({ id, reason }) => {
        const p = byId.get(id);
        return p ? [{ specialist: p.entry.specialist, family: p.entry.family, expression: p.entry.expression, hypothesis: p.entry.hypothesis, stage: 'library', reason }] : [];
      }),
    );
    const kept = reading.library.filter((h) => !decision.retire.some((r) => r.hash === h.hash)).length;
    return kept + decision.accept.filter((p) => !p.stored).length;
  }

  async function retrieve(task: RetrieveTask): Promise<unknown> {
    await memory.load();
    const library = (await readLibrary(deps.store)).map((e) => e.entry);
    return { positives: positives(library, task.about, task.positives), negatives: negatives(memory.all, task.about, task.negatives) };
  }

  return setup({
    types: { context: {} as LibrarianContext, events: {} as BusEvent<AcceptTask> | BusEvent<RetrieveTask> | BusEvent<{ trajectory: Trajectory }> },
    actors: {
      read: fromPromise<Reading, AcceptTask>(async ({ input }) => {
        await memory.load();
        return read(input);
      }),
      correlate: fromPromise<LibrarianContext['pairs'], Reading>(({ input }) => correlate(input)),
      write: fromPromise<number, { reading: Reading; decision: Decision }>(({ input }) => write(input.reading, input.decision)),
      retrieve: fromPromise<unknown, RetrieveTask>(({ input }) => retrieve(input)),
    },
  }).createMachine({
    id: LIBRARIAN.queue,
    context: { ...cleared },
    initial: 'idle',
    // Rejections arrive whatever the librarian is doing.
    on: {
      [CANDIDATE_REJECTED]: { actions: ({ event }) => memory.noteTrajectory((event.payload as { trajectory: Trajectory }).trajectory) },
    },
    states: {
      idle: {
        on: {
          [LIBRARIAN.task]: { target: 'reading', actions: assign({ task: ({ event }) => event.envelope as Envelope<AcceptTask> }) },
          [LIBRARY_RETRIEVE]: { target: 'retrieving', actions: assign({ task: ({ event }) => event.envelope as Envelope<RetrieveTask> }) },
        },
      },
      reading: {
        invoke: {
          src: 'read',
          input: ({ context }) => context.task!.payload as AcceptTask,
          onDone: { target: 'correlating', actions: assign({ reading: ({ event }) => event.output }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => `cannot read the library: ${errorMessage(event.error)}` }) },
        },
      },
      correlating: {
        invoke: {
          src: 'correlate',
          input: ({ context }) => context.reading!,
          onDone: { target: 'deciding', actions: assign({ pairs: ({ event }) => event.output }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => `cannot check output correlations: ${errorMessage(event.error)}` }) },
        },
      },
      deciding: {
        entry: assign({ decision: ({ context }) => decideAcceptance(context.reading!.library, context.reading!.prepared, context.pairs, policy) }),
        always: 'writing',
      },
      writing: {
        invoke: {
          src: 'write',
          input: ({ context }) => ({ reading: context.reading!, decision: context.decision! }),
          onDone: {
            target: 'answering',
            actions: assign({
              answer: ({ context, event }) => ({
                type: LIBRARIAN.reply,
                payload: {
                  accepted: context.decision!.accept.map((p) => p.entry.id),
                  rejected: [...context.reading!.rejected, ...context.decision!.reject].map((r) => ({ id: r.id, reason: oneLine(r.reason, 1000) })),
                  size: event.output,
                } satisfies AcceptResult,
              }),
            }),
          },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => `cannot write the library: ${errorMessage(event.error)}` }) },
        },
      },
      retrieving: {
        invoke: {
          src: 'retrieve',
          input: ({ context }) => context.task!.payload as RetrieveTask,
          onDone: { target: 'answering', actions: assign({ answer: ({ event }) => ({ type: LIBRARY_RETRIEVED, payload: event.output }) }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => `cannot retrieve: ${errorMessage(event.error)}` }) },
        },
      },
      answering: {
        entry: emit(({ context }) => reply(context.task!, context.answer!.type, context.answer!.payload)),
        always: { target: 'idle', actions: assign({ ...cleared }) },
      },
      failing: {
        entry: emit(({ context }) => fail(context.task!, context.failure ?? 'the librarian failed')),
        always: { target: 'idle', actions: assign({ ...cleared }) },
      },
    },
  });
}
