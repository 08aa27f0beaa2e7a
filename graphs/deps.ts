/**
 * What the graph's nodes use besides their state: the bus (the only way to
 * agents), the registry (to discover specialists, attached ones included),
 * the run store (the library, written by the librarian only), the run
 * directory's outputs, and the run's LLM accounting. None of it is
 * checkpointed; a resumed run builds it anew around the same run directory.
 */
import type { AgentRegistry, Bus, RunStore } from '../runtime/index.js';
import type { RunOutputs } from './outputs.js';
import type { Usage } from './state.js';

export interface SwarmDeps {
  readonly bus: Bus;
  readonly registry: AgentRegistry;
  readonly store: RunStore;
  readonly outputs: RunOutputs;
  /** Specialists hosted with the swarm; any other specialist in the registry is attached (origin `attached`). */
  readonly builtinSpecialists: ReadonlySet<string>;
  /** The seed pool the planner starts from (Alpha20). */
  readonly seedPool: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
  /** LLM usage of the whole run so far (earlier processes of a resumed run included). */
  readonly usage: () => Usage;
  /** The LLM budget is spent: stop after this generation. */
  readonly budgetExhausted: () => boolean;
  readonly timeouts: {
    /** A model-backed agent's answer (planner, specialists, builder, checker, evolution, analyst). */
    readonly model: number;
    /** One evaluation batch. */
    readonly evaluate: number;
    /** Further attempts after a timeout. */
    readonly retries: number;
  };
  /** One progress line (stderr). */
  readonly progress: (line: string) => void;
}
