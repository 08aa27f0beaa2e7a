/**
 * LLM configuration: one default endpoint, per-role overrides, and the limits
 * every call obeys (timeout, retries, concurrency, output size, budget).
 *
 * Sources, later ones winning: built-in defaults < config file (`--llm-config`
 * or ALPHASWARM_LLM_CONFIG, JSON) < environment < CLI options. API keys come
 * from the environment only, never from a file that might be committed.
 * No model configured is a valid state: those roles use the offline model.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class LlmConfigError extends Error {
  override readonly name = 'LlmConfigError';
}

// ---- types ----

/** Price of one million tokens, in USD. */
export interface Pricing {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

export interface Endpoint {
  /** OpenAI-compatible base URL, e.g. `http://localhost:8000/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey: string;
}

/** Everything needed to build one role's model; `endpoint: null` means the offline model. */
export interface RoleSettings {
  readonly endpoint: Endpoint | null;
  /** A fixed temperature for the role; null lets the CogAlpha policy choose (see temperature.ts). */
  readonly temperature: number | null;
  readonly maxTokens: number;
  /** Null: price unknown, so cost is reported as unknown (tokens are still counted). */
  readonly pricing: Pricing | null;
}

export interface Budget {
  readonly usd?: number;
  /** Input plus output tokens. */
  readonly tokens?: number;
}

export interface LlmConfig {
  readonly defaults: RoleSettings;
  readonly roles: Readonly<Record<string, RoleSettings>>;
  /** Per request; the HTTP request is aborted when it passes. */
  readonly timeoutMs: number;
  /** Retries after 429, 5xx, timeouts and connection failures. */
  readonly maxRetries: number;
  /** Re-asks after a reply that is not valid JSON for the schema. */
  readonly maxRepairs: number;
  /** Model requests in flight at once, across all agents. */
  readonly concurrency: number;
  /** Longest reply accepted, in characters. */
  readonly maxReplyChars: number;
  readonly retryBaseDelayMs: number;
  /** Cap on one backoff wait, and on a Retry-After we are willing to honour. */
  readonly retryMaxDelayMs: number;
  readonly budget: Budget;
}

export function roleSettings(config: LlmConfig, role: string): RoleSettings {
  return config.roles[role] ?? config.defaults;
}

/** The offline model costs nothing. */
const FREE: Pricing = { inputPerMTok: 0, outputPerMTok: 0 };
const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** CogAlpha's maximum token length. */
const DEFAULT_MAX_TOKENS = 4096;

// ---- schemas (the shape a user writes) ----

const pricingSchema = z.strictObject({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() });
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
const count = (min: number) => z.number().int().min(min);

const roleOverrideSchema = z.strictObject({
  baseUrl: httpUrl.optional(),
  model: z.string().min(1).optional(),
  /** Name of the environment variable holding this role's API key. */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: count(1).optional(),
  pricing: pricingSchema.optional(),
});

const fileSchema = z.strictObject({
  baseUrl: httpUrl.optional(),
  model: z.string().min(1).optional(),
  maxTokens: count(1).default(DEFAULT_MAX_TOKENS),
  pricing: pricingSchema.optional(),
  roles: z.record(z.string().min(1), roleOverrideSchema).default({}),
  timeoutMs: count(1).default(120_000),
  maxRetries: count(0).max(20).default(4),
  maxRepairs: count(0).max(5).default(2),
  concurrency: count(1).max(1024).default(4),
  maxReplyChars: count(100).default(64_000),
  retryBaseDelayMs: count(0).default(1_000),
  retryMaxDelayMs: count(0).default(60_000),
  budget: z.strictObject({ usd: z.number().positive().optional(), tokens: count(1).optional() }).default({}),
});

/** The merged settings: a file's shape plus the default API key, which only the environment may give. */
const mergedSchema = fileSchema.extend({ apiKey: z.string().min(1).optional() });
export type LlmSettingsInput = z.input<typeof mergedSchema>;

// ---- sources ----

interface Setting {
  /** Dotted path in the merged settings. */
  readonly key: string;
  readonly env: readonly string[];
  readonly cli?: string;
  readonly number: boolean;
  readonly description: string;
}

const SETTINGS: readonly Setting[] = [
  { key: 'baseUrl', env: ['ALPHASWARM_LLM_BASE_URL', 'OPENAI_BASE_URL'], cli: 'llm-base-url', number: false, description: 'OpenAI-compatible endpoint (default https://api.openai.com/v1 when a model is set)' },
  { key: 'model', env: ['ALPHASWARM_LLM_MODEL'], cli: 'llm-model', number: false, description: 'model name; without one the offline research model answers' },
  { key: 'apiKey', env: ['ALPHASWARM_LLM_API_KEY', 'OPENAI_API_KEY'], number: false, description: '' },
  { key: 'timeoutMs', env: ['ALPHASWARM_LLM_TIMEOUT_MS'], cli: 'llm-timeout-ms', number: true, description: 'per-request timeout in ms (default 120000)' },
  { key: 'maxRetries', env: ['ALPHASWARM_LLM_MAX_RETRIES'], cli: 'llm-max-retries', number: true, description: 'retries after 429/5xx/timeouts (default 4)' },
  { key: 'concurrency', env: ['ALPHASWARM_LLM_CONCURRENCY'], cli: 'llm-concurrency', number: true, description: 'model requests in flight at once (default 4)' },
  { key: 'budget.usd', env: ['ALPHASWARM_LLM_BUDGET_USD'], cli: 'llm-budget-usd', number: true, description: 'stop the run once this many USD are spent (needs prices)' },
  { key: 'budget.tokens', env: ['ALPHASWARM_LLM_BUDGET_TOKENS'], cli: 'llm-budget-tokens', number: true, description: 'stop the run once this many tokens are used' },
  { key: 'pricing.inputPerMTok', env: ['ALPHASWARM_LLM_PRICE_INPUT'], cli: 'llm-price-input', number: true, description: 'USD per 1M input tokens (default unknown)' },
  { key: 'pricing.outputPerMTok', env: ['ALPHASWARM_LLM_PRICE_OUTPUT'], cli: 'llm-price-output', number: true, description: 'USD per 1M output tokens (default unknown)' },
];

/** Options for a command's spec (see bin/args.ts): spread into any command that calls models. */
export const LLM_CLI_OPTIONS: Readonly<Record<string, { readonly type: 'string'; readonly description: string }>> = Object.fromEntries([
  ['llm-config', { type: 'string', description: 'JSON file: endpoint, per-role overrides {baseUrl, model, apiKeyEnv, temperature, maxTokens, pricing}, limits' }],
  ...SETTINGS.filter((s) => s.cli).map((s) => [s.cli!, { type: 'string' as const, description: s.description }]),
]);

export interface LlmConfigSources {
  /** Parsed CLI options (values of LLM_CLI_OPTIONS; others are ignored). */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly readFile?: (path: string) => string;
}

/** Reads, merges and validates the configuration; throws LlmConfigError with a one-line message. */
export function loadLlmConfig(sources: LlmConfigSources = {}): LlmConfig {
  const env = sources.env ?? process.env;
  const options = sources.options ?? {};
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, string>();

  const file = stringOption(options, 'llm-config') ?? nonEmpty(env.ALPHASWARM_LLM_CONFIG);
  if (file !== undefined) {
    let text: string;
    try {
      text = (sources.readFile ?? ((p) => readFileSync(p, 'utf8')))(file);
    } catch (err) {
      throw new LlmConfigError(`LLM config: cannot read ${file}: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new LlmConfigError(`LLM config: ${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof json === 'object' && json !== null && 'apiKey' in json) {
      throw new LlmConfigError(`LLM config: ${file}: API keys do not belong in files; set ALPHASWARM_LLM_API_KEY, or name a variable in a role's apiKeyEnv`);
    }
    const checked = fileSchema.safeParse(json);
    if (!checked.success) throw new LlmConfigError(`LLM config: ${file}: ${firstIssue(checked.error)}`);
    Object.assign(merged, json);
  }
  for (const s of SETTINGS) {
    const fromEnv = s.env.map((name) => [name, nonEmpty(env[name])] as const).find(([, v]) => v !== undefined);
    const fromCli = s.cli ? stringOption(options, s.cli) : undefined;
    const [label, raw] = fromCli !== undefined ? [`--${s.cli}`, fromCli] : (fromEnv ?? [undefined, undefined]);
    if (raw === undefined) continue;
    const value = s.number ? Number(raw) : raw;
    if (s.number && (raw.trim() === '' || !Number.isFinite(value))) throw new LlmConfigError(`LLM config: ${label}: expected a number, got ${JSON.stringify(raw)}`);
    setPath(merged, s.key, value);
    origin.set(s.key, label!);
  }
  return parseLlmConfig(merged, env, (path) => origin.get(path) ?? (file ? `${file}: ${path}` : path));
}

/**
 * Validates merged settings and resolves every role's endpoint, key and price.
 * `label` names where a setting came from, for error messages.
 */
export function parseLlmConfig(
  input: LlmSettingsInput,
  env: Readonly<Record<string, string | undefined>> = {},
  label: (path: string) => string = (path) => path,
): LlmConfig {
  const checked = mergedSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new LlmConfigError(`LLM config: ${label(issue.path.join('.'))}: ${issue.message}`);
  }
  const s = checked.data;
  const fail = (message: string): never => {
    throw new LlmConfigError(`LLM config: ${message}`);
  };

  const resolve = (where: string, o: z.infer<typeof roleOverrideSchema>): RoleSettings => {
    const model = o.model ?? s.model;
    const baseUrl = o.baseUrl ?? s.baseUrl;
    if (model === undefined) {
      if (baseUrl !== undefined) fail(`${where}: a base URL (${baseUrl}) is set but no model: set ALPHASWARM_LLM_MODEL or --llm-model`);
      return { endpoint: null, temperature: o.temperature ?? null, maxTokens: o.maxTokens ?? s.maxTokens, pricing: FREE };
    }
    const apiKey = o.apiKeyEnv !== undefined ? nonEmpty(env[o.apiKeyEnv]) ?? fail(`${where}: apiKeyEnv ${o.apiKeyEnv} is not set`) : s.apiKey;
    if (apiKey === undefined) fail(`${where}: no API key for model ${model}: set ALPHASWARM_LLM_API_KEY (any non-empty value for a server without authentication)`);
    const pricing = o.pricing ?? s.pricing ?? null;
    if (s.budget.usd !== undefined && pricing === null) fail(`${where}: a USD budget needs prices: set --llm-price-input and --llm-price-output (or pricing in the config file)`);
    return { endpoint: { baseUrl: baseUrl ?? OPENAI_BASE_URL, model, apiKey: apiKey! }, temperature: o.temperature ?? null, maxTokens: o.maxTokens ?? s.maxTokens, pricing };
  };

  return {
    defaults: resolve('default endpoint', {}),
    roles: Object.fromEntries(Object.entries(s.roles).map(([role, o]) => [role, resolve(`role ${role}`, o)])),
    timeoutMs: s.timeoutMs,
    maxRetries: s.maxRetries,
    maxRepairs: s.maxRepairs,
    concurrency: s.concurrency,
    maxReplyChars: s.maxReplyChars,
    retryBaseDelayMs: s.retryBaseDelayMs,
    retryMaxDelayMs: s.retryMaxDelayMs,
    budget: s.budget,
  };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}${more}`;
}

function stringOption(options: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = options[name];
  return typeof v === 'string' ? v : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    node = node[k] = typeof next === 'object' && next !== null ? { ...(next as Record<string, unknown>) } : {};
  }
  node[keys.at(-1)!] = value;
}
