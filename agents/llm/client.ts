/**
 * LlmClient: the only way agents talk to a model. One call asks for a value
 * matching a zod schema and gets back either that value or a reason it could
 * not be had; model misbehaviour (refusals, bad JSON, huge replies, 429s,
 * 5xx, hangs) never throws. Every request is bounded in time (an AbortSignal
 * that really drops the HTTP request), in size, in concurrency and in number
 * (retries, re-asks, the run's budget), and is accounted for.
 */
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { z } from 'zod';
import { type TokenUsage, type UsageSnapshot, UsageLedger, tokenUsage } from './accounting.js';
import { backoffDelayMs, sleep } from './backoff.js';
import { type BuiltModel, type ChatModel, type OfflineModelFactory, createChatModel } from './chatModel.js';
import { type LlmConfig, LlmConfigError, type RoleSettings, roleSettings } from './config.js';
import { type ReplyRejection, interpretReply } from './reply.js';
import { Semaphore } from './semaphore.js';
import { type RoleKind, cogAlphaTemperature } from './temperature.js';
import { CANCELLED, type TransportFailure, type TransportReason, classifyTransportError } from './transportError.js';

// ---- types ----

export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface LlmRequest<T> {
  readonly role: string;
  readonly agent: string;
  readonly messages: readonly LlmMessage[];
  readonly schema: z.ZodType<T>;
  /** Overrides both the role's configured temperature and the CogAlpha policy. */
  readonly temperature?: number;
  /** Cancels the call (queued, in flight or backing off): the result is `cancelled`. */
  readonly signal?: AbortSignal;
}

export type LlmFailureReason = ReplyRejection | TransportReason | 'budget-exhausted';

interface CallFacts {
  /** Model requests made for this call (first try, retries, re-asks). */
  readonly attempts: number;
  /** Tokens of all this call's requests. */
  readonly usage: TokenUsage;
  /** What answered: `<model> at <baseUrl>` or `offline <name>`. */
  readonly model: string;
  readonly temperature: number;
}

export type LlmResult<T> =
  | (CallFacts & { readonly ok: true; readonly value: T; readonly raw: string })
  | (CallFacts & { readonly ok: false; readonly reason: LlmFailureReason; readonly detail: string; readonly raw?: string });

export interface LlmClientOptions {
  readonly config: LlmConfig;
  /** Every role of the system and its kind (sets the temperature policy; catches typos in role names). */
  readonly roles: Readonly<Record<string, RoleKind>>;
  /** Builds the model for roles without an endpoint. */
  readonly offlineModel: OfflineModelFactory;
  /** The run's seed: fixes each agent's sequence of CogAlpha temperatures. */
  readonly seed: number;
  /** Uniform [0, 1) draws for retry jitter; injectable so tests are deterministic. */
  readonly random?: () => number;
}

type RequestOutcome =
  | { readonly kind: 'reply'; readonly text: string; readonly finishReason: string | undefined; readonly usage: TokenUsage }
  | { readonly kind: 'failure'; readonly failure: TransportFailure };

/** Bytes of HTTP body allowed per reply character: JSON escapes (\uXXXX) take up to 6, plus room for the envelope. */
const BODY_BYTES_PER_CHAR = 6;
const BODY_ENVELOPE_BYTES = 64 * 1024;

export class LlmClient {
  private readonly config: LlmConfig;
  private readonly roles: Readonly<Record<string, RoleKind>>;
  private readonly offlineModel: OfflineModelFactory;
  private readonly seed: number;
  private readonly random: () => number;
  private readonly ledger: UsageLedger;
  private readonly semaphore: Semaphore;
  private readonly models = new Map<string, BuiltModel>();
  private readonly callsPerAgent = new Map<string, number>();

  constructor(options: LlmClientOptions) {
    this.config = options.config;
    this.roles = options.roles;
    this.offlineModel = options.offlineModel;
    this.seed = options.seed;
    this.random = options.random ?? Math.random;
    this.ledger = new UsageLedger(options.config.budget);
    this.semaphore = new Semaphore(options.config.concurrency);
    for (const role of Object.keys(options.config.roles)) {
      if (!(role in options.roles)) {
        throw new LlmConfigError(`LLM config: unknown role '${role}' (roles: ${Object.keys(options.roles).join(', ')})`);
      }
    }
  }

  /** Token and cost totals of the run so far (for progress display and reports). */
  usage(): UsageSnapshot {
    return this.ledger.snapshot();
  }

  async complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>> {
    const kind = this.roles[request.role];
    if (kind === undefined) throw new Error(`LlmClient: unknown role '${request.role}' (roles: ${Object.keys(this.roles).join(', ')})`);
    const settings = roleSettings(this.config, request.role);
    const callIndex = this.callsPerAgent.get(request.agent) ?? 0;
    this.callsPerAgent.set(request.agent, callIndex + 1);
    const temperature = request.temperature ?? settings.temperature ?? cogAlphaTemperature(kind, this.seed, request.agent, callIndex);
    try {
      return await this.run(request, settings, temperature);
    } finally {
      this.ledger.recordCall(request.agent, request.role);
    }
  }

  private async run<T>(request: LlmRequest<T>, settings: RoleSettings, temperature: number): Promise<LlmResult<T>> {
    const { config } = this;
    const built = this.modelFor(request.role, settings, temperature);
    const original = request.messages.map(toLangChain);
    let conversation = original;
    let attempts = 0;
    let retries = 0;
    let repairs = 0;
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0, estimated: false };
    let raw: string | undefined;
    const facts = () => ({ attempts, usage, model: built.label, temperature });
    const fail = (reason: LlmFailureReason, detail: string): LlmResult<T> => ({ ok: false, reason, detail, ...(raw === undefined ? {} : { raw }), ...facts() });

    for (;;) {
      const exhausted = this.ledger.budgetExhausted();
      if (exhausted !== null) return fail('budget-exhausted', exhausted);
      attempts++;
      const outcome = await this.request(built.model, conversation, request.signal);

      let rejection: { reason: ReplyRejection; detail: string; text: string | undefined };
      if (outcome.kind === 'failure') {
        this.ledger.recordRequest(request.agent, request.role, null, settings.pricing);
        const f = outcome.failure;
        if (f.reason === 'too-large') {
          rejection = { reason: 'too-large', detail: f.detail, text: undefined };
        } else if (!f.retryable || retries >= config.maxRetries) {
          const tries = retries > 0 ? ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
          return fail(f.reason, `${f.detail}${tries}`);
        } else {
          if (f.retryAfterMs !== null && f.retryAfterMs > config.retryMaxDelayMs) {
            return fail(f.reason, `${f.detail}; the server asked to wait ${f.retryAfterMs} ms, more than the ${config.retryMaxDelayMs} ms limit`);
          }
          retries++;
          const wait = f.retryAfterMs ?? backoffDelayMs(retries, config.retryBaseDelayMs, config.retryMaxDelayMs, this.random);
          if (!(await sleep(wait, request.signal))) return fail(CANCELLED.reason, CANCELLED.detail);
          continue;
        }
      } else {
        this.ledger.recordRequest(request.agent, request.role, outcome.usage, settings.pricing);
        usage = {
          inputTokens: usage.inputTokens + outcome.usage.inputTokens,
          outputTokens: usage.outputTokens + outcome.usage.outputTokens,
          estimated: usage.estimated || outcome.usage.estimated,
        };
        raw = outcome.text.slice(0, config.maxReplyChars);
        const verdict = interpretReply({ text: outcome.text, finishReason: outcome.finishReason }, request.schema, config.maxReplyChars);
        if (verdict.ok) return { ok: true, value: verdict.value, raw, ...facts() };
        // An over-long reply is not shown back to the model: the note says what was wrong.
        rejection = { reason: verdict.reason, detail: verdict.detail, text: verdict.reason === 'too-large' ? undefined : raw };
      }

      // A refusal is not fixed by asking again; bad output may be, a bounded number of times.
      if (rejection.reason === 'refused' || repairs >= config.maxRepairs) return fail(rejection.reason, rejection.detail);
      repairs++;
      conversation = [...original, ...(rejection.text ? [new AIMessage(rejection.text)] : []), new HumanMessage(repairRequest(rejection.detail))];
    }
  }

  /** One model request under the concurrency limit and the timeout. Never throws. */
  private async request(model: ChatModel, messages: BaseMessage[], callerSignal: AbortSignal | undefined): Promise<RequestOutcome> {
    const timeoutMs = this.config.timeoutMs;
    const release = await this.semaphore.acquire(callerSignal);
    if (release === null) return { kind: 'failure', failure: CANCELLED };

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    // Settles when the signal fires even if a model ignores it, so no call can hang.
    const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    aborted.catch(() => {});
    try {
      if (callerSignal?.aborted) controller.abort(callerSignal.reason);
      const message = (await Promise.race([model.invoke(messages, { signal: controller.signal }), aborted])) as AIMessage;
      const text = message.text;
      const finishReason = message.response_metadata?.finish_reason;
      return {
        kind: 'reply',
        text,
        finishReason: typeof finishReason === 'string' ? finishReason : undefined,
        usage: tokenUsage(message.usage_metadata, messages.reduce((n, m) => n + m.text.length, 0), text.length),
      };
    } catch (err) {
      const abort = { cancelledByCaller: callerSignal?.aborted ?? false, timedOut, timeoutMs };
      return { kind: 'failure', failure: classifyTransportError(err, abort, Date.now()) };
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      release();
    }
  }

  /** Models are cached per (role, temperature): temperatures come from a small set, and a model keeps its HTTP connections. */
  private modelFor(role: string, settings: RoleSettings, temperature: number): BuiltModel {
    const key = `${role}\u0000${temperature}`;
    let built = this.models.get(key);
    if (!built) {
      const maxResponseBytes = this.config.maxReplyChars * BODY_BYTES_PER_CHAR + BODY_ENVELOPE_BYTES;
      built = createChatModel({ role, endpoint: settings.endpoint, temperature, maxTokens: settings.maxTokens, timeoutMs: this.config.timeoutMs, maxResponseBytes }, this.offlineModel);
      this.models.set(key, built);
    }
    return built;
  }
}

function toLangChain(m: LlmMessage): BaseMessage {
  if (m.role === 'system') return new SystemMessage(m.content);
  if (m.role === 'user') return new HumanMessage(m.content);
  return new AIMessage(m.content);
}

function repairRequest(problem: string): string {
  return `Your reply was rejected: ${problem}. Reply again with only the JSON value the instructions ask for, with no other text.`;
}
