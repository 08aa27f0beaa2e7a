/**
 * Work queues: the queue groups agents scale out with. Tasks for queue <q> are
 * stored in the run's stream on `as.<run>.work.<q>`; every process serving <q>
 * pulls from one shared durable consumer, so each task goes to one member at a
 * time, to whichever is free (a member pulls only when it is idle), on any
 * machine. This is JetStream's form of a NATS queue group, and unlike a core
 * queue group it survives kill -9:
 *
 *   - a member acks a task only after its answer is sent; one that dies holding
 *     a task stops signalling progress, and the task is redelivered after ackWait;
 *   - before working on a task, a member looks for a stored answer to it, so a
 *     task answered just before a crash is not done twice (and the answer's
 *     de-duplication key drops a second copy anyway);
 *   - a task that keeps killing its members is dead-lettered as poison after
 *     maxDeliveries deliveries, and answered with a failure.
 *
 * Every task is answered exactly once, with the handler's reply or with a
 * `runtime.task-failed` giving the reason.
 */
import { AckPolicy, DeliverPolicy, nanos, type JsMsg } from 'nats';
import type { Bus } from './bus.js';
import type { Envelope } from './envelope.js';
import { isNotFound } from './jetstreamErrors.js';
import { checkAgentName } from './names.js';
import { RUNTIME_TYPES } from './runtimeMessages.js';
import { jetstreamNames, subjects } from './subjects.js';

export interface TaskResult {
  readonly type: string;
  readonly payload: unknown;
}

/** Does one task. Throwing answers the task with a failure; `signal` aborts when the task times out. */
export type TaskHandler = (task: Envelope, context: { readonly signal: AbortSignal }) => Promise<TaskResult>;

export interface ServeOptions {
  /** Sender of the answers; default the queue name. */
  readonly from?: string;
  /** Tasks this process works on at once. Default 1. */
  readonly concurrency?: number;
  /** How long a silent member keeps a task before it is redelivered (members in progress extend it); applies when this process declares the queue. Default 30 s. */
  readonly ackWaitMs?: number;
  /** Deliveries before a task is declared poison. Default 5. */
  readonly maxDeliveries?: number;
  /** A task taking longer is answered with a failure. Default 10 min. */
  readonly taskTimeoutMs?: number;
}

export interface WorkServer {
  readonly queue: string;
  /** Tasks answered by this process (with a reply or a failure). */
  readonly answered: number;
  /** Stops pulling, finishes the tasks in hand, resolves when done. */
  stop(): Promise<void>;
  readonly stopped: Promise<void>;
}

export async function serveQueue(bus: Bus, queue: string, handler: TaskHandler, options: ServeOptions = {}): Promise<WorkServer> {
  checkAgentName(queue);
  const from = options.from ?? queue;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const taskTimeoutMs = options.taskTimeoutMs ?? 600_000;
  // Progress is signalled by the ackWait in force, which may have been declared by another process.
  const { ackWaitMs } = await declareWorkQueue(bus, queue, options.ackWaitMs !== undefined ? { ackWaitMs: options.ackWaitMs } : {});
  const consumer = await bus.js.consumers.get(jetstreamNames.stream(bus.run), jetstreamNames.workConsumer(queue));

  let stopping = false;
  let answered = 0;

  const answer = async (msg: JsMsg, task: Envelope, result: TaskResult): Promise<void> => {
    let reply: Envelope;
    try {
      reply = bus.envelope({ type: result.type, payload: result.payload, to: task.from, cause: task, from });
    } catch (err) {
      reply = bus.envelope({ type: RUNTIME_TYPES.taskFailed, payload: { reason: `invalid answer: ${(err as Error).message}`.slice(0, 2000) }, to: task.from, cause: task, from });
    }
    await bus.deliver(subjects.reply(bus.run, task.id), reply, `reply.${task.id}`);
    // If the ack is lost, the task comes back, finds its stored answer, and is acked then.
    await msg.ackAck().catch(() => msg.ack());
    answered++;
  };

  const fail = (msg: JsMsg, task: Envelope, reason: string): Promise<void> =>
    answer(msg, task, { type: RUNTIME_TYPES.taskFailed, payload: { reason: reason.slice(0, 2000) } });

  const handle = async (msg: JsMsg): Promise<void> => {
    const opened = bus.receive(msg.subject, msg.data);
    if (!opened.ok) {
      // Dead-lettered by receive(); a task whose envelope was readable still gets its failure.
      if (opened.envelope !== undefined) await fail(msg, opened.envelope, `rejected (${opened.reason}): ${opened.detail}`);
      else msg.term();
      return;
    }
    const task = opened.envelope;
    if (task.to !== queue) {
      bus.deadLetter(msg.subject, msg.data, { ok: false, reason: 'invalid-envelope', detail: `task for '${task.to}' on queue '${queue}'`, original: { id: task.id, type: task.type, from: task.from } });
      msg.term();
      return;
    }
    if (msg.info.redeliveryCount > maxDeliveries) {
      const detail = `delivered ${msg.info.redeliveryCount} times without being answered`;
      bus.deadLetter(msg.subject, msg.data, { ok: false, reason: 'poison', detail, original: { id: task.id, type: task.type, from: task.from } });
      await fail(msg, task, `poison: ${detail}`);
      return;
    }
    if ((await bus.findReply(task.id)) !== null) {
      msg.ack(); // answered before (by a member that died before acking, or an earlier copy of a retried task)
      return;
    }
    const progress = setInterval(() => msg.working(), Math.max(100, Math.floor(ackWaitMs / 3)));
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), taskTimeoutMs);
    const aborted = new Promise<never>((_, reject) =>
      abort.signal.addEventListener('abort', () => reject(new Error(`timed out after ${taskTimeoutMs} ms`))),
    );
    try {
      const result = await Promise.race([handler(task, { signal: abort.signal }), aborted]);
      await answer(msg, task, result);
    } catch (err) {
      await fail(msg, task, (err as Error).message ?? String(err));
    } finally {
      clearInterval(progress);
      clearTimeout(timeout);
    }
  };

  const worker = async (): Promise<void> => {
    let reportedError = false;
    while (!stopping) {
      let msg: JsMsg | null;
      try {
        // Pull one task only when free: a busy member holds nothing another could do.
        msg = await consumer.next({ expires: 1000 });
        reportedError = false;
      } catch (err) {
        if (stopping) break;
        if (!reportedError) bus.log(`alphaswarm: ${from} cannot pull from queue '${queue}' (${(err as Error).message}); retrying`);
        reportedError = true;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (msg === null) continue;
      if (stopping) {
        msg.nak(); // hand it straight to another member
        break;
      }
      try {
        await handle(msg);
      } catch (err) {
        // The connection failed mid-answer: leave the task unacked; it is redelivered.
        bus.log(`alphaswarm: ${from} could not finish a task from '${queue}': ${(err as Error).message}`);
      }
    }
  };

  const workers = Array.from({ length: options.concurrency ?? 1 }, () => worker());
  const stopped = Promise.all(workers).then(() => undefined);
  return {
    queue,
    get answered() {
      return answered;
    },
    stopped,
    stop: () => {
      stopping = true;
      return stopped;
    },
  };
}

/**
 * Declares queue <queue>'s shared durable consumer unless it exists; whoever
 * comes first sets its ackWait (the supervisor can declare its queues up front
 * to set the policy; members read it back). Returns the ackWait in force.
 */
export async function declareWorkQueue(bus: Bus, queue: string, options: { readonly ackWaitMs?: number } = {}): Promise<{ readonly ackWaitMs: number }> {
  const stream = jetstreamNames.stream(bus.run);
  const name = jetstreamNames.workConsumer(queue);
  let info;
  try {
    info = await bus.jsm.consumers.info(stream, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    info = await bus.jsm.consumers.add(stream, {
      durable_name: name,
      filter_subject: subjects.work(bus.run, queue),
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      deliver_policy: DeliverPolicy.All,
      max_deliver: -1, // poison is judged here, so the task can still be answered
      max_ack_pending: 10_000,
    });
  }
  return { ackWaitMs: Math.round(info.config.ack_wait! / 1e6) };
}
