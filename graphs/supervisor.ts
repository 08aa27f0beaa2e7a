/**
 * The supervisor around the graph: builds the graph over a run directory's
 * checkpoints, starts or resumes it, and carries it through review
 * interrupts. What runs the swarm (bin/commands/swarm.ts) brings the bus,
 * the data and the agents; this module brings the algorithm and its state.
 *
 *   start     a fresh run: the graph from `initialise`
 *   resume    the same run after a stop or kill -9: from the last completed node
 *             (an interrupted review is asked again)
 *
 * The checkpoint thread is the run id, so a run directory holds one run.
 */
import { Command } from '@langchain/langgraph';
import { join } from 'node:path';
import type { AgentRegistry, Bus, RunStore } from '../runtime/index.js';
import type { SwarmDeps } from './deps.js';
import { FileCheckpointer } from './fileCheckpointer.js';
import { RECURSION_LIMIT, createMiningGraph, type MiningGraph } from './miningGraph.js';
import { RUN_FILES, RunOutputs } from './outputs.js';
import type { PendingReview } from './review.js';
import type { ReviewDecision, SwarmSettings, SwarmStateType, Usage } from './state.js';

export type RunPhase = 'new' | 'resumable' | 'waiting-for-review' | 'finished';

export interface SupervisorOptions extends Omit<SwarmDeps, 'bus' | 'outputs' | 'registry' | 'store' | 'usage'> {
  readonly runDir: string;
  readonly registry: AgentRegistry;
  readonly store: RunStore;
  /** LLM usage of this process (the supervisor adds what earlier processes of the run used). */
  readonly usage: () => Usage;
}

/** Asks a person (or a test) for the decision on a pending review. */
export type Reviewer = (pending: PendingReview) => Promise<ReviewDecision>;

export class Supervisor {
  private constructor(
    readonly run: string,
    readonly graph: MiningGraph,
    readonly outputs: RunOutputs,
    private readonly config: { configurable: { thread_id: string }; recursionLimit: number },
  ) {}

  /** The graph over `<runDir>/checkpoints`; usage continues from what the checkpoint recorded. */
  static async open(bus: Bus, options: SupervisorOptions): Promise<Supervisor> {
    const outputs = new RunOutputs(options.runDir);
    const checkpointer = new FileCheckpointer(join(options.runDir, RUN_FILES.checkpoints));
    const config = { configurable: { thread_id: bus.run }, recursionLimit: RECURSION_LIMIT };
    let before: Usage = { tokens: 0, costUsd: 0, calls: 0, offline: true };
    const usage = (): Usage => addUsage(before, options.usage());
    const deps: SwarmDeps = { ...options, bus, outputs, usage };
    const graph = createMiningGraph(deps, checkpointer);
    const supervisor = new Supervisor(bus.run, graph, outputs, config);
    const saved = await supervisor.state();
    if (saved !== null) before = saved.usage;
    return supervisor;
  }

  /** The checkpointed state, or null for a new run. */
  async state(): Promise<SwarmStateType | null> {
    const snapshot = await this.graph.getState(this.config);
    return snapshot.values && (snapshot.values as SwarmStateType).settings ? (snapshot.values as SwarmStateType) : null;
  }

  async phase(): Promise<RunPhase> {
    const snapshot = await this.graph.getState(this.config);
    if (!(snapshot.values as SwarmStateType | undefined)?.settings) return 'new';
    // Not `next` alone: LangGraph leaves out of `next` the tasks whose results were saved before a
    // crash (kill -9 between a step's writes and its checkpoint); they are still in `tasks`.
    if (snapshot.next.length === 0 && snapshot.tasks.length === 0) return 'finished';
    return snapshot.tasks.some((t) => t.interrupts.length > 0) ? 'waiting-for-review' : 'resumable';
  }

  /** Starts a new run and carries it to the end. */
  async start(settings: SwarmSettings, humanDirections: readonly string[], reviewer: Reviewer): Promise<SwarmStateType> {
    if ((await this.phase()) !== 'new') throw new Error(`run ${this.run} already has checkpoints: resume it instead`);
    return this.drive({ run: this.run, settings, humanDirections: [...humanDirections] }, reviewer);
  }

  /** Continues a stopped run from its last completed node. */
  async resume(reviewer: Reviewer): Promise<SwarmStateType> {
    const phase = await this.phase();
    if (phase === 'new') throw new Error(`run ${this.run} has no checkpoint to resume from`);
    if (phase === 'finished') return (await this.state())!;
    return this.drive(null, reviewer);
  }

  private async drive(input: Partial<SwarmStateType> | null, reviewer: Reviewer): Promise<SwarmStateType> {
    let next: Partial<SwarmStateType> | Command | null = input;
    for (;;) {
      // A pending review (also one a killed process was waiting for) is asked again before anything runs.
      const pending = await this.pendingReview();
      if (pending !== null) next = new Command({ resume: await reviewer(pending) });
      await this.graph.invoke(next as never, this.config);
      if ((await this.pendingReview()) === null) return (await this.state())!;
      next = null;
    }
  }

  /** What the graph's review interrupt is waiting on, if it is. */
  async pendingReview(): Promise<PendingReview | null> {
    const snapshot = await this.graph.getState(this.config);
    for (const task of snapshot.tasks) for (const i of task.interrupts) return i.value as PendingReview;
    return null;
  }
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    tokens: a.tokens + b.tokens,
    costUsd: a.costUsd === null || b.costUsd === null ? null : a.costUsd + b.costUsd,
    calls: a.calls + b.calls,
    offline: a.offline && b.offline,
  };
}
