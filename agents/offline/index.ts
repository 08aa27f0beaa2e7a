/** The embedded offline research model (not an LLM): its chat model, its factory and its environment. */
export { OFFLINE_MODEL_NAME, OfflineResearchModel, offlineResearchModel } from './model.js';
export type { OfflineResearchModelOptions } from './model.js';
export { DEFAULT_ENVIRONMENT } from './environment.js';
export type { OfflineEnvironment } from './environment.js';
export { respond } from './respond.js';
