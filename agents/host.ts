/**
 * Hosts every built-in agent of the swarm on a bus: the planner, CogAlpha's
 * 21 specialists, the factor builder, verifier, code repair, logic improver,
 * evaluator, mutation, crossover, analyst, librarian, scheduler and model
 * agent, each as an XState actor with its identity in the registry. stop()
 * drains them (each finishes the task in hand) and waits for the learnt state
 * (repair knowledge, rejections, bandit) to be saved.
 *
 * The default specialist behaviour is installed too, so a specialist module
 * attached in this process without a propose() gets the same LLM-backed
 * behaviour as the built-in ones.
 */
import type { AnyStateMachine } from 'xstate';
import type { HostOptions, HostedActor } from '../runtime/actorHost.js';
import { hostActor } from '../runtime/actorHost.js';
import type { Bus } from '../runtime/bus.js';
import type { RunStore } from '../runtime/runStore.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { ANALYST_IDENTITY, analystMachine } from './analyst.js';
import { BUILTIN_SPECIALISTS, builtinSpecialistAgents } from './builtinSpecialists.js';
import { CODE_REPAIR_IDENTITY, RepairWorkshop, codeRepairMachine } from './codeRepair.js';
import { CROSSOVER_IDENTITY, crossoverMachine } from './crossover.js';
import type { EvaluationData, ScorerOptions, ValuesPool } from './evaluation/candidateScorer.js';
import { EVALUATOR_IDENTITY, evaluatorMachine } from './evaluator.js';
import { FACTOR_BUILDER_IDENTITY, factorBuilderMachine } from './factorBuilder.js';
import type { AcceptancePolicy } from './library/acceptance.js';
import { LIBRARIAN_IDENTITY, RejectionMemory, librarianMachine } from './librarian.js';
import { LOGIC_IMPROVER_IDENTITY, logicImproverMachine } from './logicImprover.js';
import { MODEL_AGENT_IDENTITY, modelAgentMachine } from './modelAgent.js';
import type { ModelAccess, ModelClient, SwarmEnvironment } from './modelCall.js';
import { MUTATION_IDENTITY, mutationMachine } from './mutation.js';
import { PLANNER_IDENTITY, plannerMachine } from './planner.js';
import { CANDIDATE_REJECTED, REPAIR_OUTCOME } from './protocol.js';
import { BanditKeeper, SCHEDULE_FEEDBACK, SCHEDULER_IDENTITY, schedulerMachine } from './scheduler.js';
import { installDefaultSpecialistBehaviour } from './specialistBehaviour.js';
import { VERIFIER_IDENTITY, verifierMachine, type VerifierOptions } from './verifier.js';

export interface BuiltinAgentDeps {
  /** The run's LlmClient (built with ROLE_KINDS). */
  readonly llm: ModelClient;
  /** The factor language text, fields and limits of the data (swarmEnvironment()). */
  readonly env: SwarmEnvironment;
  /** What the evaluator scores against: panel, universe, AgentSplits (train/valid), label clipped at splits.lastDay. */
  readonly evaluation: EvaluationData;
  /** evaluator/pool.ts's EvaluationPool over the same panel and universe; without one the evaluator computes in this thread. */
  readonly pool?: ValuesPool | null;
  readonly runStore: RunStore;
  /** The run's seed (planner grid, scheduler bandit, combiner trials). */
  readonly seed: number;
  readonly options?: {
    readonly verifier?: Partial<VerifierOptions>;
    readonly acceptance?: Partial<AcceptancePolicy>;
    readonly scorer?: Partial<ScorerOptions>;
    /** Per-task time limit of the evaluator (batches, combiner trials). Default 30 minutes. */
    readonly evaluatorTaskTimeoutMs?: number;
  };
}

export interface BuiltinAgents {
  readonly agents: readonly HostedActor[];
  /** Names of the built-in specialists (their queues). */
  readonly specialists: readonly string[];
  /** Drains every agent, then waits for learnt state to be saved. */
  stop(): Promise<void>;
}

export async function startBuiltinAgents(bus: Bus, deps: BuiltinAgentDeps): Promise<BuiltinAgents> {
  const log = (line: string): void => bus.log(line);
  const model: ModelAccess = { llm: deps.llm, env: deps.env };
  const store = deps.runStore;
  const options = deps.options ?? {};
  installDefaultSpecialistBehaviour(model);

  const workshop = new RepairWorkshop({ model, store, log });
  const memory = new RejectionMemory(store, log);
  const keeper = new BanditKeeper({ store, seed: deps.seed, log });

  const plan: { machine: AnyStateMachine; identity: AgentIdentity; options?: HostOptions }[] = [
    { machine: plannerMachine({ model, seed: deps.seed, log }), identity: PLANNER_IDENTITY },
    ...builtinSpecialistAgents(model).map(({ machine, identity }) => ({ machine, identity })),
    { machine: factorBuilderMachine({ model }), identity: FACTOR_BUILDER_IDENTITY },
    { machine: verifierMachine({ model, store, ...(options.verifier ? { options: options.verifier } : {}) }), identity: VERIFIER_IDENTITY },
    { machine: codeRepairMachine({ model, store, log }, workshop), identity: CODE_REPAIR_IDENTITY, options: { events: [REPAIR_OUTCOME] } },
    { machine: logicImproverMachine({ model }), identity: LOGIC_IMPROVER_IDENTITY },
    {
      machine: evaluatorMachine({ data: deps.evaluation, env: deps.env, store, pool: deps.pool ?? null, options: { seed: deps.seed, ...options.scorer } }),
      identity: EVALUATOR_IDENTITY,
      options: { taskTimeoutMs: options.evaluatorTaskTimeoutMs ?? 30 * 60_000 },
    },
    { machine: mutationMachine({ model }), identity: MUTATION_IDENTITY },
    { machine: crossoverMachine({ model }), identity: CROSSOVER_IDENTITY },
    { machine: analystMachine({ model }), identity: ANALYST_IDENTITY },
    {
      machine: librarianMachine({ bus, store, env: deps.env, log, ...(options.acceptance ? { policy: options.acceptance } : {}) }, memory),
      identity: LIBRARIAN_IDENTITY,
      options: { events: [CANDIDATE_REJECTED] },
    },
    { machine: schedulerMachine({ store, seed: deps.seed, log }, keeper), identity: SCHEDULER_IDENTITY, options: { events: [SCHEDULE_FEEDBACK] } },
    { machine: modelAgentMachine({ model }), identity: MODEL_AGENT_IDENTITY },
  ];

  const started = await Promise.allSettled(plan.map((a) => hostActor(bus, a.machine, a.identity, a.options ?? {})));
  const agents = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(agents.map((a) => a.stop()));
    throw failed.reason;
  }

  let stopping: Promise<void> | null = null;
  return {
    agents,
    specialists: BUILTIN_SPECIALISTS.map((s) => s.name),
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(agents.map((a) => a.stop()));
        await Promise.all([workshop.flush(), memory.flush(), keeper.flush()]);
      })()),
  };
}
