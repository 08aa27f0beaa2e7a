/**
 * nextGeneration: close the generation (its diagnostics, the trajectory log,
 * the progress line), then decide: stop after --generations or when the LLM
 * budget is spent, else start the next one with the children in flight.
 * finish writes the final trajectory log and library.json.
 */
import type { SwarmDeps } from '../deps.js';
import { generationDiagnostics, generationSummary } from '../diagnostics.js';
import { progressLine } from '../progress.js';
import type { SwarmStateType } from '../state.js';
import { node } from './common.js';

export function nextGeneration(deps: SwarmDeps) {
  return node(deps, 'nextGeneration', async (state, { settings }) => {
    const seconds = (Date.now() - state.generationStartedAt) / 1000;
    const summary = generationSummary(state, state.generation, seconds);
    const usage = deps.usage();
    deps.outputs.writeDiagnostics(state.generation, generationDiagnostics(state, state.generation, seconds));
    deps.outputs.writeTrajectories(ordered(state));
    const history = [...state.history.filter((h) => h.generation !== state.generation), summary];
    deps.progress(progressLine(summary, settings.generations, usage, history.reduce((s, h) => s + h.seconds, 0)));
    const stop = state.generation + 1 >= settings.generations ? 'generations' : deps.budgetExhausted() ? 'budget' : null;
    return {
      history,
      usage,
      stop,
      generation: stop === null ? state.generation + 1 : state.generation,
      generationStartedAt: Date.now(),
      assignments: [],
      action: 'factor' as const,
      toLibrary: [],
      thresholds: null,
      reviewDecision: null,
      incidents: [],
      timings: {},
    };
  }, { timed: false });
}

export function finish(deps: SwarmDeps) {
  return node(deps, 'finish', async (state) => {
    deps.outputs.writeTrajectories(ordered(state));
    deps.outputs.writeLibrary(await deps.outputs.readLibrary(deps.store));
    return {};
  });
}

/** Trajectories by generation, then id. */
function ordered(state: SwarmStateType) {
  return Object.values(state.trajectories).sort((a, b) => a.generation - b.generation || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
