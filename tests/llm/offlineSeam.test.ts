/**
 * The seam the offline research model will plug into: with no endpoint
 * configured, LlmClient builds the model from the offline factory and runs it
 * through the same parse / validate / re-ask / accounting path as ChatOpenAI.
 * The model here is a minimal BaseChatModel written for this test only.
 */
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ModelSettings } from '../../agents/llm/chatModel.js';
import { LlmClient } from '../../agents/llm/client.js';
import { loadLlmConfig } from '../../agents/llm/config.js';

/** Answers "how many words" questions; its first answer is deliberately off-schema. */
class WordCountModel extends BaseChatModel {
  private answered = 0;
  constructor(readonly settings: ModelSettings) {
    super({});
  }
  _llmType(): string {
    return 'word-count';
  }
  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const words = messages[0]!.text.split(/\s+/).length;
    const text = this.answered++ === 0 ? `{"words": "${words}"}` : `{"words": ${words}, "temperature": ${this.settings.temperature}}`;
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}

describe('offline model seam', () => {
  it('is used when no endpoint is configured, labelled as offline, free, with estimated tokens', async () => {
    const config = loadLlmConfig({ env: {}, options: {} });
    expect(config.defaults.endpoint).toBeNull();
    const built: ModelSettings[] = [];
    const client = new LlmClient({
      config,
      roles: { checker: 'checker' },
      offlineModel: (settings) => {
        built.push(settings);
        return new WordCountModel(settings);
      },
      seed: 3,
    });
    const result = await client.complete({
      role: 'checker',
      agent: 'c1',
      messages: [{ role: 'user', content: 'one two three four' }],
      schema: z.object({ words: z.number().int(), temperature: z.number() }),
    });
    expect(result).toMatchObject({ ok: true, value: { words: 4, temperature: 0.8 }, attempts: 2, model: 'offline WordCountModel' });
    expect(built).toEqual([expect.objectContaining({ role: 'checker', endpoint: null, temperature: 0.8, maxTokens: 4096 })]);
    expect(client.usage()).toMatchObject({ calls: 1, requests: 2, estimated: true, costUsd: 0 });
  });
});
