/**
 * The evaluator: scores candidate batches for agents (train and valid only),
 * measures output correlation on the valid period, and runs combiner trials
 * for model work. A work queue: every process hosting an agent named
 * `evaluator` pulls from the same durable queue, so more evaluators on more
 * machines simply join it.
 *
 *   idle --evaluate.request--> scoring ----\
 *        --correlate.request--> correlating --> answering --> idle
 *        --combine.request--> combining ----/
 *   (any of them --error--> failing --> idle)
 *
 * Tasks: evaluate.request -> evaluate.result (AgentMetrics per candidate,
 * and with correlateWithLibrary the largest |Pearson| with an accepted factor
 * on valid); correlate.request -> correlate.result (candidate pairs and
 * candidate-library pairs above a floor, for the librarian); combine.request
 * -> combine.result (train a combiner on train, score on valid; never test).
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { z } from 'zod';
import { fail, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import type { RunStore } from '../runtime/runStore.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { CandidateScorer, type EvaluationData, type LibraryFactor, type ScorerOptions, type ValuesPool } from './evaluation/candidateScorer.js';
import { LibraryView } from './library/libraryStore.js';
import { compileOptionsOf, errorMessage, type SwarmEnvironment } from './modelCall.js';
import { EVALUATOR, type combineTaskSchema, type correlateTaskSchema, type evaluateTaskSchema } from './protocol.js';

export type EvaluateTask = z.infer<typeof evaluateTaskSchema>;
export type CorrelateTask = z.infer<typeof correlateTaskSchema>;
export type CombineTask = z.infer<typeof combineTaskSchema>;

export const CORRELATE_REQUEST = 'correlate.request';
export const CORRELATE_RESULT = 'correlate.result';
export const COMBINE_REQUEST = 'combine.request';
export const COMBINE_RESULT = 'combine.result';

export const EVALUATOR_IDENTITY: AgentIdentity = {
  role: 'evaluator',
  name: EVALUATOR.queue,
  level: null,
  capabilities: ['train-valid-metrics', 'library-correlation', 'combiner-trials'],
  version: '1.0.0',
};

export interface EvaluatorDeps {
  readonly data: EvaluationData;
  readonly env: SwarmEnvironment;
  readonly store: RunStore;
  readonly options?: Partial<ScorerOptions>;
  /** evaluator/pool.ts's EvaluationPool over the same panel: factor values computed by worker threads. */
  readonly pool?: ValuesPool | null;
}

type Task = EvaluateTask | CorrelateTask | CombineTask;

interface EvaluatorContext {
  task: Envelope<Task> | null;
  answer: { readonly type: string; readonly payload: unknown } | null;
  failure: string | null;
}

/** The library's factors as the scorer takes them. */
async function libraryFactors(view: LibraryView): Promise<LibraryFactor[]> {
  return (await view.refresh()).map(({ entry }) => ({ id: entry.id, name: entry.name, expression: entry.expression }));
}

export function evaluatorMachine(deps: EvaluatorDeps, scorer: CandidateScorer = new CandidateScorer(deps.data, compileOptionsOf(deps.env), deps.options, deps.pool ?? null)) {
  const view = new LibraryView(deps.store);

  return setup({
    types: { context: {} as EvaluatorContext, events: {} as BusEvent<Task> },
    actors: {
      score: fromPromise<{ results: unknown[] }, EvaluateTask>(async ({ input }) => {
        const library = await libraryFactors(view);
        const values = input.correlateWithLibrary ? await scorer.libraryValues(library) : null;
        return { results: await scorer.evaluate(input.candidates, values, library) };
      }),
      correlate: fromPromise<unknown, CorrelateTask>(async ({ input }) => scorer.correlate(input.candidates, await scorer.libraryValues(await libraryFactors(view)), input.minAbs)),
      combine: fromPromise<unknown, CombineTask>(async ({ input }) => {
        const library = new Map((await libraryFactors(view)).map((f) => [f.id, f]));
        const missing = input.entries.filter((id) => !library.has(id));
        if (missing.length > 0) throw new Error(`not in the library: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`);
        return scorer.combine(input.config, input.entries.map((id) => library.get(id)!));
      }),
    },
  }).createMachine({
    id: EVALUATOR.queue,
    context: { task: null, answer: null, failure: null },
    initial: 'idle',
    states: {
      idle: {
        on: {
          [EVALUATOR.task]: { target: 'scoring', actions: assign({ task: ({ event }) => event.envelope }) },
          [CORRELATE_REQUEST]: { target: 'correlating', actions: assign({ task: ({ event }) => event.envelope }) },
          [COMBINE_REQUEST]: { target: 'combining', actions: assign({ task: ({ event }) => event.envelope }) },
        },
      },
      scoring: {
        invoke: {
          src: 'score',
          input: ({ context }) => context.task!.payload as EvaluateTask,
          onDone: { target: 'answering', actions: assign({ answer: ({ event }) => ({ type: EVALUATOR.reply, payload: event.output }) }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => errorMessage(event.error) }) },
        },
      },
      correlating: {
        invoke: {
          src: 'correlate',
          input: ({ context }) => context.task!.payload as CorrelateTask,
          onDone: { target: 'answering', actions: assign({ answer: ({ event }) => ({ type: CORRELATE_RESULT, payload: event.output }) }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => errorMessage(event.error) }) },
        },
      },
      combining: {
        invoke: {
          src: 'combine',
          input: ({ context }) => context.task!.payload as CombineTask,
          onDone: { target: 'answering', actions: assign({ answer: ({ event }) => ({ type: COMBINE_RESULT, payload: event.output }) }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => errorMessage(event.error) }) },
        },
      },
      answering: {
        entry: emit(({ context }) => reply(context.task!, context.answer!.type, context.answer!.payload)),
        always: { target: 'idle', actions: assign({ task: null, answer: null }) },
      },
      failing: {
        entry: emit(({ context }) => fail(context.task!, context.failure ?? 'evaluation failed')),
        always: { target: 'idle', actions: assign({ task: null, answer: null, failure: null }) },
      },
    },
  });
}
