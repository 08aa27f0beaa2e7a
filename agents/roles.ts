/**
 * The model-backed roles of the swarm: for each, what the prompt carries
 * (its input, shown to the model as a JSON context block) and the reply the
 * model must give (validated by LlmClient). The prompt templates in prompts/
 * render these inputs; the agents in agents/ call the model through them; the
 * embedded offline research model answers every role with exactly these
 * reply schemas. One contract, three users.
 *
 * Kinds follow CogAlpha: generating roles draw their temperature from
 * {0.7, ..., 1.2}; checker roles (the quality checker, the analyst) use 0.8.
 */
import { z } from 'zod';
import type { RoleKind } from './llm/index.js';
import { agentMetricsSchema, inheritanceSchema } from './domain.js';

const text = (max: number) => z.string().min(1).max(max);
const expression = text(2000);

// ---- shared pieces of inputs ----

/** A factor shown to a model as an example (Hubble's positive/negative retrieval). */
export const exampleFactorSchema = z.strictObject({
  expression,
  hypothesis: z.string().max(4000).optional(),
  /** Why it is shown: its valid RankIC for a positive, the rejection reason for a negative. */
  note: z.string().max(1000),
});
export type ExampleFactor = z.infer<typeof exampleFactorSchema>;

export const GUIDANCE_MODES = ['light', 'moderate', 'creative', 'divergent', 'concrete'] as const;
export type GuidanceMode = (typeof GUIDANCE_MODES)[number];

export const SIGNAL_SOURCES = ['price', 'volume', 'price-volume', 'range', 'volatility', 'mixed'] as const;
export const TIME_SCALES = ['short', 'medium', 'long'] as const;
export const MECHANISMS = ['momentum', 'reversion', 'regime', 'volatility', 'liquidity', 'microstructure', 'other'] as const;

export const directionSchema = z.strictObject({
  title: text(200),
  signalSource: z.enum(SIGNAL_SOURCES),
  timeScale: z.enum(TIME_SCALES),
  mechanism: z.enum(MECHANISMS),
  rationale: text(2000),
  /** Names of seed-pool factors the direction starts from. */
  seeds: z.array(text(60)).max(8),
});
export type Direction = z.infer<typeof directionSchema>;

// ---- planner: QuantaAlpha's diversified planning + AlphaGPT 2.0's human directions ----

export const plannerInputSchema = z.strictObject({
  seedPool: z.array(z.strictObject({ name: text(60), expression, validRankIc: z.number().nullable() })).max(64),
  /** Research directions a person set (AlphaGPT 2.0); plans must include them. */
  humanDirections: z.array(text(1000)).max(16),
  /** Directions already explored, with how many factors each gave. */
  explored: z.array(z.strictObject({ title: text(200), accepted: z.number().int().nonnegative() })).max(64),
  count: z.number().int().min(1).max(32),
});
export const plannerReplySchema = z.strictObject({ directions: z.array(directionSchema).min(1).max(32) });

// ---- specialist: CogAlpha's 21 domain agents ----

export const specialistInputSchema = z.strictObject({
  specialist: z.strictObject({ name: text(80), level: z.number().int().min(1).max(7), layer: text(120), remit: text(2000) }),
  guidanceMode: z.enum(GUIDANCE_MODES),
  /** The specialist's guidance paraphrased in that mode. */
  guidance: text(4000),
  direction: directionSchema.nullable(),
  /** Hubble's positive retrieval: accepted factors near this specialist's remit. */
  positives: z.array(exampleFactorSchema).max(8),
  /** Hubble's negative retrieval: rejected attempts and why. */
  negatives: z.array(exampleFactorSchema).max(8),
  /** CogAlpha's adaptive generation: analysed best and worst alphas of the last generation. */
  feedback: z.array(text(2000)).max(8),
  /** Comments a person left on earlier candidates (AlphaGPT 2.0). */
  humanComments: z.array(text(1000)).max(8),
  count: z.number().int().min(1).max(16),
});
export const specialistReplySchema = z.strictObject({
  proposals: z
    .array(
      z.strictObject({
        hypothesis: text(4000),
        rationale: z.string().max(2000).optional(),
        /** A sketch of the expression when the specialist has one in mind; the builder decides. */
        expression: expression.optional(),
      }),
    )
    .min(1)
    .max(16),
});

// ---- factor builder: hypothesis -> description -> expression ----

export const builderInputSchema = z.strictObject({
  hypothesis: text(4000),
  sketch: expression.nullable(),
  specialist: text(80),
  /** Accepted factors to imitate in style (and not to duplicate). */
  examples: z.array(exampleFactorSchema).max(8),
  /** Library factors that may be reused by name as building blocks (expanded before evaluation). */
  reusable: z.array(z.strictObject({ name: text(120), expression })).max(32),
});
export const builderReplySchema = z.strictObject({
  name: text(120),
  description: text(4000),
  expression,
});

// ---- the quality checker (CogAlpha): judge, code repair, logic improvement ----

export const judgeInputSchema = z.strictObject({
  hypothesis: text(4000),
  description: text(4000),
  expression,
  /** Facts the deterministic checks established: fields used, operators used, complexity, windows. */
  facts: text(2000),
});
export const judgeReplySchema = z.strictObject({
  /** Hypothesis, description and expression say the same thing (QuantaAlpha's consistency gate). */
  consistent: z.boolean(),
  /** The idea has a plausible economic mechanism and no obvious flaw (CogAlpha's judge). */
  sound: z.boolean(),
  /** The step to rewrite when not both: hypothesis, description or expression. */
  failingStep: z.enum(['hypothesis', 'description', 'expression']).nullable(),
  reasons: z.array(text(1000)).max(8),
});

export const repairInputSchema = z.strictObject({
  hypothesis: text(4000),
  description: z.string().max(4000),
  expression: text(4000),
  /** The one-line error from the parser, type checker, limits or evaluation. */
  error: text(1000),
  /** Co-STEER's knowledge base: fixes that worked for similar errors. */
  similarFixes: z.array(z.strictObject({ error: text(1000), before: text(4000), after: expression })).max(8),
});
export const repairReplySchema = z.strictObject({ expression, explanation: text(2000) });

export const improveInputSchema = z.strictObject({
  hypothesis: text(4000),
  description: text(4000),
  expression,
  /** Why the judge failed it. */
  reasons: z.array(text(1000)).min(1).max(8),
  failingStep: z.enum(['hypothesis', 'description', 'expression']),
});
export const improveReplySchema = z.strictObject({
  hypothesis: text(4000),
  description: text(4000),
  expression,
  explanation: text(2000),
});

// ---- thinking evolution: mutation (with failure localisation) and crossover ----

export const trajectoryBriefSchema = z.strictObject({
  id: text(64),
  hypothesis: text(4000),
  description: z.string().max(4000),
  expression,
  metrics: agentMetricsSchema,
  reward: z.number(),
  /** The analyst's feedback on it. */
  feedback: z.string().max(2000),
  /** Its steps, one line each. */
  steps: z.array(text(400)).max(32),
});
export type TrajectoryBrief = z.infer<typeof trajectoryBriefSchema>;

export const mutationInputSchema = z.strictObject({
  trajectory: trajectoryBriefSchema,
  /** How many siblings from the same parent came before this child in its generation (0: the first); later ones should try other edits. */
  variant: z.number().int().min(0).max(1000).optional(),
});
export const mutationReplySchema = z.strictObject({
  /** The step most responsible for the low reward; only it is rewritten, the suffix is regenerated. */
  localisedStep: z.enum(['hypothesis', 'description', 'expression']),
  diagnosis: text(2000),
  /** The rewritten step. For hypothesis or description the builder regenerates what follows. */
  rewrite: text(4000),
});

export const crossoverInputSchema = z.strictObject({
  parents: z.array(trajectoryBriefSchema).min(2).max(4),
  /** How many earlier children of this generation came from the same parents (0: the first); later ones should recombine differently. */
  variant: z.number().int().min(0).max(1000).optional(),
});
export const crossoverReplySchema = z.strictObject({
  hypothesis: text(4000),
  description: text(4000),
  expression,
  /** Which parent gave what (lineage). */
  inherited: z.array(inheritanceSchema).min(1).max(16),
});

// ---- analyst: R&D-Agent(Q)'s analysis unit ----

export const analystInputSchema = z.strictObject({
  hypothesis: text(4000),
  expression,
  metrics: agentMetricsSchema.nullable(),
  /** Why selection rejected it, when it did. */
  outcome: text(1000),
});
export const analystReplySchema = z.strictObject({
  observation: text(2000),
  evaluation: text(2000),
  supportsHypothesis: z.boolean(),
  nextStep: text(2000),
});

// ---- model agent: combiner configurations for the portfolio stage ----

export const modelConfigSchema = z.strictObject({
  model: z.enum(['xgboost', 'ridge']),
  eta: z.number().min(0.001).max(1),
  maxDepth: z.number().int().min(1).max(16),
  subsample: z.number().min(0.1).max(1),
  colsampleBytree: z.number().min(0.1).max(1),
  lambda: z.number().min(0).max(1000),
  rounds: z.number().int().min(1).max(2000),
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const modelInputSchema = z.strictObject({
  factors: z.number().int().nonnegative(),
  families: z.array(z.strictObject({ family: text(40), count: z.number().int().nonnegative() })).max(32),
  trials: z.array(z.strictObject({ config: modelConfigSchema, validIc: z.number().nullable(), validRankIc: z.number().nullable() })).max(32),
});
export const modelReplySchema = z.strictObject({ config: modelConfigSchema, rationale: text(2000) });

// ---- the table ----

export interface RoleContract<I extends z.ZodType, R extends z.ZodType> {
  readonly kind: RoleKind;
  readonly input: I;
  readonly reply: R;
}

export const ROLES = {
  planner: { kind: 'generating', input: plannerInputSchema, reply: plannerReplySchema },
  specialist: { kind: 'generating', input: specialistInputSchema, reply: specialistReplySchema },
  builder: { kind: 'generating', input: builderInputSchema, reply: builderReplySchema },
  judge: { kind: 'checker', input: judgeInputSchema, reply: judgeReplySchema },
  repair: { kind: 'checker', input: repairInputSchema, reply: repairReplySchema },
  improve: { kind: 'checker', input: improveInputSchema, reply: improveReplySchema },
  mutation: { kind: 'generating', input: mutationInputSchema, reply: mutationReplySchema },
  crossover: { kind: 'generating', input: crossoverInputSchema, reply: crossoverReplySchema },
  analyst: { kind: 'checker', input: analystInputSchema, reply: analystReplySchema },
  model: { kind: 'generating', input: modelInputSchema, reply: modelReplySchema },
} as const satisfies Record<string, RoleContract<z.ZodType, z.ZodType>>;

export type RoleName = keyof typeof ROLES;
export type RoleInput<R extends RoleName> = z.infer<(typeof ROLES)[R]['input']>;
export type RoleReply<R extends RoleName> = z.infer<(typeof ROLES)[R]['reply']>;

/** Role kinds for LlmClient (temperature policy, role-name checking). */
export const ROLE_KINDS: Readonly<Record<RoleName, RoleKind>> = Object.fromEntries(
  Object.entries(ROLES).map(([name, role]) => [name, role.kind]),
) as Record<RoleName, RoleKind>;
