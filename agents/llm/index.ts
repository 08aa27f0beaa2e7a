/** The LLM layer's public surface. */
export { LlmClient } from './client.js';
export type { LlmClientOptions, LlmFailureReason, LlmMessage, LlmRequest, LlmResult } from './client.js';
export { LLM_CLI_OPTIONS, LlmConfigError, loadLlmConfig, parseLlmConfig, roleSettings } from './config.js';
export type { Budget, Endpoint, LlmConfig, LlmConfigSources, LlmSettingsInput, Pricing, RoleSettings } from './config.js';
export { createChatModel } from './chatModel.js';
export type { BuiltModel, ChatModel, ModelSettings, OfflineModelFactory } from './chatModel.js';
export type { TokenUsage, UsageSnapshot, UsageTotals } from './accounting.js';
export { CHECKER_TEMPERATURE, GENERATING_TEMPERATURES, cogAlphaTemperature } from './temperature.js';
export type { RoleKind } from './temperature.js';
