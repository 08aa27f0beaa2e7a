/**
 * The supervisor's state: plain JSON (it is checkpointed after every node),
 * typed with LangGraph's Annotation.Root. Everything a resumed run needs to
 * continue lives here; what cannot be serialised (the bus, the registry, the
 * run directory's writers) is in SwarmDeps (graphs/deps.ts).
 *
 * Reducers: `trajectories` and `checks` merge by id (a node returns only
 * what it changed); every other channel keeps the last value written.
 */
import { Annotation } from '@langchain/langgraph';
import type { AgentMetrics, Trajectory } from '../agents/domain.js';
import type { Direction, GuidanceMode, ModelConfig } from '../agents/roles.js';
import type { MetricBounds } from './selection.js';

export interface SwarmSettings {
  readonly generations: number;
  /** Fresh proposal slots per injection, and the cap on children per generation. */
  readonly population: number;
  /** Fresh specialist proposals join every this many generations (generation 0 always). */
  readonly injectEvery: number;
  /** Verify/repair rounds before a candidate that still fails is rejected. */
  readonly maxRounds: number;
  /** Requests in flight at once per node. */
  readonly concurrency: number;
  /** Seeds the evolution's draws (parent picks), so a resumed run makes the same children. */
  readonly seed: number;
  /** Interrupt after selection for a person's review. */
  readonly review: boolean;
  /** Directions the planner proposes. */
  readonly directions: number;
}

/** One proposal slot of a generation (the scheduler's assignment, with what the registry says of the specialist). */
export interface Assignment {
  readonly specialist: string;
  readonly guidanceMode: GuidanceMode;
  /** Index into `directions`, or -1 for none. */
  readonly direction: number;
  readonly level: number | null;
  /** Attached from outside the swarm's process (origin `attached`). */
  readonly attached: boolean;
}

/** Where a trajectory stands in this generation's verify/repair loop and what the gates said. */
export interface Check {
  /** Repair and improvement rounds used. */
  readonly round: number;
  /** What it needs next. */
  readonly next: 'build' | 'verify' | 'repair' | 'improve' | 'evaluate' | 'done';
  /** The expression the proposer had in mind, for the builder (null: build from the hypothesis alone). */
  readonly sketch: string | null;
  /** The verifier's last reasons (what repair or improvement must fix). */
  readonly reasons: readonly string[];
  readonly failingStep: 'hypothesis' | 'description' | 'expression' | null;
  readonly complexity: number | null;
  /** Normalised largest common subtree with the library. */
  readonly similarity: number;
  /** Largest |correlation| with a library factor on valid, once evaluated. */
  readonly libraryCorrelation: number | null;
  /** The error code repair last fixed, so its outcome can be reported (Co-STEER's knowledge base). */
  readonly repaired: { readonly error: string; readonly before: string; readonly after: string } | null;
}

export interface SeedFactor {
  readonly name: string;
  readonly expression: string;
  readonly metrics: AgentMetrics | null;
}

/** A person's review of one generation (AlphaGPT 2.0). */
export interface ReviewDecision {
  readonly approve: readonly string[];
  readonly veto: readonly string[];
  readonly comments: ReadonlyArray<{ readonly id: string; readonly text: string }>;
  readonly directions: readonly string[];
}

export interface LibrarySummary {
  readonly size: number;
  readonly families: Readonly<Record<string, number>>;
}

/** Wall time and request round trips of one node, for diagnostics. */
export interface StageTiming {
  readonly wallSeconds: number;
  /** Per agent queue: requests and the sum of their round trips (concurrent requests overlap). */
  readonly requests: Readonly<Record<string, { readonly count: number; readonly seconds: number; readonly failed: number }>>;
}

export interface GenerationSummary {
  readonly generation: number;
  readonly candidates: number;
  readonly verified: number;
  readonly evaluated: number;
  readonly qualified: number;
  readonly accepted: number;
  readonly librarySize: number;
  /** Best oriented valid RankIC among this generation's evaluated candidates. */
  readonly bestValidRankIc: number | null;
  readonly seconds: number;
}

export interface Usage {
  readonly tokens: number;
  readonly costUsd: number | null;
  readonly calls: number;
  /** No LLM endpoint is configured: every answer came from the embedded offline research model. */
  readonly offline: boolean;
}

/** Something that went wrong outside a candidate (a specialist that did not answer, a planner failure): diagnostics list it. */
export interface Incident {
  readonly stage: string;
  readonly agent: string;
  readonly reason: string;
}

/** One combiner trial of the model work (R&D-Agent(Q)'s model arm): valid metrics only. */
export interface ModelTrial {
  readonly generation: number;
  readonly config: ModelConfig;
  readonly factors: number;
  readonly validIc: number | null;
  readonly validRankIc: number | null;
}

export type StopReason = 'generations' | 'budget';

const last = <T>(initial: () => T) => Annotation<T>({ reducer: (_, next) => next, default: initial });
const mergeById = <T>() =>
  Annotation<Readonly<Record<string, T>>>({ reducer: (current, update) => ({ ...current, ...update }), default: () => ({}) });

export const SwarmState = Annotation.Root({
  run: last<string>(() => ''),
  settings: last<SwarmSettings | null>(() => null),
  generation: last<number>(() => 0),
  /** When the current generation started (ms since the epoch), for its timing. */
  generationStartedAt: last<number>(() => 0),
  seedPool: last<readonly SeedFactor[]>(() => []),
  directions: last<readonly Direction[]>(() => []),
  /** Every direction a person gave (at start with --direction, or in a review). */
  humanDirections: last<readonly string[]>(() => []),
  /** How many of humanDirections the last plan included; more means plan again. */
  plannedHumanDirections: last<number>(() => -1),
  /** Recent comments a person left (they reach specialists' prompts). */
  humanComments: last<readonly string[]>(() => []),
  assignments: last<readonly Assignment[]>(() => []),
  action: last<'factor' | 'model'>(() => 'factor'),
  trajectories: mergeById<Trajectory>(),
  /** Trajectories in flight this generation. */
  active: last<readonly string[]>(() => []),
  checks: mergeById<Check>(),
  /** This generation's selection: percentile thresholds per niche (specialist), who goes to the library, parents, carried elites. */
  thresholds: last<Readonly<Record<string, { readonly qualified: MetricBounds; readonly elite: MetricBounds } | null>> | null>(() => null),
  toLibrary: last<readonly string[]>(() => []),
  parents: last<readonly string[]>(() => []),
  /** The previous generation's best elites, parents again this generation (CogAlpha's elitism). */
  carried: last<readonly string[]>(() => []),
  /** CogAlpha's adaptive generation: analysed best valid and worst invalid candidates of the last generation. */
  feedback: last<readonly string[]>(() => []),
  reviewDecision: last<ReviewDecision | null>(() => null),
  library: last<LibrarySummary>(() => ({ size: 0, families: {} })),
  /** Stage timings of the current generation. */
  timings: last<Readonly<Record<string, StageTiming>>>(() => ({})),
  incidents: last<readonly Incident[]>(() => []),
  modelTrials: last<readonly ModelTrial[]>(() => []),
  history: last<readonly GenerationSummary[]>(() => []),
  usage: last<Usage>(() => ({ tokens: 0, costUsd: 0, calls: 0, offline: false })),
  stop: last<StopReason | null>(() => null),
});

export type SwarmStateType = typeof SwarmState.State;
/** What a node returns: the channels it changed (merged channels: only the changed entries). */
export type SwarmUpdate = Partial<SwarmStateType>;
