/**
 * The bus protocol between the supervisor graph and the agents: for each
 * agent, the queue it serves (its name), the task it takes and the reply it
 * gives, with zod schemas registered on import. The graph (graphs/) sends
 * these tasks with bus.request(); the agents (agents/*.ts) serve them.
 *
 * Specialists speak `specialist.task` / `specialist.proposals`
 * (agents/specialistDefinition.ts), so an attached specialist needs nothing
 * from this file.
 */
import { z } from 'zod';
import { messageSchemas } from '../runtime/schemas.js';
import { agentMetricsSchema, libraryEntrySchema, trajectorySchema } from './domain.js';
import {
  GUIDANCE_MODES,
  analystInputSchema,
  analystReplySchema,
  builderInputSchema,
  builderReplySchema,
  crossoverInputSchema,
  crossoverReplySchema,
  directionSchema,
  exampleFactorSchema,
  improveInputSchema,
  improveReplySchema,
  modelConfigSchema,
  modelInputSchema,
  modelReplySchema,
  mutationInputSchema,
  mutationReplySchema,
  plannerInputSchema,
  plannerReplySchema,
} from './roles.js';

const id = z.string().min(1).max(64);
const line = (max: number) => z.string().min(1).max(max);

/** An agent's queue and message types. */
export interface AgentChannel {
  /** Agent name = its queue. */
  readonly queue: string;
  readonly task: string;
  readonly reply: string;
}

function channel(queue: string, task: string, taskSchema: z.ZodType, reply: string, replySchema: z.ZodType): AgentChannel {
  messageSchemas.register(task, taskSchema);
  messageSchemas.register(reply, replySchema);
  return { queue, task, reply };
}

// ---- planner ----
export const planTaskSchema = plannerInputSchema;
export const planResultSchema = plannerReplySchema;
export const PLANNER = channel('planner', 'plan.request', planTaskSchema, 'plan.result', planResultSchema);
/** Event: the planner's model failed and it answered with its deterministic diversified grid instead. */
export const PLANNER_FALLBACK = 'planner.fallback';
messageSchemas.register(PLANNER_FALLBACK, z.strictObject({ reason: line(1000), directions: z.number().int().nonnegative() }));

// ---- factor builder ----
export const buildTaskSchema = z.strictObject({ trajectory: id, ...builderInputSchema.shape });
export const buildResultSchema = builderReplySchema;
export const FACTOR_BUILDER = channel('factor-builder', 'build.request', buildTaskSchema, 'build.result', buildResultSchema);

// ---- verifier: deterministic gates (parse, type, look-ahead, limits, complexity, structural redundancy) then the judge ----
export const VERIFY_STAGES = ['compile', 'complexity', 'redundancy', 'judge'] as const;
export const verifyTaskSchema = z.strictObject({
  trajectory: id,
  hypothesis: line(4000),
  description: line(4000),
  expression: line(4000),
});
export const verifyResultSchema = z.strictObject({
  ok: z.boolean(),
  /** The gate that failed, when one did. */
  stage: z.enum(VERIFY_STAGES).nullable(),
  /** Canonical, fully expanded expression when it compiled. */
  canonical: z.string().max(2000).nullable(),
  complexity: z.number().nullable(),
  /** Largest common subtree with the library, normalised, and the entry it matches. */
  similarity: z.strictObject({ entry: id, normalized: z.number() }).nullable(),
  /** The step to send back for rewriting: expression errors go to code repair, others to logic improvement. */
  failingStep: z.enum(['hypothesis', 'description', 'expression']).nullable(),
  /** One line per problem (the compiler's one-line error first). */
  reasons: z.array(line(1000)).max(8),
});
export const VERIFIER = channel('verifier', 'verify.request', verifyTaskSchema, 'verify.result', verifyResultSchema);

// ---- code repair (Co-STEER: learns from a knowledge base of past fixes) ----
export const repairTaskSchema = z.strictObject({
  trajectory: id,
  hypothesis: line(4000),
  description: z.string().max(4000),
  expression: line(4000),
  error: line(1000),
});
export const repairResultSchema = z.strictObject({
  expression: line(2000),
  explanation: line(2000),
  /** The fix came from the knowledge base without a model call. */
  fromKnowledge: z.boolean(),
});
export const CODE_REPAIR = channel('code-repair', 'repair.request', repairTaskSchema, 'repair.result', repairResultSchema);
/** Event: how a repair turned out, so the knowledge base keeps what worked. */
export const REPAIR_OUTCOME = 'repair.outcome';
messageSchemas.register(
  REPAIR_OUTCOME,
  z.strictObject({ error: line(1000), before: line(4000), after: line(2000), worked: z.boolean() }),
);

// ---- logic improvement (CogAlpha's quality checker) ----
export const improveTaskSchema = z.strictObject({ trajectory: id, ...improveInputSchema.shape });
export const LOGIC_IMPROVER = channel('logic-improver', 'improve.request', improveTaskSchema, 'improve.result', improveReplySchema);

// ---- evaluator (a work queue: more evaluator processes just join it) ----
export const evaluateTaskSchema = z.strictObject({
  candidates: z.array(z.strictObject({ id, expression: line(2000) })).min(1).max(256),
  /** Also report each candidate's largest |correlation| with accepted factors on the valid period. */
  correlateWithLibrary: z.boolean(),
});
export const evaluationSchema = z.strictObject({
  id,
  ok: z.boolean(),
  metrics: agentMetricsSchema.nullable(),
  /** Why it could not be evaluated (one line). */
  error: z.string().max(1000).nullable(),
  libraryCorrelation: z.strictObject({ entry: id, pearson: z.number() }).nullable(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;
export const evaluateResultSchema = z.strictObject({ results: z.array(evaluationSchema).max(256) });
export const EVALUATOR = channel('evaluator', 'evaluate.request', evaluateTaskSchema, 'evaluate.result', evaluateResultSchema);

/** Combiner trial for model work: train on train, score on valid (never test). */
export const combineTaskSchema = z.strictObject({ config: modelConfigSchema, entries: z.array(id).min(1).max(512) });
export const combineResultSchema = z.strictObject({
  trainIc: z.number().nullable(),
  validIc: z.number().nullable(),
  validRankIc: z.number().nullable(),
  seconds: z.number(),
});
messageSchemas.register('combine.request', combineTaskSchema);
messageSchemas.register('combine.result', combineResultSchema);

/**
 * Output correlation among candidates and with the library on the valid
 * period (the librarian's redundancy check, which must also compare the
 * candidates of one batch with each other). Only pairs with |pearson| >= minAbs
 * are listed, so the answer stays small.
 */
export const correlateTaskSchema = z.strictObject({
  candidates: z.array(z.strictObject({ id, expression: line(2000) })).min(1).max(256),
  minAbs: z.number().min(0).max(1),
});
export const correlateResultSchema = z.strictObject({
  pairs: z
    .array(
      z.strictObject({
        a: id,
        /** A candidate id, or a library entry id. */
        b: id,
        /** Mean over valid days of the cross-sectional Pearson correlation. */
        pearson: z.number(),
      }),
    )
    .max(2000),
  /** Candidates that could not be computed, with why. */
  errors: z.array(z.strictObject({ id, error: line(1000) })).max(256),
});
export type CorrelatePair = z.infer<typeof correlateResultSchema>['pairs'][number];
messageSchemas.register('correlate.request', correlateTaskSchema);
messageSchemas.register('correlate.result', correlateResultSchema);

// ---- thinking evolution ----
export const mutateTaskSchema = mutationInputSchema;
export const MUTATION = channel('mutation', 'mutate.request', mutateTaskSchema, 'mutate.result', mutationReplySchema);
export const crossoverTaskSchema = crossoverInputSchema;
export const CROSSOVER = channel('crossover', 'crossover.request', crossoverTaskSchema, 'crossover.result', crossoverReplySchema);

// ---- analyst ----
export const analyseTaskSchema = z.strictObject({ trajectory: id, ...analystInputSchema.shape });
export const ANALYST = channel('analyst', 'analyse.request', analyseTaskSchema, 'analyse.result', analystReplySchema);

// ---- librarian: the only writer of the library ----
export const acceptTaskSchema = z.strictObject({
  generation: z.number().int().nonnegative(),
  candidates: z.array(z.strictObject({ entry: libraryEntrySchema, libraryCorrelation: z.number().nullable() })).max(256),
});
export const acceptResultSchema = z.strictObject({
  accepted: z.array(id).max(256),
  rejected: z.array(z.strictObject({ id, reason: line(1000) })).max(256),
  size: z.number().int().nonnegative(),
});
export const LIBRARIAN = channel('librarian', 'library.accept', acceptTaskSchema, 'library.accepted', acceptResultSchema);

export const retrieveTaskSchema = z.strictObject({
  /** Whose remit to retrieve for (specialist name or family). */
  about: line(200),
  positives: z.number().int().min(0).max(8),
  negatives: z.number().int().min(0).max(8),
});
export const retrieveResultSchema = z.strictObject({
  positives: z.array(exampleFactorSchema).max(8),
  negatives: z.array(exampleFactorSchema).max(8),
});
messageSchemas.register('library.retrieve', retrieveTaskSchema);
messageSchemas.register('library.retrieved', retrieveResultSchema);
/** Event: a candidate failed (negative retrieval remembers it). */
export const CANDIDATE_REJECTED = 'candidate.rejected';
messageSchemas.register(CANDIDATE_REJECTED, z.strictObject({ trajectory: trajectorySchema }));
/** Event: a trajectory changed (the graph publishes each step; the run directory's trajectory log follows these). */
export const TRAJECTORY_UPDATED = 'trajectory.updated';
messageSchemas.register(TRAJECTORY_UPDATED, z.strictObject({ trajectory: trajectorySchema }));

// ---- scheduler: Thompson sampling over specialists x guidance modes, and factor vs model work ----
export const scheduleTaskSchema = z.strictObject({
  generation: z.number().int().nonnegative(),
  slots: z.number().int().min(1).max(256),
  specialists: z.array(line(80)).min(1).max(256),
  directions: z.array(directionSchema).max(32),
  /** R&D-Agent(Q)'s 8-dimensional performance state of the current pool. */
  state: z.array(z.number()).length(8),
});
export const scheduleResultSchema = z.strictObject({
  action: z.enum(['factor', 'model']),
  assignments: z
    .array(z.strictObject({ specialist: line(80), guidanceMode: z.enum(GUIDANCE_MODES), direction: z.number().int().min(-1).max(31) }))
    .max(256),
});
export const SCHEDULER = channel('scheduler', 'schedule.request', scheduleTaskSchema, 'schedule.result', scheduleResultSchema);
export const scheduleFeedbackSchema = z.strictObject({
  outcomes: z
    .array(
      z.strictObject({
        specialist: line(80),
        guidanceMode: z.enum(GUIDANCE_MODES),
        direction: z.number().int().min(-1).max(31),
        /** 1 when the proposal was accepted, fractional credit for qualified, 0 otherwise. */
        reward: z.number().min(0).max(1),
      }),
    )
    .max(512),
  /** For the factor-vs-model arm: the action taken, the state then, and the improvement seen. */
  action: z.strictObject({ action: z.enum(['factor', 'model']), state: z.array(z.number()).length(8), reward: z.number() }).nullable(),
});
messageSchemas.register('schedule.feedback', scheduleFeedbackSchema);

// ---- model agent ----
export const MODEL_AGENT = channel('model-agent', 'model.request', modelInputSchema, 'model.result', modelReplySchema);
