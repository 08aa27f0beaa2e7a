/**
 * Token and cost accounting from the endpoint's own usage numbers (over real
 * HTTP), estimates when it gives none, and a budget that stops calls exactly.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmClient } from '../../agents/llm/client.js';
import { type LlmSettingsInput, parseLlmConfig } from '../../agents/llm/config.js';
import { OpenAiTestServer } from '../helpers/openaiServer.js';

const ROLES = { generator: 'generating', checker: 'checker' } as const;
const schema = z.object({ expression: z.string(), rationale: z.string() });
const GOOD = '{"expression":"A","rationale":"B"}'; // 34 characters
const PROMPT = [{ role: 'user', content: 'x'.repeat(41) }] as const;

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await OpenAiTestServer.start();
});
afterEach(async () => {
  await server.close();
});

function clientFor(settings: Partial<LlmSettingsInput> = {}): LlmClient {
  const config = parseLlmConfig({ baseUrl: server.baseUrl, model: 'test-model', apiKey: 'k', retryBaseDelayMs: 1, ...settings });
  return new LlmClient({
    config,
    roles: ROLES,
    offlineModel: () => {
      throw new Error('endpoint configured');
    },
    seed: 1,
  });
}

const ask = (client: LlmClient, agent: string, role: 'generator' | 'checker' = 'generator') =>
  client.complete({ role, agent, messages: PROMPT, schema });

describe('usage and cost', () => {
  it('adds up the endpoint-reported tokens and prices per run, per agent and per role, failed requests included', async () => {
    const client = clientFor({
      pricing: { inputPerMTok: 2, outputPerMTok: 10 },
      roles: { checker: { pricing: { inputPerMTok: 1, outputPerMTok: 4 } } },
    });
    server.script(
      { content: GOOD, usage: { prompt_tokens: 123, completion_tokens: 45 } }, // A generator
      { content: GOOD, usage: { prompt_tokens: 200, completion_tokens: 10 } }, // A checker
      { status: 500 }, // B generator: a failed request, then a bad reply, then a good one
      { content: '{"expression": 1}', usage: { prompt_tokens: 50, completion_tokens: 30 } },
      { content: GOOD, usage: { prompt_tokens: 60, completion_tokens: 20 } },
    );
    await ask(client, 'A');
    await ask(client, 'A', 'checker');
    const b = await ask(client, 'B');
    expect(b).toMatchObject({ ok: true, attempts: 3, usage: { inputTokens: 110, outputTokens: 50, estimated: false } });

    // generator: (123*2 + 45*10) = 696, (50*2 + 30*10) = 400, (60*2 + 20*10) = 320 micro-USD; checker: 200*1 + 10*4 = 240
    const s = client.usage();
    expect(s).toMatchObject({ calls: 3, requests: 5, inputTokens: 433, outputTokens: 105, estimated: false });
    expect(s.costUsd).toBeCloseTo(1656e-6, 12);
    expect(s.byAgent.A).toMatchObject({ calls: 2, requests: 2, inputTokens: 323, outputTokens: 55 });
    expect(s.byAgent.A!.costUsd).toBeCloseTo(936e-6, 12);
    expect(s.byAgent.B).toMatchObject({ calls: 1, requests: 3, inputTokens: 110, outputTokens: 50 });
    expect(s.byAgent.B!.costUsd).toBeCloseTo(720e-6, 12);
    expect(s.byRole.generator).toMatchObject({ calls: 2, requests: 4, inputTokens: 233, outputTokens: 95 });
    expect(s.byRole.generator!.costUsd).toBeCloseTo(1416e-6, 12);
    expect(s.byRole.checker).toMatchObject({ calls: 1, requests: 1, inputTokens: 200, outputTokens: 10 });
    expect(s.byRole.checker!.costUsd).toBeCloseTo(240e-6, 12);
  });

  it('without prices, cost is unknown (null) while tokens are still counted', async () => {
    const client = clientFor();
    server.script({ content: GOOD, usage: { prompt_tokens: 7, completion_tokens: 3 } });
    await ask(client, 'A');
    expect(client.usage()).toMatchObject({ inputTokens: 7, outputTokens: 3, costUsd: null });
  });

  it('when the endpoint reports no usage, tokens are estimated at 4 characters each and flagged', async () => {
    const client = clientFor();
    server.script({ content: GOOD, usage: null });
    const result = await ask(client, 'A');
    // prompt 41 characters -> 11 tokens; reply 34 characters -> 9 tokens
    expect(result).toMatchObject({ ok: true, usage: { inputTokens: 11, outputTokens: 9, estimated: true } });
    expect(client.usage()).toMatchObject({ inputTokens: 11, outputTokens: 9, estimated: true });
  });
});

describe('budget', () => {
  const each = { prompt_tokens: 100, completion_tokens: 50 };

  it('a token budget stops the run exactly: no request starts once 600 tokens are used', async () => {
    const client = clientFor({ budget: { tokens: 600 } });
    for (let i = 0; i < 6; i++) server.script({ content: GOOD, usage: each });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await ask(client, `agent${i % 2}`));
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'ok', 'ok', 'ok', 'budget-exhausted', 'budget-exhausted']);
    expect(results[4]).toMatchObject({ attempts: 0 });
    expect(server.requests).toHaveLength(4);
    expect(client.usage()).toMatchObject({ calls: 6, requests: 4, inputTokens: 400, outputTokens: 200, budget: { tokens: 600, exhausted: true } });
  });

  it('a USD budget stops the run once the priced spend reaches it', async () => {
    // each call: 100 * $2/M + 50 * $10/M = $0.0007; after three calls $0.0021 >= $0.002
    const client = clientFor({ budget: { usd: 0.002 }, pricing: { inputPerMTok: 2, outputPerMTok: 10 } });
    for (let i = 0; i < 5; i++) server.script({ content: GOOD, usage: each });
    const reasons = [];
    for (let i = 0; i < 5; i++) {
      const r = await ask(client, 'A');
      reasons.push(r.ok ? 'ok' : r.reason);
    }
    expect(reasons).toEqual(['ok', 'ok', 'ok', 'budget-exhausted', 'budget-exhausted']);
    expect(server.requests).toHaveLength(3);
  });

  it('the budget also stops a call between its re-asks, keeping the last reply', async () => {
    const client = clientFor({ budget: { tokens: 150 }, maxRepairs: 2 });
    server.script({ content: 'not json', usage: each }, { content: GOOD, usage: each });
    const result = await ask(client, 'A');
    expect(result).toMatchObject({ ok: false, reason: 'budget-exhausted', attempts: 1, raw: 'not json' });
    expect(server.requests).toHaveLength(1);
  });
});
