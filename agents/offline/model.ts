/**
 * The embedded offline research model: NOT an LLM. A deterministic,
 * rule-and-knowledge-based stand-in that answers every swarm role in that
 * role's reply schema when no model endpoint is configured, so the whole
 * swarm runs offline, for free and reproducibly. It reads only the prompt's
 * context block (prompts/context.ts), knows generic domain knowledge
 * (knowledge/), never data, and sees only what the role's input carries.
 *
 * It plugs into LlmClient as a LangChain chat model through the
 * OfflineModelFactory seam (agents/llm/chatModel.ts), so its calls take the
 * same path (parse, validate, re-ask, accounting) as a real model's.
 */
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { OfflineModelFactory } from '../llm/chatModel.js';
import { readContextBlock } from '../../prompts/context.js';
import { DEFAULT_ENVIRONMENT, type OfflineEnvironment } from './environment.js';
import { respond } from './respond.js';

/** How it shows in reports: LlmClient labels it `offline <name>`. */
export const OFFLINE_MODEL_NAME = 'research model (deterministic, not an LLM)';

export interface OfflineResearchModelOptions {
  /** The run's seed: the same seed and input give the same answer. */
  readonly seed: number;
  /** Fields and limits of the data (default: the default fields and limits). */
  readonly environment?: OfflineEnvironment;
}

export class OfflineResearchModel extends BaseChatModel {
  readonly seed: number;
  readonly environment: OfflineEnvironment;

  constructor(options: OfflineResearchModelOptions, params: BaseChatModelParams = {}) {
    super(params);
    this.seed = options.seed;
    this.environment = options.environment ?? DEFAULT_ENVIRONMENT;
    this.name = OFFLINE_MODEL_NAME;
  }

  static override lc_name(): string {
    return 'OfflineResearchModel';
  }

  _llmType(): string {
    return 'offline-research-model-not-an-llm';
  }

  /** The answer to the last context block in the conversation, as JSON text; a plain-text refusal when there is none to answer. */
  answer(messages: readonly BaseMessage[]): string {
    for (let i = messages.length - 1; i >= 0; i--) {
      const block = readContextBlock(messages[i]!.text);
      if (block === null) continue;
      const response = respond(this.seed, block.role, block.input, this.environment);
      return response.ok ? JSON.stringify(response.reply) : `I cannot answer this request: ${response.reason}`;
    }
    return 'I cannot answer this request: the offline research model reads only an alphaswarm-context block, and the prompt has none.';
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const text = this.answer(messages);
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}

/** The factory LlmClient takes (`offlineModel`), for one run seed and data environment. */
export function offlineResearchModel(options: OfflineResearchModelOptions): OfflineModelFactory {
  return () => new OfflineResearchModel(options);
}
