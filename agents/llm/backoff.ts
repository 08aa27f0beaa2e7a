/** Waiting between retries: exponential backoff with jitter, and a sleep the caller can cancel. */

/**
 * Delay before retry number `retry` (1-based): the exponential step
 * `baseMs * 2^(retry-1)`, capped at `maxMs`, of which a random half is jitter
 * (so many agents hitting one 429 do not retry in lockstep).
 */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return step / 2 + random() * (step / 2);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
