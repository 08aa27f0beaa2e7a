/**
 * The model agent (R&D-Agent(Q)'s model work): proposes the next combiner
 * configuration for the portfolio stage from the library's size and family
 * mix and the trials so far (each trained on train and scored on valid by the
 * evaluator's combine.request).
 *
 *   idle --model.request--> proposing --> checking --> answering --> idle
 *
 * The reply's ranges are checked by its schema; the check adds what a schema
 * cannot: the configuration is not one already tried (tree parameters ignored
 * for ridge, which has none), asked again up to twice.
 */
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { askModel, type ModelAccess } from './modelCall.js';
import { modelTaskMachine, type Verdict } from './modelTaskMachine.js';
import { MODEL_AGENT } from './protocol.js';
import type { ModelConfig, RoleInput, RoleReply } from './roles.js';

export type ModelTask = RoleInput<'model'>;
export type ModelProposal = RoleReply<'model'>;

export const MODEL_AGENT_IDENTITY: AgentIdentity = {
  role: 'model-agent',
  name: MODEL_AGENT.queue,
  level: null,
  capabilities: ['xgboost', 'ridge'],
  version: '1.0.0',
};

/** What makes two configurations the same trial: ridge uses only its penalty. */
export function trialKey(config: ModelConfig): string {
  return config.model === 'ridge'
    ? `ridge/${config.lambda}`
    : `xgboost/${config.eta}/${config.maxDepth}/${config.subsample}/${config.colsampleBytree}/${config.lambda}/${config.rounds}`;
}

export function checkProposal(task: ModelTask, proposal: ModelProposal): Verdict<ModelProposal> {
  const key = trialKey(proposal.config);
  if (task.trials.some((t) => trialKey(t.config) === key)) return { ok: false, reason: `the model agent proposed a configuration already tried (${key})` };
  return { ok: true, reply: proposal };
}

export function modelAgentMachine(deps: { readonly model: ModelAccess }) {
  return modelTaskMachine<ModelTask, ModelProposal, ModelProposal>({
    channel: MODEL_AGENT,
    working: 'proposing',
    maxAttempts: 3,
    ask: (task) => askModel(deps.model, 'model', MODEL_AGENT.queue, task),
    check: checkProposal,
  });
}
