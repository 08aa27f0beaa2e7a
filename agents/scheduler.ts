/**
 * The scheduler: which specialist, in which guidance mode, on which
 * direction gets each proposal slot of a generation (Thompson sampling), and
 * whether the generation does factor or model work (R&D-Agent(Q)'s contextual
 * bandit). See agents/scheduling/schedulerBandit.ts.
 *
 *   idle --schedule.request--> scheduling --> answering --> idle
 *   schedule.feedback (any state) --> posteriors updated, saved
 *
 * The bandit's state (posteriors, generator) lives in the run state
 * (SCHEDULER_STATE_KEY), loaded once and saved after every schedule and every
 * feedback, so a resumed run continues where it stopped.
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { z } from 'zod';
import { fail, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import type { RunStore } from '../runtime/runStore.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { errorMessage } from './modelCall.js';
import { PersistedState } from './persistedState.js';
import { SCHEDULER, type scheduleFeedbackSchema, type scheduleResultSchema, type scheduleTaskSchema } from './protocol.js';
import { SchedulerBandit, banditStateSchema, initialBanditState, type BanditState } from './scheduling/schedulerBandit.js';

export type ScheduleTask = z.infer<typeof scheduleTaskSchema>;
export type ScheduleResult = z.infer<typeof scheduleResultSchema>;
export type ScheduleFeedback = z.infer<typeof scheduleFeedbackSchema>;

export const SCHEDULE_FEEDBACK = 'schedule.feedback';
export const SCHEDULER_STATE_KEY = 'scheduler.bandit';

export const SCHEDULER_IDENTITY: AgentIdentity = {
  role: 'scheduler',
  name: SCHEDULER.queue,
  level: null,
  capabilities: ['thompson-sampling', 'contextual-linear-thompson'],
  version: '1.0.0',
};

export interface SchedulerDeps {
  readonly store: RunStore;
  /** The run's seed: the bandit's generator starts from it on a fresh run. */
  readonly seed: number;
  readonly log: (line: string) => void;
}

/** The bandit, loaded from the run state on first use; every change saved. */
export class BanditKeeper {
  private bandit: SchedulerBandit | null = null;
  private readonly state: PersistedState<BanditState>;
  private loading: Promise<SchedulerBandit> | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    this.state = new PersistedState(deps.store, SCHEDULER_STATE_KEY, banditStateSchema, () => this.bandit!.toState(), deps.log);
  }

  ready(): Promise<SchedulerBandit> {
    this.loading ??= this.state.load().then((stored) => (this.bandit = new SchedulerBandit(stored ?? initialBanditState(this.deps.seed))));
    return this.loading;
  }

  async schedule(task: ScheduleTask): Promise<ScheduleResult> {
    const bandit = await this.ready();
    const result = bandit.schedule(task.slots, task.specialists, task.directions.map((d) => d.title), task.state);
    this.state.save();
    return result;
  }

  async feedback(id: string, feedback: ScheduleFeedback): Promise<void> {
    const bandit = await this.ready();
    if (bandit.feedback(id, feedback.outcomes, feedback.action)) this.state.save();
  }

  /** Waits for the writes asked so far. */
  flush(): Promise<void> {
    return this.state.flush();
  }
}

interface SchedulerContext {
  task: Envelope<ScheduleTask> | null;
  result: ScheduleResult | null;
  failure: string | null;
}

export function schedulerMachine(deps: SchedulerDeps, keeper: BanditKeeper = new BanditKeeper(deps)) {
  return setup({
    types: { context: {} as SchedulerContext, events: {} as BusEvent<ScheduleTask> | BusEvent<ScheduleFeedback> },
    actors: {
      schedule: fromPromise<ScheduleResult, ScheduleTask>(({ input }) => keeper.schedule(input)),
    },
  }).createMachine({
    id: SCHEDULER.queue,
    context: { task: null, result: null, failure: null },
    initial: 'idle',
    on: {
      [SCHEDULE_FEEDBACK]: {
        actions: ({ event }) =>
          void keeper.feedback(event.envelope.id, event.payload as ScheduleFeedback).catch((err: unknown) => deps.log(`alphaswarm: scheduler feedback failed: ${errorMessage(err)}`)),
      },
    },
    states: {
      idle: {
        on: { [SCHEDULER.task]: { target: 'scheduling', actions: assign({ task: ({ event }) => event.envelope as Envelope<ScheduleTask> }) } },
      },
      scheduling: {
        invoke: {
          src: 'schedule',
          input: ({ context }) => context.task!.payload,
          onDone: { target: 'answering', actions: assign({ result: ({ event }) => event.output }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => errorMessage(event.error) }) },
        },
      },
      answering: {
        entry: emit(({ context }) => reply(context.task!, SCHEDULER.reply, context.result)),
        always: { target: 'idle', actions: assign({ task: null, result: null }) },
      },
      failing: {
        entry: emit(({ context }) => fail(context.task!, context.failure ?? 'scheduling failed')),
        always: { target: 'idle', actions: assign({ task: null, result: null, failure: null }) },
      },
    },
  });
}
