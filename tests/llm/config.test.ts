import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bin/args.js';
import { LlmClient } from '../../agents/llm/client.js';
import { LLM_CLI_OPTIONS, LlmConfigError, loadLlmConfig, parseLlmConfig, roleSettings } from '../../agents/llm/config.js';

const load = (env: Record<string, string>, argv: string[] = [], files: Record<string, string> = {}) =>
  loadLlmConfig({
    env,
    options: parseArgs(argv, LLM_CLI_OPTIONS, 'swarm').options,
    readFile: (path) => {
      if (!(path in files)) throw new Error(`ENOENT: no such file '${path}'`);
      return files[path]!;
    },
  });

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(LlmConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected an LlmConfigError');
}

describe('sources', () => {
  it('nothing configured means every role uses the offline model, at no cost', () => {
    const config = load({});
    expect(config.defaults).toEqual({ endpoint: null, temperature: null, maxTokens: 4096, pricing: { inputPerMTok: 0, outputPerMTok: 0 } });
    expect(config).toMatchObject({ timeoutMs: 120_000, maxRetries: 4, maxRepairs: 2, concurrency: 4, budget: {} });
  });

  it('reads the endpoint from ALPHASWARM_* variables, which win over OPENAI_*', () => {
    const env = { ALPHASWARM_LLM_BASE_URL: 'http://a:1/v1', OPENAI_BASE_URL: 'http://b:2/v1', ALPHASWARM_LLM_MODEL: 'm', OPENAI_API_KEY: 'sk-o' };
    expect(load(env).defaults.endpoint).toEqual({ baseUrl: 'http://a:1/v1', model: 'm', apiKey: 'sk-o' });
    expect(load({ ...env, ALPHASWARM_LLM_API_KEY: 'sk-a' }).defaults.endpoint?.apiKey).toBe('sk-a');
    const { ALPHASWARM_LLM_BASE_URL: _, ...openaiOnly } = env;
    expect(load(openaiOnly).defaults.endpoint?.baseUrl).toBe('http://b:2/v1');
  });

  it('a model with no base URL means OpenAI itself; an API key alone selects nothing', () => {
    expect(load({ ALPHASWARM_LLM_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: 'k' }).defaults.endpoint?.baseUrl).toBe('https://api.openai.com/v1');
    expect(load({ OPENAI_API_KEY: 'k' }).defaults.endpoint).toBeNull();
  });

  it('CLI options win over the environment, which wins over the file', () => {
    const file = JSON.stringify({ model: 'from-file', timeoutMs: 1000, concurrency: 3, maxRepairs: 1 });
    const config = load(
      { ALPHASWARM_LLM_MODEL: 'from-env', ALPHASWARM_LLM_API_KEY: 'k', ALPHASWARM_LLM_TIMEOUT_MS: '2000' },
      ['--llm-config', 'llm.json', '--llm-timeout-ms', '3000', '--llm-budget-tokens', '5000'],
      { 'llm.json': file },
    );
    expect(config.defaults.endpoint?.model).toBe('from-env');
    expect(config).toMatchObject({ timeoutMs: 3000, concurrency: 3, maxRepairs: 1, budget: { tokens: 5000 } });
  });

  it('per-role overrides inherit what they do not set, and take keys from a named variable', () => {
    const file = JSON.stringify({
      pricing: { inputPerMTok: 0.5, outputPerMTok: 1.5 },
      roles: {
        checker: { model: 'small', temperature: 0.2, maxTokens: 512 },
        critic: { baseUrl: 'http://other:9/v1', model: 'big', apiKeyEnv: 'OTHER_KEY', pricing: { inputPerMTok: 3, outputPerMTok: 15 } },
      },
    });
    const config = load(
      { ALPHASWARM_LLM_BASE_URL: 'http://local:8000/v1', ALPHASWARM_LLM_MODEL: 'main', ALPHASWARM_LLM_API_KEY: 'k', OTHER_KEY: 'k2' },
      ['--llm-config', 'f.json'],
      { 'f.json': file },
    );
    expect(roleSettings(config, 'checker')).toEqual({
      endpoint: { baseUrl: 'http://local:8000/v1', model: 'small', apiKey: 'k' },
      temperature: 0.2,
      maxTokens: 512,
      pricing: { inputPerMTok: 0.5, outputPerMTok: 1.5 },
    });
    expect(roleSettings(config, 'critic')).toMatchObject({ endpoint: { baseUrl: 'http://other:9/v1', model: 'big', apiKey: 'k2' }, temperature: null, maxTokens: 4096, pricing: { inputPerMTok: 3, outputPerMTok: 15 } });
    expect(roleSettings(config, 'anything-else').endpoint?.model).toBe('main');
  });
});

describe('errors are one line and name their source', () => {
  it('rejects bad values', () => {
    expect(errorOf(() => load({ ALPHASWARM_LLM_TIMEOUT_MS: 'soon' }))).toBe('LLM config: ALPHASWARM_LLM_TIMEOUT_MS: expected a number, got "soon"');
    expect(errorOf(() => load({}, ['--llm-concurrency', '0']))).toMatch(/^LLM config: --llm-concurrency: Too small/);
    expect(errorOf(() => load({ ALPHASWARM_LLM_BASE_URL: 'ftp://x' }))).toBe('LLM config: ALPHASWARM_LLM_BASE_URL: expected an http(s) URL');
  });

  it('rejects a base URL without a model, and a model without a key', () => {
    expect(errorOf(() => load({ ALPHASWARM_LLM_BASE_URL: 'http://x:1/v1' }))).toContain('a base URL (http://x:1/v1) is set but no model');
    expect(errorOf(() => load({ ALPHASWARM_LLM_MODEL: 'm' }))).toContain('no API key for model m');
    const file = JSON.stringify({ roles: { critic: { model: 'm', apiKeyEnv: 'MISSING_KEY' } } });
    expect(errorOf(() => load({}, ['--llm-config', 'f.json'], { 'f.json': file }))).toBe('LLM config: role critic: apiKeyEnv MISSING_KEY is not set');
  });

  it('rejects typos, keys in files, unreadable files and a USD budget with no prices', () => {
    const typo = JSON.stringify({ roles: { checker: { temprature: 0.5 } } });
    expect(errorOf(() => load({}, ['--llm-config', 'f.json'], { 'f.json': typo }))).toBe('LLM config: f.json: roles.checker: Unrecognized key: "temprature"');
    expect(errorOf(() => load({}, ['--llm-config', 'f.json'], { 'f.json': '{"apiKey": "sk-x"}' }))).toContain('API keys do not belong in files');
    expect(errorOf(() => load({}, ['--llm-config', 'f.json'], { 'f.json': '{model: 1}' }))).toMatch(/^LLM config: f.json is not valid JSON/);
    expect(errorOf(() => load({}, ['--llm-config', 'nope.json']))).toMatch(/^LLM config: cannot read nope.json/);
    expect(errorOf(() => load({ ALPHASWARM_LLM_MODEL: 'm', ALPHASWARM_LLM_API_KEY: 'k', ALPHASWARM_LLM_BUDGET_USD: '5' }))).toContain('a USD budget needs prices');
  });

  it('the client rejects overrides for roles the system does not have', () => {
    const config = parseLlmConfig({ roles: { cheker: { temperature: 0.5 } } });
    const make = () => new LlmClient({ config, roles: { checker: 'checker' }, offlineModel: () => { throw new Error('unused'); }, seed: 0 });
    expect(errorOf(make)).toBe("LLM config: unknown role 'cheker' (roles: checker)");
  });
});
