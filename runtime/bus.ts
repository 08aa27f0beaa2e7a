/**
 * The Bus: one process's connection to a run. Three ways to talk, each with
 * one delivery guarantee:
 *
 *   publish/subscribe  events, fan-out to every live subscriber of the type
 *                      (persisted for trace and replay; a subscriber that is
 *                      down misses them).
 *   request/serve      tasks for a queue group: stored in the run's stream,
 *                      handed to exactly one member at a time, redelivered if
 *                      that member dies, answered exactly once (see workQueue.ts).
 *   listen/sendTo      the raw building blocks under both, for runtime modules.
 *
 * Every envelope is validated against MessageSchemas when sent (a bug is caught
 * at its source) and when received (hostile or broken input becomes a dead
 * letter on `as.<run>.dead.<reason>`, never an exception in a handler).
 */
import { createHash } from 'node:crypto';
import { connect, headers, type JetStreamClient, type JetStreamManager, type NatsConnection, type Subscription } from 'nats';
import { createEnvelope, msgpackCodec, type Envelope, type EnvelopeFields } from './envelope.js';
import { isNotFound } from './jetstreamErrors.js';
import { checkAgentName, checkRunId } from './names.js';
import { connectionOptions, redactNatsUrl } from './natsUrl.js';
import { openMessage, type Opened } from './receive.js';
import { RUNTIME_TYPES, type DeadLetterPayload } from './runtimeMessages.js';
import { messageSchemas as defaultSchemas, type MessageSchemas } from './schemas.js';
import { jetstreamNames, subjects } from './subjects.js';
import { serveQueue, type ServeOptions, type TaskHandler, type WorkServer } from './workQueue.js';

/** Envelopes larger than this are refused when sent and dead-lettered when received. */
export const DEFAULT_MAX_ENVELOPE_BYTES = 256 * 1024;

export class MessageError extends Error {
  override readonly name = 'MessageError';
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

export class TaskFailedError extends Error {
  override readonly name = 'TaskFailedError';
}

export interface BusOptions {
  readonly schemas?: MessageSchemas;
  readonly maxEnvelopeBytes?: number;
  /** Where one-line notices go (dead letters, reconnects). Default: stderr. */
  readonly log?: (line: string) => void;
}

export interface ConnectOptions extends BusOptions {
  readonly natsUrl: string;
  readonly run: string;
  /** This process's agent name: the default `from` of what it sends. */
  readonly name: string;
}

export interface SendOptions {
  /** Sender; default the bus's name (a process hosting several agents sends as each of them). */
  readonly from?: string;
  readonly cause?: Envelope | null;
  readonly trajectory?: string | null;
}

export interface RequestOptions extends SendOptions {
  /** How long one attempt waits for the reply. Default 30 s. */
  readonly timeoutMs?: number;
  /** Further attempts after a timeout; each re-queues the same task id (a member that finds it answered skips it). Default 0. */
  readonly retries?: number;
  /** A stable task id (e.g. from run state): a resumed requester gets the stored reply instead of asking again. */
  readonly id?: string;
}

export type Listener = (envelope: Envelope) => void | Promise<void>;

export interface BusSubscription {
  unsubscribe(): void;
}

export class Bus {
  readonly schemas: MessageSchemas;
  readonly maxEnvelopeBytes: number;
  readonly log: (line: string) => void;
  readonly #subscriptions = new Set<Subscription>();
  readonly #servers = new Set<WorkServer>();
  readonly #onClose: Array<() => Promise<void>> = [];
  /** Called once at the next reconnect (each removes itself or is removed). */
  readonly #reconnectWaiters = new Set<() => void>();
  #closing: Promise<void> | null = null;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly run: string,
    readonly name: string,
    options: BusOptions,
  ) {
    this.schemas = options.schemas ?? defaultSchemas;
    this.maxEnvelopeBytes = options.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    void this.#watchStatus();
  }

  /** Joins an existing run (the run's stream must exist). */
  static async connect(options: ConnectOptions): Promise<Bus> {
    const bus = await Bus.open(options);
    try {
      await bus.jsm.streams.info(bus.stream);
    } catch (err) {
      await bus.close();
      if (isNotFound(err)) throw new Error(`no run '${options.run}' on ${redactNatsUrl(options.natsUrl)} (stream ${bus.stream} not found)`);
      if ((err as { code?: string }).code === 'PERMISSIONS_VIOLATION') {
        throw new Error(`no access to run '${options.run}' on ${redactNatsUrl(options.natsUrl)}: these credentials are for another run`);
      }
      throw err;
    }
    return bus;
  }

  /** Connects without checking the run exists; startBus creates the run's storage next. */
  static async open(options: ConnectOptions): Promise<Bus> {
    checkRunId(options.run);
    checkAgentName(options.name);
    let nc: NatsConnection;
    try {
      nc = await connect(connectionOptions(options.natsUrl, options.name));
    } catch (err) {
      throw new Error(`cannot connect to NATS at ${redactNatsUrl(options.natsUrl)}: ${(err as Error).message}`);
    }
    let jsm: JetStreamManager;
    try {
      jsm = await nc.jetstreamManager();
    } catch (err) {
      await nc.close();
      throw new Error(`NATS at ${redactNatsUrl(options.natsUrl)} has no JetStream (start nats-server with -js): ${(err as Error).message}`);
    }
    return new Bus(nc, nc.jetstream(), jsm, options.run, options.name, options);
  }

  get stream(): string {
    return jetstreamNames.stream(this.run);
  }

  /** Builds an envelope of this run, validating its payload (throws MessageError on a sender's bug). */
  envelope<P>(fields: Omit<EnvelopeFields<P>, 'run' | 'from'> & { from?: string }): Envelope<P> {
    const parsed = this.schemas.parse(fields.type, fields.payload);
    if (!parsed.ok) throw new MessageError(`cannot send ${fields.type}: ${parsed.error}`);
    return createEnvelope({ ...fields, run: this.run, from: checkAgentName(fields.from ?? this.name), payload: parsed.value as P });
  }

  /** Sends an envelope on a subject of the run. `dedupKey` lets the stream drop a second copy. */
  sendTo(subject: string, envelope: Envelope, dedupKey: string = envelope.id): void {
    const data = msgpackCodec.encode(envelope);
    if (data.length > this.maxEnvelopeBytes) {
      throw new MessageError(`cannot send ${envelope.type}: ${data.length} bytes exceeds the ${this.maxEnvelopeBytes}-byte envelope limit`);
    }
    const h = headers();
    h.set('Nats-Msg-Id', dedupKey);
    this.nc.publish(subject, data, { headers: h });
  }

  /**
   * Sends and waits until the server has it (a flush round trip), sending
   * again after a reconnect when the connection dropped first: nats.js does not
   * keep what was written while it was reconnecting. Safe to repeat, since the
   * stream drops a second copy with the same dedupKey.
   */
  async deliver(subject: string, envelope: Envelope, dedupKey: string = envelope.id): Promise<void> {
    for (;;) {
      this.sendTo(subject, envelope, dedupKey);
      try {
        await this.nc.flush();
        return;
      } catch (err) {
        if (this.nc.isClosed()) throw new Error(`cannot send ${envelope.type} ${envelope.id}: the connection is closed`);
        await this.#nextReconnect(1000);
      }
    }
  }

  /** Resolves at the next reconnect, or after `ms` at the latest. */
  #nextReconnect(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#reconnectWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#reconnectWaiters.add(done);
    });
  }

  /** Receives envelopes on a subject of the run; invalid ones are dead-lettered, handler errors logged. */
  listen(subject: string, handler: Listener, check?: (envelope: Envelope) => string | null): BusSubscription {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) {
          this.log(`alphaswarm: subscription ${subject} failed: ${err.message}`);
          return;
        }
        const received = this.receive(msg.subject, msg.data);
        if (!received.ok) return;
        const opened = received.envelope;
        const problem = check?.(opened);
        if (problem) {
          this.deadLetter(msg.subject, msg.data, { ok: false, reason: 'invalid-envelope', detail: problem, original: { id: opened.id, type: opened.type, from: opened.from } });
          return;
        }
        Promise.resolve()
          .then(() => handler(opened))
          .catch((e: unknown) => this.log(`alphaswarm: handler for ${opened.type} on ${subject} failed: ${(e as Error).message}`));
      },
    });
    this.#subscriptions.add(sub);
    return {
      unsubscribe: () => {
        this.#subscriptions.delete(sub);
        sub.unsubscribe();
      },
    };
  }

  /** Opens a received message, dead-lettering it when it fails. */
  receive(subject: string, data: Uint8Array): Opened {
    const opened = openMessage(data, { run: this.run, schemas: this.schemas, maxBytes: this.maxEnvelopeBytes });
    if (!opened.ok) this.deadLetter(subject, data, opened);
    return opened;
  }

  /** Publishes the dead letter for a message (each distinct message once, however many receivers reject it). */
  deadLetter(subject: string, data: Uint8Array, failure: Extract<Opened, { ok: false }>): void {
    const payload: DeadLetterPayload = {
      reason: failure.reason,
      subject: subject.slice(0, 512),
      size: data.length,
      detail: failure.detail.slice(0, 2000),
      original: failure.original,
    };
    const digest = createHash('sha1').update(data).digest('hex');
    this.log(`alphaswarm: dead letter (${failure.reason}) on ${subject}: ${failure.detail.slice(0, 200)}`);
    try {
      this.sendTo(subjects.deadLetter(this.run, failure.reason), this.envelope({ type: RUNTIME_TYPES.deadLetter, payload }), `dead.${failure.reason}.${digest}`);
    } catch (err) {
      this.log(`alphaswarm: could not publish dead letter: ${(err as Error).message}`);
    }
  }

  /** Broadcasts an event of `type` to every subscriber. */
  publish<P>(type: string, payload: P, options: SendOptions = {}): Envelope<P> {
    const envelope = this.envelope({ type, payload, ...options });
    this.sendTo(subjects.event(this.run, type), envelope);
    return envelope;
  }

  /** Receives the events of the given types. */
  subscribe(types: string | readonly string[], handler: Listener): BusSubscription {
    const list = typeof types === 'string' ? [types] : types;
    const subs = list.map((type) =>
      this.listen(subjects.event(this.run, type), handler, (e) => (e.type === type ? null : `type ${e.type} on the subject of ${type}`)),
    );
    return { unsubscribe: () => subs.forEach((s) => s.unsubscribe()) };
  }

  /**
   * Asks queue group `queue` to do a task and waits for its answer. Rejects with
   * TaskFailedError when the member answered with a failure, RequestTimeoutError
   * when no answer came within (retries + 1) x timeoutMs.
   */
  async request<P>(queue: string, type: string, payload: P, options: RequestOptions = {}): Promise<Envelope> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const retries = options.retries ?? 0;
    const task = this.envelope({
      type,
      payload,
      to: checkAgentName(queue),
      ...(options.id !== undefined ? { id: options.id } : {}),
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      ...(options.trajectory !== undefined ? { trajectory: options.trajectory } : {}),
    });
    let settle!: (reply: Envelope) => void;
    const answered = new Promise<Envelope>((resolve) => (settle = resolve));
    const sub = this.listen(subjects.reply(this.run, task.id), (reply) => {
      if (reply.causation === task.id) settle(reply);
    });
    // An answer sent while this connection was down is missed live, but it is in the stream.
    const lookUp = (): void =>
      void this.findReply(task.id).then(
        (stored) => stored && settle(stored),
        () => {},
      );
    this.#reconnectWaiters.add(lookUp);
    try {
      const stored = options.id !== undefined ? await this.findReply(task.id) : null;
      if (stored !== null) return answerOf(stored, queue, task);
      for (let attempt = 0; attempt <= retries; attempt++) {
        await this.deliver(subjects.work(this.run, queue), task, attempt === 0 ? task.id : `${task.id}.retry-${attempt}`);
        const reply = (await withTimeout(answered, timeoutMs)) ?? (await this.findReply(task.id));
        if (reply !== null) return answerOf(reply, queue, task);
      }
      throw new RequestTimeoutError(`no answer from '${queue}' to ${type} ${task.id} after ${retries + 1} attempt(s) of ${timeoutMs} ms`);
    } finally {
      this.#reconnectWaiters.delete(lookUp);
      sub.unsubscribe();
    }
  }

  /** The stored answer to a task, if any (how a restarted process learns what was already done). */
  async findReply(taskId: string): Promise<Envelope | null> {
    try {
      const stored = await this.jsm.streams.getMessage(this.stream, { last_by_subj: subjects.reply(this.run, taskId) });
      const opened = openMessage(stored.data, { run: this.run, schemas: this.schemas, maxBytes: this.maxEnvelopeBytes });
      return opened.ok ? opened.envelope : null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Takes tasks from queue group `queue` (see workQueue.ts). */
  async serve(queue: string, handler: TaskHandler, options: ServeOptions = {}): Promise<WorkServer> {
    const server = await serveQueue(this, queue, handler, options);
    this.#servers.add(server);
    server.stopped.then(() => this.#servers.delete(server));
    return server;
  }

  /** Waits until the server has seen everything sent so far. */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  /** Runs `fn` when the bus closes, after the connection drained (startBus stops its server this way). */
  onClose(fn: () => Promise<void>): void {
    this.#onClose.push(fn);
  }

  /** Stops taking tasks (finishing the ones in hand), drains the connection, then runs the close hooks. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#servers].map((s) => s.stop()));
      if (!this.nc.isClosed()) {
        try {
          await this.nc.drain();
        } catch {
          await this.nc.close();
        }
      }
      for (const fn of this.#onClose) await fn();
    })();
    return this.#closing;
  }

  async #watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.log(`alphaswarm: ${this.name} lost its NATS connection; reconnecting`);
      else if (status.type === 'reconnect') {
        this.log(`alphaswarm: ${this.name} reconnected to NATS`);
        for (const waiter of [...this.#reconnectWaiters]) waiter();
      }
      // Permission violations also reject the operation that caused them, with the subject: no second report.
      else if (status.type === 'error' && String(status.data) !== 'PERMISSIONS_VIOLATION') this.log(`alphaswarm: NATS error: ${String(status.data)}`);
    }
  }
}

function answerOf(reply: Envelope, queue: string, task: Envelope): Envelope {
  if (reply.type === RUNTIME_TYPES.taskFailed) {
    throw new TaskFailedError(`'${queue}' failed ${task.type} ${task.id}: ${(reply.payload as { reason: string }).reason}`);
  }
  return reply;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
