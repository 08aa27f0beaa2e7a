import { describe, expect, it } from 'vitest';
import { backoffDelayMs, sleep } from '../../agents/llm/backoff.js';
import { Semaphore } from '../../agents/llm/semaphore.js';
import { retryAfterMs } from '../../agents/llm/transportError.js';

describe('backoffDelayMs', () => {
  it('doubles per retry up to the cap, half of each step being jitter', () => {
    expect(backoffDelayMs(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelayMs(1, 100, 10_000, () => 0.5)).toBe(75);
    expect(backoffDelayMs(3, 100, 10_000, () => 0.5)).toBe(300); // step 400
    expect(backoffDelayMs(10, 100, 1_000, () => 0)).toBe(500); // step capped at 1000
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' }), now)).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
  });
  it('is null when absent or unreadable', () => {
    expect(retryAfterMs(new Headers(), now)).toBeNull();
    expect(retryAfterMs(new Headers({ 'retry-after': 'later' }), now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});

describe('sleep', () => {
  it('ends early, with false, when the signal aborts', async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 10);
    const started = Date.now();
    expect(await sleep(10_000, c.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await sleep(1)).toBe(true);
  });
});

describe('Semaphore', () => {
  it('admits at most `limit` holders, first come first served', async () => {
    const s = new Semaphore(2);
    const a = (await s.acquire())!;
    const b = (await s.acquire())!;
    const order: string[] = [];
    const c = s.acquire().then((r) => (order.push('c'), r!));
    const d = s.acquire().then((r) => (order.push('d'), r!));
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one slot only
    await c;
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['c']);
    b();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('a waiter whose signal aborts leaves the queue without taking a slot', async () => {
    const s = new Semaphore(1);
    const held = (await s.acquire())!;
    const c = new AbortController();
    const gaveUp = s.acquire(c.signal);
    const next = s.acquire();
    c.abort();
    expect(await gaveUp).toBeNull();
    held();
    expect(typeof (await next)).toBe('function');
  });
});
