/**
 * The mining domain every agent shares: what agents may know about a factor's
 * performance (train and valid only), trajectories (QuantaAlpha: a candidate's
 * whole path, step by step, with its parents), and library entries.
 *
 * These schemas travel on the bus inside message payloads; they are strict so
 * a field an agent should never see (test metrics) cannot ride along.
 */
import { z } from 'zod';

/** A metric that can be undefined on a short or empty range. */
const metric = z.number().nullable();

/** What selection and agents read about one period. */
export const splitMetricsSchema = z.strictObject({
  ic: metric,
  icir: metric,
  rankIc: metric,
  rankIcir: metric,
  /** Mutual information in nats (evaluator/metrics/mutualInformation.ts). */
  mi: metric,
  /** Newey–West t-statistic of the mean RankIC. */
  rankIcT: metric,
  /** Share of universe cells with a missing value. */
  nanRatio: metric,
  /** Days scored. */
  days: z.number().int().nonnegative(),
});
export type SplitMetrics = z.infer<typeof splitMetricsSchema>;

/** The only performance agents ever see: no test field exists. */
export const agentMetricsSchema = z.strictObject({ train: splitMetricsSchema, valid: splitMetricsSchema });
export type AgentMetrics = z.infer<typeof agentMetricsSchema>;

export const STEP_KINDS = [
  'plan',
  'propose',
  'build',
  'verify',
  'repair',
  'improve',
  'evaluate',
  'select',
  'analyse',
  'mutate',
  'crossover',
  'review',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One step of a trajectory: state before, action taken, result (QuantaAlpha's s_k, a_k, s_k+1). */
export const trajectoryStepSchema = z.strictObject({
  kind: z.enum(STEP_KINDS),
  agent: z.string().max(80),
  /** What the agent did, in a line ("proposed a hypothesis", "fixed unknown operator TS_MEAN"). */
  action: z.string().max(2000),
  /** The state the step produced: the text or expression it wrote, or the verdict. */
  result: z.string().max(4000),
  ok: z.boolean(),
  time: z.string().max(40),
});
export type TrajectoryStep = z.infer<typeof trajectoryStepSchema>;

export const ORIGINS = ['seed', 'init', 'injection', 'mutation', 'crossover', 'crossover+mutation', 'attached', 'human', 'imported'] as const;
export type Origin = (typeof ORIGINS)[number];

/** Where a segment of a child came from (crossover lineage). */
export const inheritanceSchema = z.strictObject({
  parent: z.string().max(64),
  /** hypothesis | description | construction (an expression pattern) | subexpression | repair */
  segment: z.enum(['hypothesis', 'description', 'construction', 'subexpression', 'repair']),
  detail: z.string().max(1000),
});
export type Inheritance = z.infer<typeof inheritanceSchema>;

export const TRAJECTORY_STATUSES = ['proposed', 'built', 'verified', 'rejected', 'evaluated', 'qualified', 'elite', 'accepted'] as const;

export const trajectorySchema = z.strictObject({
  id: z.string().max(64),
  generation: z.number().int().nonnegative(),
  origin: z.enum(ORIGINS),
  specialist: z.string().max(80),
  level: z.number().int().min(1).max(7).nullable(),
  guidanceMode: z.string().max(20).nullable(),
  direction: z.string().max(400).nullable(),
  hypothesis: z.string().max(4000),
  name: z.string().max(120).nullable(),
  description: z.string().max(4000).nullable(),
  /** Canonical expression once built. */
  expression: z.string().max(2000).nullable(),
  family: z.string().max(40).nullable(),
  parents: z.array(z.string().max(64)).max(8),
  inherited: z.array(inheritanceSchema).max(16),
  steps: z.array(trajectoryStepSchema).max(64),
  metrics: agentMetricsSchema.nullable(),
  /** R(τ): the terminal reward (see graphs/reward.ts). */
  reward: z.number().nullable(),
  status: z.enum(TRAJECTORY_STATUSES),
  rejection: z.strictObject({ stage: z.string().max(40), reason: z.string().max(1000) }).nullable(),
});
export type Trajectory = z.infer<typeof trajectorySchema>;

/** One accepted factor, as library.json stores it. */
export const libraryEntrySchema = z.strictObject({
  id: z.string().max(64),
  name: z.string().max(120),
  /** Fully expanded, qlib-compatible expression (no references to other library entries). */
  expression: z.string().max(2000),
  hypothesis: z.string().max(4000),
  description: z.string().max(4000),
  family: z.string().max(40),
  specialist: z.string().max(80),
  origin: z.enum(ORIGINS),
  parents: z.array(z.string().max(64)).max(8),
  generation: z.number().int().nonnegative(),
  trajectory: z.string().max(64),
  metrics: agentMetricsSchema,
  complexity: z.number(),
});
export type LibraryEntry = z.infer<typeof libraryEntrySchema>;
