/**
 * How graph nodes talk to agents: bus.request with a stable task id, the
 * reply checked against its schema, failures returned as values (a node
 * decides what a failed agent means for a candidate; nothing throws past
 * it), and every round trip timed for the generation's diagnostics.
 *
 * Stable ids: a task's id is derived from the run state (generation,
 * trajectory, step, round), so a resumed run that asks again gets the stored
 * answer instead of a second one (Bus.request looks the reply up first).
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AgentChannel } from '../agents/protocol.js';
import { MessageError, RequestTimeoutError, TaskFailedError, type Bus } from '../runtime/index.js';
import type { StageTiming } from './state.js';

export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface AskOptions {
  /** Stable task id parts, joined with '-' (see taskId). */
  readonly id: readonly (string | number)[];
  readonly trajectory?: string;
  readonly timeoutMs: number;
  /** Further attempts after a timeout (each re-queues the same task id). */
  readonly retries?: number;
}

/** A message id from parts: [A-Za-z0-9_-] only, at most 64 characters (longer ones keep a readable head and a hash). */
export function taskId(parts: readonly (string | number)[]): string {
  const joined = parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, '_')).join('-');
  if (joined.length <= 64) return joined;
  return `${joined.slice(0, 47)}-${createHash('sha256').update(joined).digest('hex').slice(0, 16)}`;
}

/** Records the round trips of one node run. */
export class StageClock {
  readonly #started = performance.now();
  readonly #requests = new Map<string, { count: number; seconds: number; failed: number }>();

  record(queue: string, seconds: number, ok: boolean): void {
    const entry = this.#requests.get(queue) ?? { count: 0, seconds: 0, failed: 0 };
    entry.count++;
    entry.seconds += seconds;
    if (!ok) entry.failed++;
    this.#requests.set(queue, entry);
  }

  /** This run's timing added to what the stage already had this generation (the verify loop runs a node several times). */
  finish(previous: StageTiming | undefined): StageTiming {
    const requests: Record<string, { count: number; seconds: number; failed: number }> = { ...(previous?.requests ?? {}) };
    for (const [queue, r] of this.#requests) {
      const before = requests[queue] ?? { count: 0, seconds: 0, failed: 0 };
      requests[queue] = { count: before.count + r.count, seconds: before.seconds + r.seconds, failed: before.failed + r.failed };
    }
    return { wallSeconds: (previous?.wallSeconds ?? 0) + (performance.now() - this.#started) / 1000, requests };
  }
}

export class AgentCalls {
  constructor(
    private readonly bus: Bus,
    private readonly clock: StageClock,
  ) {}

  /** Sends a task to `channel`'s queue and returns its checked reply, or why there is none. */
  async ask<S extends z.ZodType>(channel: AgentChannel, payload: unknown, schema: S, options: AskOptions): Promise<Answer<z.infer<S>>> {
    return this.askQueue(channel.queue, channel.task, payload, schema, options);
  }

  /** Like ask, for a queue named at run time (specialists). */
  async askQueue<S extends z.ZodType>(queue: string, type: string, payload: unknown, schema: S, options: AskOptions): Promise<Answer<z.infer<S>>> {
    const started = performance.now();
    let answer: Answer<z.infer<S>>;
    try {
      const reply = await this.bus.request(queue, type, payload, {
        id: taskId(options.id),
        timeoutMs: options.timeoutMs,
        retries: options.retries ?? 0,
        ...(options.trajectory !== undefined ? { trajectory: options.trajectory } : {}),
      });
      const parsed = schema.safeParse(reply.payload);
      answer = parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: `${queue} answered ${reply.type} that does not fit: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    } catch (err) {
      // A MessageError here means a task built from an agent's text does not fit its schema: that candidate's problem, not the run's.
      if (!(err instanceof TaskFailedError || err instanceof RequestTimeoutError || err instanceof MessageError)) throw err;
      answer = { ok: false, reason: err.message };
    }
    this.clock.record(queue, (performance.now() - started) / 1000, answer.ok);
    return answer;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
