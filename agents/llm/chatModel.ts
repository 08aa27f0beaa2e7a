/**
 * The one seam between the client and a model. Every model is a LangChain
 * BaseChatModel: ChatOpenAI for a configured endpoint, or the offline research
 * model when none is, so both take exactly the same call path in LlmClient.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import { boundedFetch } from './boundedFetch.js';
import type { Endpoint } from './config.js';

export type ChatModel = BaseChatModel;

/** What a role's model is built from, for one temperature. */
export interface ModelSettings {
  readonly role: string;
  readonly endpoint: Endpoint | null;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly timeoutMs: number;
  /** Largest HTTP response body read, in bytes. */
  readonly maxResponseBytes: number;
}

/** Builds the offline model for a role (called only when `settings.endpoint` is null). */
export type OfflineModelFactory = (settings: ModelSettings) => ChatModel;

export interface BuiltModel {
  readonly model: ChatModel;
  /** What answered, for reports: `<model> at <baseUrl>`, or `offline <name>` so it is never mistaken for an LLM. */
  readonly label: string;
}

export function createChatModel(settings: ModelSettings, offlineModel: OfflineModelFactory): BuiltModel {
  const { endpoint } = settings;
  if (endpoint === null) {
    const model = offlineModel(settings);
    return { model, label: `offline ${model.getName()}` };
  }
  const model = new ChatOpenAI({
    model: endpoint.model,
    apiKey: endpoint.apiKey,
    temperature: settings.temperature,
    maxTokens: settings.maxTokens,
    timeout: settings.timeoutMs,
    // LlmClient owns retries (backoff, Retry-After, budget checks between attempts).
    maxRetries: 0,
    configuration: { baseURL: endpoint.baseUrl, fetch: boundedFetch(settings.maxResponseBytes) },
  });
  return { model, label: `${endpoint.model} at ${endpoint.baseUrl}` };
}
