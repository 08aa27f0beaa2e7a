/**
 * The shape shared by agents that answer a task with one model reply they
 * check before sending (builder, logic improver, mutation, crossover,
 * analyst, model agent):
 *
 *   idle --task--> <working> --reply--> checking --ok--> answering --> idle
 *                      ^                   |
 *                      +---- retry --------+ (a reply that is not what was
 *                                             asked, while attempts remain)
 *   <working> --model failed--> failing --> idle     checking --bad--> failing
 *
 * `<working>` is named by the agent (`building`, `mutating`, ...). The check
 * is a pure function of the task and the reply: it passes the reply on
 * (possibly repaired, e.g. a frozen prefix restored), asks again, or gives up
 * with a reason, which becomes the task's failure.
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import { fail, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import { errorMessage } from './modelCall.js';
import type { AgentChannel } from './protocol.js';

export type Verdict<R> = { readonly ok: true; readonly reply: R } | { readonly ok: false; readonly reason: string };

export interface ModelTaskSpec<T, A, R> {
  readonly channel: AgentChannel;
  /** Name of the state in which the model works, e.g. 'building'. */
  readonly working: string;
  /** Model replies asked for at most, the first included. */
  readonly maxAttempts: number;
  /** One model reply for the task (throws ModelCallError when there is none). */
  ask(task: T, attempt: number): Promise<A>;
  /** Whether the reply is what was asked. */
  check(task: T, answer: A): Verdict<R>;
}

interface Context<T, A, R> {
  task: Envelope<T> | null;
  attempt: number;
  answer: A | null;
  verdict: Verdict<R> | null;
  failure: string | null;
}

export function modelTaskMachine<T, A, R>(spec: ModelTaskSpec<T, A, R>) {
  const { channel, working } = spec;
  return setup({
    types: { context: {} as Context<T, A, R>, events: {} as BusEvent<T> },
    actors: {
      ask: fromPromise<A, { task: T; attempt: number }>(({ input }) => spec.ask(input.task, input.attempt)),
    },
    guards: {
      passed: ({ context }) => context.verdict?.ok === true,
      mayRetry: ({ context }) => context.attempt < spec.maxAttempts,
    },
  }).createMachine({
    id: channel.queue,
    context: { task: null, attempt: 0, answer: null, verdict: null, failure: null },
    initial: 'idle',
    states: {
      idle: {
        on: { [channel.task]: { target: working, actions: assign({ task: ({ event }) => event.envelope, attempt: 1 }) } },
      },
      [working]: {
        invoke: {
          src: 'ask',
          input: ({ context }) => ({ task: context.task!.payload, attempt: context.attempt }),
          onDone: { target: 'checking', actions: assign({ answer: ({ event }) => event.output }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => errorMessage(event.error) }) },
        },
      },
      checking: {
        entry: assign({ verdict: ({ context }) => spec.check(context.task!.payload, context.answer as A) }),
        always: [
          { guard: 'passed', target: 'answering' },
          { guard: 'mayRetry', target: working, actions: assign({ attempt: ({ context }) => context.attempt + 1 }) },
          {
            target: 'failing',
            actions: assign({
              failure: ({ context }) => `${(context.verdict as { reason: string }).reason} (after ${context.attempt} model ${context.attempt === 1 ? 'reply' : 'replies'})`,
            }),
          },
        ],
      },
      answering: {
        entry: emit(({ context }) => reply(context.task!, channel.reply, (context.verdict as { reply: R }).reply)),
        always: { target: 'idle', actions: assign({ task: null, answer: null, verdict: null, attempt: 0 }) },
      },
      failing: {
        entry: emit(({ context }) => fail(context.task!, context.failure ?? 'failed')),
        always: { target: 'idle', actions: assign({ task: null, answer: null, verdict: null, failure: null, attempt: 0 }) },
      },
    },
  });
}
