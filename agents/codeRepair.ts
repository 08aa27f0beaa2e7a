/**
 * Code repair (CogAlpha's Code Repair Agent, learning as R&D-Agent(Q)'s
 * Co-STEER does): fixes an expression that does not parse, type-check or fit
 * the limits, keeping its meaning, and remembers what worked.
 *
 *   idle --repair.request--> recalling --known fix compiles--> answering --> idle
 *                                |
 *                                +--> repairing (model, with similar past fixes)
 *                                          --> checking --compiles--> answering
 *                                                |--still broken, attempt left--> repairing (its own attempt and the new error)
 *                                                +--still broken--> failing --> idle
 *
 * Recalling replays a fix that worked for the same error signature (no model
 * call; the answer says fromKnowledge). A repair counts only if it compiles
 * against the data (library references expanded). Every outcome is published
 * as `repair.outcome`; every process of this agent learns from those events
 * (its own included), and the knowledge base lives in the run state.
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { z } from 'zod';
import { compileFactor } from '../operators/compile.js';
import type { FactorError } from '../operators/errors.js';
import { fail, publish, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import type { RunStore } from '../runtime/runStore.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import {
  REPAIR_KNOWLEDGE_KEY,
  RepairKnowledge,
  errorSignature,
  outcomeKey,
  repairKnowledgeSchema,
  replayFix,
  type RepairOutcome,
  type RepairRecord,
} from './knowledge/repairKnowledge.js';
import { LibraryView } from './library/libraryStore.js';
import { ReferenceTable } from './libraryReferences.js';
import { askModel, compileOptionsOf, errorMessage, oneLine, type ModelAccess } from './modelCall.js';
import { PersistedState } from './persistedState.js';
import { CODE_REPAIR, REPAIR_OUTCOME, type repairResultSchema, type repairTaskSchema } from './protocol.js';
import type { RoleReply } from './roles.js';

export type RepairTask = z.infer<typeof repairTaskSchema>;
export type RepairResult = z.infer<typeof repairResultSchema>;

export const CODE_REPAIR_IDENTITY: AgentIdentity = {
  role: 'code-repair',
  name: CODE_REPAIR.queue,
  level: null,
  capabilities: ['parse-errors', 'type-errors', 'limits', 'co-steer-knowledge'],
  version: '1.0.0',
};

/** Model attempts per task: the first, and one more with the error of the first. */
export const REPAIR_ATTEMPTS = 2;
/** Past fixes shown to the model. */
const SIMILAR_FIXES = 4;

export interface CodeRepairDeps {
  readonly model: ModelAccess;
  readonly store: RunStore;
  readonly log: (line: string) => void;
}

type Compiled = { readonly ok: true; readonly canonical: string } | { readonly ok: false; readonly error: FactorError };

/**
 * The agent's working parts outside the machine: the knowledge base (loaded
 * once, saved on every change) and the compiler with the library's
 * references.
 */
export class RepairWorkshop {
  readonly knowledge = new RepairKnowledge();
  private readonly state: PersistedState<z.infer<typeof repairKnowledgeSchema>>;
  private readonly library: LibraryView;
  private loaded: Promise<void> | null = null;
  private references: ReferenceTable;
  private readonly ownEchoes = new Set<string>();

  constructor(private readonly deps: CodeRepairDeps) {
    this.state = new PersistedState(
      deps.store,
      REPAIR_KNOWLEDGE_KEY,
      repairKnowledgeSchema,
      (stored) => {
        if (stored) this.knowledge.merge(stored);
        return this.knowledge.toState();
      },
      deps.log,
    );
    this.library = new LibraryView(deps.store);
    this.references = new ReferenceTable([], compileOptionsOf(deps.model.env));
  }

  /** Loads the stored knowledge (once) and the library's current references. */
  async prepare(): Promise<void> {
    this.loaded ??= this.state.load().then((stored) => {
      if (stored) this.knowledge.merge(stored);
    });
    await this.loaded;
    const entries = await this.library.refresh();
    this.references = new ReferenceTable(entries.map((e) => e.entry), compileOptionsOf(this.deps.model.env));
  }

  /** Compiles with references expanded; the error's span is into the text that was compiled. */
  compile(expression: string): Compiled & { readonly text: string } {
    const text = this.references.expandText(expression)?.text ?? expression;
    const result = compileFactor(text, compileOptionsOf(this.deps.model.env));
    return result.ok ? { ok: true, canonical: result.canonical, text } : { ok: false, error: result.error, text };
  }

  signature(error: string, expression: string): string {
    const compiled = this.compile(expression);
    return errorSignature(error, compiled.text, compiled.ok ? null : compiled.error);
  }

  /**
   * Learns the outcome of this process's own repair at once (the next task
   * may come before the event does), and expects its event back.
   */
  learnOwn(outcome: RepairOutcome): void {
    const signature = this.signature(outcome.error, outcome.before);
    this.ownEchoes.add(outcomeKey(signature, outcome));
    this.knowledge.learn(signature, outcome);
    this.state.save();
  }

  /** Learns a `repair.outcome` event, unless it is the echo of an outcome learnt already. */
  learnEvent(outcome: RepairOutcome): void {
    const signature = this.signature(outcome.error, outcome.before);
    if (this.ownEchoes.delete(outcomeKey(signature, outcome))) return;
    this.knowledge.learn(signature, outcome);
    this.state.save();
  }

  flush(): Promise<void> {
    return this.state.flush();
  }
}

interface Recollection {
  readonly signature: string;
  /** A replayed fix that compiles, with the record it came from. */
  readonly known: { readonly expression: string; readonly record: RepairRecord } | null;
  readonly similar: readonly RepairRecord[];
}

/** Deterministic first pass: the first worked fix for this signature whose replay compiles. */
export function recall(workshop: RepairWorkshop, task: RepairTask): Recollection {
  const signature = workshop.signature(task.error, task.expression);
  for (const record of workshop.knowledge.workedFor(signature)) {
    const replayed = replayFix(record, task.expression);
    if (replayed !== null && replayed !== task.expression && workshop.compile(replayed).ok) return { signature, known: { expression: replayed, record }, similar: [] };
  }
  return { signature, known: null, similar: workshop.knowledge.similar(signature, task.expression, SIMILAR_FIXES) };
}

interface RepairContext {
  task: Envelope<RepairTask> | null;
  recollection: Recollection | null;
  attempt: number;
  /** What the model is asked to fix now: the task's expression, then its own failed attempt. */
  current: { expression: string; error: string } | null;
  proposal: RoleReply<'repair'> | null;
  problem: string | null;
  result: RepairResult | null;
  failure: string | null;
}

const cleared = { task: null, recollection: null, attempt: 0, current: null, proposal: null, problem: null, result: null, failure: null };

/** Why a proposed repair does not count: it does not compile, or it changes nothing. */
function problemWith(workshop: RepairWorkshop, task: RepairTask, proposed: string): string | null {
  if (proposed.replace(/\s+/g, '') === task.expression.replace(/\s+/g, '')) return 'the repair returned the expression unchanged';
  const compiled = workshop.compile(proposed);
  return compiled.ok ? null : oneLine(compiled.error.message);
}

export function codeRepairMachine(deps: CodeRepairDeps, workshop: RepairWorkshop = new RepairWorkshop(deps)) {
  return setup({
    types: { context: {} as RepairContext, events: {} as BusEvent<RepairTask> | BusEvent<RepairOutcome> },
    actors: {
      recall: fromPromise<Recollection, RepairTask>(async ({ input }) => {
        await workshop.prepare();
        return recall(workshop, input);
      }),
      repair: fromPromise<RoleReply<'repair'>, { task: RepairTask; current: { expression: string; error: string }; similar: readonly RepairRecord[] }>(({ input }) =>
        askModel(deps.model, 'repair', CODE_REPAIR.queue, {
          hypothesis: input.task.hypothesis,
          description: input.task.description,
          expression: input.current.expression,
          error: input.current.error,
          similarFixes: input.similar.map((r) => ({ error: r.error, before: r.before, after: r.after })),
        }),
      ),
    },
    guards: {
      repaired: ({ context }) => context.problem === null,
      attemptLeft: ({ context }) => context.attempt < REPAIR_ATTEMPTS,
    },
  }).createMachine({
    id: CODE_REPAIR.queue,
    context: { ...cleared },
    initial: 'idle',
    // Outcomes arrive whatever the agent is doing.
    on: {
      [REPAIR_OUTCOME]: { actions: ({ event }) => workshop.learnEvent(event.payload as RepairOutcome) },
    },
    states: {
      idle: {
        on: { [CODE_REPAIR.task]: { target: 'recalling', actions: assign({ task: ({ event }) => event.envelope as Envelope<RepairTask> }) } },
      },
      recalling: {
        invoke: {
          src: 'recall',
          input: ({ context }) => context.task!.payload,
          onDone: [
            {
              guard: ({ event }) => event.output.known !== null,
              target: 'answering',
              actions: assign({
                recollection: ({ event }) => event.output,
                result: ({ event }) => ({
                  expression: event.output.known!.expression,
                  explanation: oneLine(
                    `Applied a fix that worked ${event.output.known!.record.seen} time(s) for the same error (${event.output.signature}): ${event.output.known!.record.before.slice(0, 300)} -> ${event.output.known!.record.after.slice(0, 300)}`,
                    2000,
                  ),
                  fromKnowledge: true,
                }),
              }),
            },
            {
              target: 'repairing',
              actions: assign({
                recollection: ({ event }) => event.output,
                attempt: 1,
                current: ({ context }) => ({ expression: context.task!.payload.expression, error: context.task!.payload.error }),
              }),
            },
          ],
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => `cannot prepare the repair: ${errorMessage(event.error)}` }) },
        },
      },
      repairing: {
        invoke: {
          src: 'repair',
          input: ({ context }) => ({ task: context.task!.payload, current: context.current!, similar: context.recollection!.similar }),
          onDone: { target: 'checking', actions: assign({ proposal: ({ event }) => event.output }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => errorMessage(event.error) }) },
        },
      },
      checking: {
        entry: assign({ problem: ({ context }) => problemWith(workshop, context.task!.payload, context.proposal!.expression) }),
        always: [
          {
            guard: 'repaired',
            target: 'answering',
            actions: assign({ result: ({ context }) => ({ expression: context.proposal!.expression, explanation: context.proposal!.explanation, fromKnowledge: false }) }),
          },
          {
            guard: 'attemptLeft',
            target: 'repairing',
            actions: assign({
              attempt: ({ context }) => context.attempt + 1,
              current: ({ context }) => ({ expression: context.proposal!.expression, error: context.problem! }),
            }),
          },
          {
            target: 'failing',
            actions: [
              assign({ failure: ({ context }) => `could not repair the expression: ${context.problem} (after ${context.attempt} model attempts)` }),
              emit(({ context }) =>
                publish(
                  REPAIR_OUTCOME,
                  { error: context.task!.payload.error, before: context.task!.payload.expression, after: context.proposal!.expression, worked: false },
                  context.task,
                ),
              ),
            ],
          },
        ],
      },
      answering: {
        entry: [
          ({ context }) => workshop.learnOwn({ error: context.task!.payload.error, before: context.task!.payload.expression, after: context.result!.expression, worked: true }),
          emit(({ context }) => reply(context.task!, CODE_REPAIR.reply, context.result)),
          emit(({ context }) =>
            publish(REPAIR_OUTCOME, { error: context.task!.payload.error, before: context.task!.payload.expression, after: context.result!.expression, worked: true }, context.task),
          ),
        ],
        always: { target: 'idle', actions: assign({ ...cleared }) },
      },
      failing: {
        entry: emit(({ context }) => fail(context.task!, context.failure ?? 'repair failed')),
        always: { target: 'idle', actions: assign({ ...cleared }) },
      },
    },
  });
}
