/**
 * What went wrong when a model request threw, and whether trying again can help.
 * Errors come from the OpenAI SDK as wrapped by @langchain/openai (they carry
 * `status` and `headers`), from our own bounded fetch, or from any other
 * BaseChatModel (the offline model); none of them escapes the client.
 */
import { ResponseTooLargeError } from './boundedFetch.js';

export type TransportReason = 'timeout' | 'rate-limited' | 'server-error' | 'unreachable' | 'rejected' | 'too-large' | 'cancelled' | 'model-error';

export interface TransportFailure {
  readonly reason: TransportReason;
  readonly detail: string;
  /** A later identical request may succeed (429, 5xx, timeouts, connection failures). */
  readonly retryable: boolean;
  /** How long the server asked us to wait (Retry-After), if it said. */
  readonly retryAfterMs: number | null;
}

/** What the client knows about its own abort signals when the request failed. */
export interface AbortState {
  readonly cancelledByCaller: boolean;
  readonly timedOut: boolean;
  readonly timeoutMs: number;
}

export const CANCELLED: TransportFailure = { reason: 'cancelled', detail: 'the caller cancelled the request', retryable: false, retryAfterMs: null };

export function classifyTransportError(err: unknown, abort: AbortState, nowMs: number): TransportFailure {
  const fail = (reason: TransportReason, detail: string, retryable: boolean, retryAfterMs: number | null = null): TransportFailure => ({
    reason,
    detail,
    retryable,
    retryAfterMs,
  });
  if (abort.cancelledByCaller) return CANCELLED;
  if (abort.timedOut) return fail('timeout', `no complete reply within ${abort.timeoutMs} ms`, true);

  const tooLarge = findInCauses(err, (e) => e instanceof ResponseTooLargeError);
  if (tooLarge) return fail('too-large', (tooLarge as Error).message, false);

  const e = (typeof err === 'object' && err !== null ? err : {}) as { status?: unknown; headers?: unknown; name?: unknown };
  const message = oneLine(err instanceof Error ? err.message : String(err));
  if (e.name === 'TimeoutError') return fail('timeout', message, true);
  if (typeof e.status === 'number') {
    const status = e.status;
    if (status === 429) return fail('rate-limited', message, true, retryAfterMs(e.headers, nowMs));
    if (status === 408) return fail('timeout', message, true);
    if (status === 409 || status >= 500) return fail('server-error', message, true, retryAfterMs(e.headers, nowMs));
    return fail('rejected', message, false);
  }
  if (err instanceof Error && err.constructor.name === 'APIConnectionError') {
    const cause = (err as { cause?: unknown }).cause;
    return fail('unreachable', oneLine(`${err.message} ${cause instanceof Error ? `(${cause.message}${causeCode(cause)})` : ''}`), true);
  }
  return fail('model-error', message, false);
}

/**
 * The wait a response asked for: `retry-after-ms` (OpenAI's), else `Retry-After`
 * in seconds or as an HTTP date. Null when absent or unreadable.
 */
export function retryAfterMs(headers: unknown, nowMs: number): number | null {
  const get = (name: string): string | null => {
    if (headers instanceof Headers) return headers.get(name);
    if (typeof headers === 'object' && headers !== null) {
      const v = (headers as Record<string, unknown>)[name];
      return typeof v === 'string' ? v : null;
    }
    return null;
  };
  const ms = Number(get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = get('retry-after');
  if (after === null) return null;
  const seconds = Number(after);
  if (after.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}

function findInCauses(err: unknown, test: (e: unknown) => boolean): unknown {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (test(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeCode(cause: Error): string {
  const code = (cause as { code?: unknown }).code ?? ((cause as { cause?: { code?: unknown } }).cause?.code);
  return typeof code === 'string' ? `: ${code}` : '';
}

/** Error text from a server is hostile too: one line, bounded. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
