/**
 * The supervisor: one generation of the mining swarm as a LangGraph
 * StateGraph. Read top to bottom, it is the algorithm (see the swarm design):
 *
 *   initialise -> plan -> schedule -> propose -> build -> verify
 *   verify -> repair | improve -> verify            (bounded rounds; both in parallel when needed)
 *   verify -> evaluate -> select -> analyse -> [review] -> curate
 *   curate -> [combine] -> evolve -> nextGeneration (children go back to build/verify)
 *   nextGeneration -> plan | schedule | build | finish
 *
 * Fresh specialist proposals join every `injectEvery` generations
 * (schedule -> propose); in between, a generation is the children of the
 * last one. When the scheduler's bandit chose model work, a combiner trial
 * runs after curation (R&D-Agent(Q)'s model arm). Nodes are in graphs/nodes/, one per step; they talk to agents
 * only through the bus. The checkpointer (graphs/fileCheckpointer.ts) saves
 * the state after every node, so a stopped run continues from the last
 * completed node.
 */
import { END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { SwarmDeps } from './deps.js';
import { analyse } from './nodes/analyse.js';
import { build } from './nodes/build.js';
import { combine } from './nodes/combine.js';
import { curate } from './nodes/curate.js';
import { evaluate } from './nodes/evaluate.js';
import { evolve } from './nodes/evolve.js';
import { initialise } from './nodes/initialise.js';
import { finish, nextGeneration } from './nodes/nextGeneration.js';
import { needsPlan, plan } from './nodes/plan.js';
import { propose } from './nodes/propose.js';
import { review } from './nodes/review.js';
import { schedule } from './nodes/schedule.js';
import { select } from './nodes/select.js';
import { afterVerify, improve, repair, verify } from './nodes/verify.js';
import { SwarmState, type SwarmStateType } from './state.js';

/** After selection and analysis: a person's review when asked for, else straight to the librarian. */
export function afterAnalyse(state: SwarmStateType): 'review' | 'curate' {
  return state.settings?.review ? 'review' : 'curate';
}

/** After curation: a combiner trial when the scheduler chose model work (and there is a library to combine), else evolution. */
export function afterCurate(state: SwarmStateType, budgetExhausted: boolean): 'combine' | 'evolve' | 'nextGeneration' {
  if (state.action === 'model' && state.library.size >= 2 && !state.modelTrials.some((t) => t.generation === state.generation)) return 'combine';
  return afterCombine(state, budgetExhausted);
}

/** Evolve unless this was the last generation (or the budget is spent). */
export function afterCombine(state: SwarmStateType, budgetExhausted: boolean): 'evolve' | 'nextGeneration' {
  const last = state.settings === null || state.generation + 1 >= state.settings.generations;
  return last || budgetExhausted ? 'nextGeneration' : 'evolve';
}

/** A new generation: stop, or inject fresh proposals (planning again if a person added directions), or carry on with the children. */
export function afterGeneration(state: SwarmStateType): 'finish' | 'plan' | 'schedule' | 'build' {
  if (state.stop !== null || state.settings === null) return 'finish';
  if (state.generation % state.settings.injectEvery === 0) return needsPlan(state) ? 'plan' : 'schedule';
  return 'build';
}

export function createMiningGraph(deps: SwarmDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(SwarmState)
    .addNode('initialise', initialise(deps))
    .addNode('plan', plan(deps))
    .addNode('schedule', schedule(deps))
    .addNode('propose', propose(deps))
    .addNode('build', build(deps))
    .addNode('verify', verify(deps))
    .addNode('repair', repair(deps))
    .addNode('improve', improve(deps))
    .addNode('evaluate', evaluate(deps))
    .addNode('select', select(deps))
    .addNode('analyse', analyse(deps))
    .addNode('review', review(deps))
    .addNode('curate', curate(deps))
    .addNode('combine', combine(deps))
    .addNode('evolve', evolve(deps))
    .addNode('nextGeneration', nextGeneration(deps))
    .addNode('finish', finish(deps))
    .addEdge(START, 'initialise')
    .addEdge('initialise', 'plan')
    .addEdge('plan', 'schedule')
    .addEdge('schedule', 'propose')
    .addEdge('propose', 'build')
    .addEdge('build', 'verify')
    .addConditionalEdges('verify', afterVerify, ['repair', 'improve', 'evaluate'])
    .addEdge('repair', 'verify')
    .addEdge('improve', 'verify')
    .addEdge('evaluate', 'select')
    .addEdge('select', 'analyse')
    .addConditionalEdges('analyse', afterAnalyse, ['review', 'curate'])
    .addEdge('review', 'curate')
    .addConditionalEdges('curate', (state) => afterCurate(state, deps.budgetExhausted()), ['combine', 'evolve', 'nextGeneration'])
    .addConditionalEdges('combine', (state) => afterCombine(state, deps.budgetExhausted()), ['evolve', 'nextGeneration'])
    .addEdge('evolve', 'nextGeneration')
    .addConditionalEdges('nextGeneration', afterGeneration, ['plan', 'schedule', 'build', 'finish'])
    .addEdge('finish', END)
    .compile({ checkpointer });
}

export type MiningGraph = ReturnType<typeof createMiningGraph>;

/** Supersteps allowed in one invocation: generous, since every node and every repair round is one. */
export const RECURSION_LIMIT = 100_000;
