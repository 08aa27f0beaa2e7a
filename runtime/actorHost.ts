/**
 * The actor host runs an XState v5 machine as an agent of the run.
 *
 * In:  each task from the agent's queue (the queue named after the agent) and
 *      each event of the types it subscribes to is sent to the actor as
 *      `{ type: <message type>, payload, envelope }` (a BusEvent). Tasks come one
 *      at a time: the next is pulled when the actor has answered the last.
 * Out: the machine talks to the bus only through emitted events (XState's
 *      `emit` action), built with the helpers below:
 *        emit(({ context, event }) => reply(context.task, 'specialist.proposals', {...}))
 *        emit(({ context }) => fail(context.task, 'no idea'))
 *        emit(({ event }) => publish('factor.proposed', {...}, event.envelope))
 *      reply/fail answer a task (exactly once); publish broadcasts an event.
 *
 * The host also keeps the agent present in the registry, answers a task the
 * actor cannot take in its current state with a failure, fails and restarts an
 * actor that errors or overruns a task, and drains on stop().
 */
import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import type { Bus, BusSubscription } from './bus.js';
import type { Envelope } from './envelope.js';
import { announcePresence, type PresenceHandle } from './registry.js';
import type { AgentIdentity } from './runtimeMessages.js';
import type { TaskResult, WorkServer } from './workQueue.js';

/** What a hosted actor receives for each message. */
export interface BusEvent<P = unknown> {
  readonly type: string;
  readonly payload: P;
  readonly envelope: Envelope<P>;
}

/** What a hosted actor emits to talk to the bus. */
export type Outbound =
  | { readonly type: 'bus.reply'; readonly task: Envelope; readonly replyType: string; readonly payload: unknown }
  | { readonly type: 'bus.fail'; readonly task: Envelope; readonly reason: string }
  | { readonly type: 'bus.publish'; readonly messageType: string; readonly payload: unknown; readonly cause: Envelope | null };

/** Answers `task` with a message of `replyType`. */
export const reply = (task: Envelope, replyType: string, payload: unknown): Outbound => ({ type: 'bus.reply', task, replyType, payload });
/** Answers `task` with a failure. */
export const fail = (task: Envelope, reason: string): Outbound => ({ type: 'bus.fail', task, reason });
/** Broadcasts an event, caused by `cause` when given. */
export const publish = (messageType: string, payload: unknown, cause: Envelope | null = null): Outbound => ({ type: 'bus.publish', messageType, payload, cause });

export interface HostOptions {
  /** Take tasks from the queue named after the agent. Default true. */
  readonly serve?: boolean;
  /** Event types to deliver to the actor. */
  readonly events?: readonly string[];
  readonly heartbeatMs?: number;
  readonly ackWaitMs?: number;
  readonly maxDeliveries?: number;
  readonly taskTimeoutMs?: number;
}

export interface HostedActor {
  readonly identity: AgentIdentity;
  /** This incarnation's id in the registry. */
  readonly instance: string;
  /** The running actor (a new one after a restart). */
  actor(): Actor<AnyStateMachine>;
  /** Tasks answered so far by this host. */
  readonly answered: number;
  /** Stops taking tasks, finishes the one in hand, leaves the registry, stops the actor. */
  stop(): Promise<void>;
}

interface PendingTask {
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

export async function hostActor(bus: Bus, machine: AnyStateMachine, identity: AgentIdentity, options: HostOptions = {}): Promise<HostedActor> {
  const pending = new Map<string, PendingTask>();
  let actor: Actor<AnyStateMachine>;

  const onEmitted = (out: Outbound): void => {
    if (out.type === 'bus.publish') {
      try {
        bus.publish(out.messageType, out.payload, { from: identity.name, cause: out.cause });
      } catch (err) {
        bus.log(`alphaswarm: ${identity.name} emitted an invalid ${out.messageType}: ${(err as Error).message}`);
      }
      return;
    }
    const task = pending.get(out.task.id);
    if (task === undefined) {
      bus.log(`alphaswarm: ${identity.name} answered task ${out.task.id}, which it does not hold`);
      return;
    }
    pending.delete(out.task.id);
    if (out.type === 'bus.reply') task.resolve({ type: out.replyType, payload: out.payload });
    else task.reject(new Error(out.reason));
  };

  const start = (): void => {
    actor = createActor(machine);
    actor.on('bus.reply', (e) => onEmitted(e as Outbound));
    actor.on('bus.fail', (e) => onEmitted(e as Outbound));
    actor.on('bus.publish', (e) => onEmitted(e as Outbound));
    const current = actor;
    current.subscribe({
      error: (err) => {
        if (current !== actor) return;
        restart(`its actor failed: ${(err as Error)?.message ?? String(err)}`);
      },
    });
    current.start();
  };

  /** Let it crash: fail what it held and start afresh. */
  const restart = (why: string): void => {
    bus.log(`alphaswarm: ${identity.name} restarts: ${why}`);
    for (const [id, task] of pending) {
      pending.delete(id);
      task.reject(new Error(why));
    }
    actor.stop();
    start();
  };

  const deliver = (envelope: Envelope): boolean => {
    const event: BusEvent = { type: envelope.type, payload: envelope.payload, envelope };
    if (!actor.getSnapshot().can(event)) return false;
    actor.send(event);
    return true;
  };

  start();

  let server: WorkServer | null = null;
  if (options.serve ?? true) {
    server = await bus.serve(
      identity.name,
      (task, { signal }) =>
        new Promise<TaskResult>((resolve, reject) => {
          pending.set(task.id, { resolve, reject });
          signal.addEventListener('abort', () => {
            if (pending.has(task.id)) restart(`task ${task.id} overran its time`);
          });
          if (!deliver(task)) {
            pending.delete(task.id);
            reject(new Error(`${identity.name} cannot take ${task.type} in state ${JSON.stringify(actor.getSnapshot().value)}`));
          }
        }),
      {
        from: identity.name,
        ...(options.ackWaitMs !== undefined ? { ackWaitMs: options.ackWaitMs } : {}),
        ...(options.maxDeliveries !== undefined ? { maxDeliveries: options.maxDeliveries } : {}),
        ...(options.taskTimeoutMs !== undefined ? { taskTimeoutMs: options.taskTimeoutMs } : {}),
      },
    );
  }
  const events = options.events ?? [];
  const subscription: BusSubscription | null = events.length > 0 ? bus.subscribe(events, (e) => void deliver(e)) : null;
  const presence: PresenceHandle = await announcePresence(bus, identity, {
    queues: server ? [identity.name] : [],
    events,
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  });

  let stopping: Promise<void> | null = null;
  return {
    identity,
    instance: presence.presence.instance,
    actor: () => actor,
    get answered() {
      return server?.answered ?? 0;
    },
    stop: () =>
      (stopping ??= (async () => {
        subscription?.unsubscribe();
        await server?.stop();
        await presence.leave();
        actor.stop();
      })()),
  };
}
