/**
 * The analyst (R&D-Agent(Q)'s analysis unit): reads a candidate's hypothesis,
 * expression, train/valid metrics and selection outcome, and says whether the
 * result supports the hypothesis and what to try next. Its feedback is stored
 * in the trajectory and feeds the next generation's prompts (CogAlpha's
 * adaptive generation).
 *
 *   idle --analyse.request--> analysing --> checking --> answering --> idle
 *
 * The check refuses an analysis that claims support for a hypothesis whose
 * candidate has no metrics (it failed before evaluation): asked again once.
 */
import type { z } from 'zod';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { askModel, type ModelAccess } from './modelCall.js';
import { modelTaskMachine, type Verdict } from './modelTaskMachine.js';
import { ANALYST, type analyseTaskSchema } from './protocol.js';
import type { RoleReply } from './roles.js';

export type AnalyseTask = z.infer<typeof analyseTaskSchema>;
export type Analysis = RoleReply<'analyst'>;

export const ANALYST_IDENTITY: AgentIdentity = {
  role: 'analyst',
  name: ANALYST.queue,
  level: null,
  capabilities: ['feedback', 'hypothesis-support'],
  version: '1.0.0',
};

export function checkAnalysis(task: AnalyseTask, analysis: Analysis): Verdict<Analysis> {
  if (task.metrics === null && analysis.supportsHypothesis) {
    return { ok: false, reason: 'the analyst says the hypothesis is supported, but the candidate was never evaluated' };
  }
  return { ok: true, reply: analysis };
}

export function analystMachine(deps: { readonly model: ModelAccess }) {
  return modelTaskMachine<AnalyseTask, Analysis, Analysis>({
    channel: ANALYST,
    working: 'analysing',
    maxAttempts: 2,
    ask: ({ trajectory: _trajectory, ...input }) => askModel(deps.model, 'analyst', ANALYST.queue, input),
    check: checkAnalysis,
  });
}
