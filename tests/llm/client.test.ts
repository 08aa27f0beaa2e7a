/**
 * LlmClient driving the real ChatOpenAI (@langchain/openai) over real HTTP
 * against the scripted local server: every way a model or endpoint misbehaves,
 * with the outcome and the number of requests each one costs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmClient } from '../../agents/llm/client.js';
import type { OfflineModelFactory } from '../../agents/llm/chatModel.js';
import { type LlmSettingsInput, parseLlmConfig } from '../../agents/llm/config.js';
import { GENERATING_TEMPERATURES } from '../../agents/llm/temperature.js';
import { OpenAiTestServer } from '../helpers/openaiServer.js';

const ROLES = { generator: 'generating', checker: 'checker' } as const;
const factorSchema = z.object({ expression: z.string().min(1), rationale: z.string() });
const GOOD = '{"expression": "Mean($close, 5) / $close", "rationale": "short-term reversal"}';
const MESSAGES = [
  { role: 'system', content: 'You propose alpha factors as JSON {expression, rationale}.' },
  { role: 'user', content: 'Propose one factor.' },
] as const;

const endpointOnly: OfflineModelFactory = () => {
  throw new Error('these tests configure an endpoint; the offline model must not be built');
};

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await OpenAiTestServer.start();
});
afterEach(async () => {
  await server.close();
});

function clientFor(settings: Partial<LlmSettingsInput> = {}): LlmClient {
  const config = parseLlmConfig({
    baseUrl: server.baseUrl,
    model: 'test-model',
    apiKey: 'test-key',
    timeoutMs: 5_000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 2_000,
    ...settings,
  });
  return new LlmClient({ config, roles: ROLES, offlineModel: endpointOnly, seed: 7, random: () => 0.5 });
}

const ask = (client: LlmClient, extra: { role?: string; agent?: string; temperature?: number; signal?: AbortSignal } = {}) =>
  client.complete({ role: 'generator', agent: 'g1', messages: MESSAGES, schema: factorSchema, ...extra });

async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a good reply', () => {
  it('is parsed, validated and returned after one request carrying the configured model, key, temperature and messages', async () => {
    server.script({ content: GOOD });
    const result = await ask(clientFor(), { temperature: 0.9 });
    expect(result).toMatchObject({ ok: true, value: { expression: 'Mean($close, 5) / $close', rationale: 'short-term reversal' }, raw: GOOD, attempts: 1 });
    expect(result.model).toBe(`test-model at ${server.baseUrl}`);
    expect(server.requests).toHaveLength(1);
    const { body, headers } = server.requests[0]!;
    expect(body.model).toBe('test-model');
    expect(body.temperature).toBe(0.9);
    expect(body.max_tokens).toBe(4096);
    expect(body.messages).toEqual(MESSAGES.map((m) => ({ role: m.role, content: m.content })));
    expect(headers.authorization).toBe('Bearer test-key');
  });

  it('is found inside prose and a ```json fence, trailing comma forgiven', async () => {
    server.script({ content: 'Here is my factor:\n```json\n{"expression": "Rank($volume)", "rationale": "liquidity",}\n```\nHope this helps!' });
    const result = await ask(clientFor());
    expect(result).toMatchObject({ ok: true, value: { expression: 'Rank($volume)', rationale: 'liquidity' }, attempts: 1 });
  });

  it('uses 0.8 for checker roles and a seeded CogAlpha draw for generating roles', async () => {
    server.script({ content: GOOD }, { content: GOOD }, { content: GOOD }, { content: GOOD });
    await ask(clientFor(), { role: 'checker' });
    const a = await ask(clientFor(), { agent: 'g1' });
    const again = await ask(clientFor(), { agent: 'g1' });
    const config = await ask(clientFor({ roles: { generator: { temperature: 0.3 } } }));
    expect(server.requests[0]!.body.temperature).toBe(0.8);
    expect(GENERATING_TEMPERATURES).toContain(server.requests[1]!.body.temperature);
    expect(a.temperature).toBe(again.temperature); // same seed, same agent, same call number
    expect(server.requests[2]!.body.temperature).toBe(server.requests[1]!.body.temperature);
    expect(config.temperature).toBe(0.3);
    expect(server.requests[3]!.body.temperature).toBe(0.3);
  });
});

describe('bad output', () => {
  it('malformed JSON fails with invalid-output after one request when re-asking is off', async () => {
    server.script({ content: '{"expression": "Rank($close)", "rationale": }' });
    const result = await ask(clientFor({ maxRepairs: 0 }));
    expect(result).toMatchObject({ ok: false, reason: 'invalid-output', attempts: 1, raw: '{"expression": "Rank($close)", "rationale": }' });
    if (!result.ok) expect(result.detail).toMatch(/^malformed JSON/);
  });

  it('malformed JSON is re-asked once with the bad reply and the reason, then accepted', async () => {
    const bad = '{"expression": "Rank($close)" "rationale": "x"}';
    server.script({ content: bad }, { content: GOOD });
    const result = await ask(clientFor());
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    const second = server.requests[1]!.body.messages;
    expect(second.slice(0, 2)).toEqual(MESSAGES.map((m) => ({ role: m.role, content: m.content })));
    expect(second[2]).toEqual({ role: 'assistant', content: bad });
    expect(second[3].role).toBe('user');
    expect(second[3].content).toMatch(/rejected: malformed JSON/);
  });

  it('a reply failing the schema is re-asked naming the failing field', async () => {
    server.script({ content: '{"expression": "", "rationale": 3}' }, { content: GOOD });
    const result = await ask(clientFor());
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    const note = server.requests[1]!.body.messages.at(-1).content as string;
    expect(note).toContain('does not match the schema');
    expect(note).toContain('expression:');
    expect(note).toContain('rationale:');
  });

  it('re-asking is bounded: maxRepairs 2 means three requests, then invalid-output', async () => {
    server.script({ content: '[]' }, { content: '{}' }, { content: 'no json here' });
    const result = await ask(clientFor({ maxRepairs: 2 }));
    expect(result).toMatchObject({ ok: false, reason: 'invalid-output', attempts: 3, raw: 'no json here' });
    expect(server.requests).toHaveLength(3);
  });

  it('a reply over the character limit is too-large, re-asked, then accepted', async () => {
    const long = JSON.stringify({ expression: 'Rank($close)', rationale: 'y'.repeat(5_000) });
    server.script({ content: long }, { content: GOOD });
    const result = await ask(clientFor({ maxReplyChars: 1_000, maxRepairs: 1 }));
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    const second = server.requests[1]!.body.messages;
    expect(second).toHaveLength(3); // the original two, then the note; the long reply is not sent back
    expect(second[2].content).toMatch(/5\d{3} characters exceeds the 1000-character limit/);
  });

  it('an endless body is cut off at the byte limit: the client drops the connection', async () => {
    server.script({ endlessBody: true });
    const result = await ask(clientFor({ maxReplyChars: 1_000, maxRepairs: 0 }));
    expect(result).toMatchObject({ ok: false, reason: 'too-large', attempts: 1 });
    await until(() => server.requests[0]!.closedByClientAt !== null);
  });

  it('a 200 whose body is not a completion is a model-error, not a crash', async () => {
    server.script({ rawBody: '<html>gateway</html>' });
    const result = await ask(clientFor());
    expect(result).toMatchObject({ ok: false, reason: 'model-error', attempts: 1 });
  });
});

describe('refusals', () => {
  it('a refusal in words is refused, and not re-asked', async () => {
    server.script({ content: "I'm sorry, but I can't help with creating trading signals." });
    const result = await ask(clientFor({ maxRepairs: 2 }));
    expect(result).toMatchObject({ ok: false, reason: 'refused', attempts: 1 });
    if (!result.ok) expect(result.detail).toContain("I'm sorry");
  });

  it("OpenAI's structured refusal (content null) is refused", async () => {
    server.script({ content: null, refusal: 'I cannot assist with that.' });
    expect(await ask(clientFor())).toMatchObject({ ok: false, reason: 'refused', attempts: 1 });
  });

  it('finish_reason content_filter is refused', async () => {
    server.script({ content: '{"expression": "Rank(', finishReason: 'content_filter' });
    expect(await ask(clientFor())).toMatchObject({ ok: false, reason: 'refused', attempts: 1 });
  });
});

describe('transport failures', () => {
  it('a hung request is aborted at the timeout: the server sees the connection closed', async () => {
    server.script({ hang: true });
    const started = Date.now();
    const result = await ask(clientFor({ timeoutMs: 300, maxRetries: 0 }));
    expect(result).toMatchObject({ ok: false, reason: 'timeout', attempts: 1 });
    expect(Date.now() - started).toBeLessThan(3_000);
    await until(() => server.requests[0]!.closedByClientAt !== null);
    const open = server.requests[0]!.closedByClientAt! - server.requests[0]!.receivedAt;
    expect(open).toBeGreaterThanOrEqual(250);
  });

  it('a timeout is retried, and the retry succeeds', async () => {
    server.script({ hang: true }, { content: GOOD });
    const result = await ask(clientFor({ timeoutMs: 300, maxRetries: 1 }));
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    await until(() => server.requests[0]!.closedByClientAt !== null);
  });

  it('a 429 with Retry-After: 1 is honoured (not the 5 ms backoff), then succeeds', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' } }, { content: GOOD });
    const result = await ask(clientFor());
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('a Retry-After longer than the limit gives up at once with rate-limited', async () => {
    server.script({ status: 429, headers: { 'retry-after-ms': '3600000' } });
    const result = await ask(clientFor({ retryMaxDelayMs: 2_000 }));
    expect(result).toMatchObject({ ok: false, reason: 'rate-limited', attempts: 1 });
    if (!result.ok) expect(result.detail).toContain('more than the 2000 ms limit');
  });

  it('5xx are retried with backoff until one succeeds', async () => {
    server.script({ status: 500 }, { status: 503 }, { content: GOOD });
    expect(await ask(clientFor({ maxRetries: 4 }))).toMatchObject({ ok: true, attempts: 3 });
  });

  it('retries are bounded: maxRetries 2 means three requests, then server-error', async () => {
    server.script({ status: 500 }, { status: 502 }, { status: 500 }, { content: GOOD });
    const result = await ask(clientFor({ maxRetries: 2 }));
    expect(result).toMatchObject({ ok: false, reason: 'server-error', attempts: 3 });
    expect(server.requests).toHaveLength(3);
    expect(server.pending).toBe(1);
  });

  it('a 401 is rejected without retrying', async () => {
    server.script({ status: 401, message: 'bad key' }, { content: GOOD });
    const result = await ask(clientFor({ maxRetries: 4 }));
    expect(result).toMatchObject({ ok: false, reason: 'rejected', attempts: 1 });
    if (!result.ok) expect(result.detail).toContain('401');
  });

  it('an endpoint nobody listens on is unreachable after the retries', async () => {
    const client = clientFor({ maxRetries: 1 });
    await server.close();
    const result = await ask(client);
    expect(result).toMatchObject({ ok: false, reason: 'unreachable', attempts: 2 });
    server = await OpenAiTestServer.start(); // for afterEach
  });

  it('the caller can cancel an in-flight call; the HTTP request is dropped', async () => {
    server.script({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const result = await ask(clientFor(), { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, reason: 'cancelled', attempts: 1 });
    await until(() => server.requests[0]!.closedByClientAt !== null);
  });
});

describe('concurrency', () => {
  it('never has more than `concurrency` requests in flight', async () => {
    for (let i = 0; i < 6; i++) server.script({ content: GOOD, delayMs: 150 });
    const client = clientFor({ concurrency: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(client, { agent: `g${i}` })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.maxInFlight).toBe(2);
  });
});
