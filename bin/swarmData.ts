/**
 * The data a swarm mines, as its entry point prepares it: the panel (a
 * data directory or the embedded synthetic market), the universe, the
 * train/valid periods agents may see and, only when --test is given, the
 * test period sealed for the final report (evaluator/metrics/finalReport.ts).
 * The agents' label is computed no further than the end of valid, so no
 * test-period price ever reaches them.
 */
import { DataError, loadPanel, parseSplit, syntheticMarket, type DateSplit } from '../evaluator/data/index.js';
import type { EvaluationData } from '../agents/evaluation/candidateScorer.js';
import { FactorEngine } from '../evaluator/engine.js';
import { splitCalendar, type Splits } from '../evaluator/metrics/finalReport.js';
import { makeAgentSplits, resolveSplitRange, type AgentSplits } from '../evaluator/metrics/splits.js';
import type { Panel } from '../evaluator/panel.js';
import { compileLabel } from '../operators/index.js';
import { DEFAULT_LABEL } from './engineOptions.js';

export interface SwarmDataOptions {
  /** Data directory, or null for the synthetic market. */
  readonly data: string | null;
  readonly universe: string;
  readonly train: string | null;
  readonly valid: string | null;
  readonly test: string | null;
  readonly seed: number;
}

export interface SwarmData {
  readonly panel: Panel;
  /** What the agents' evaluator scores against. */
  readonly evaluation: EvaluationData;
  readonly fields: readonly string[];
  /** The test period, sealed; null without --test. */
  readonly sealed: Splits | null;
  readonly label: string;
  readonly description: string;
  readonly notes: readonly string[];
}

/** Default periods: the first 60% of the calendar for train, the next 20% for valid (the rest is left for a test). */
function defaultSplit(calendar: readonly string[], from: number, to: number): DateSplit {
  const at = (share: number): number => Math.min(calendar.length - 1, Math.floor(calendar.length * share));
  return { start: calendar[at(from)]!, end: calendar[Math.max(at(from), at(to) - 1)]! };
}

export function openSwarmData(options: SwarmDataOptions): SwarmData {
  const notes: string[] = [];
  const panel = options.data === null ? syntheticMarket({ seed: options.seed }) : loadPanel(options.data, { universe: options.universe });
  if (options.data === null) notes.push(`no --data: mining the embedded synthetic market (${panel.N} instruments, ${panel.T} days, seed ${options.seed})`);
  const universe = panel.universes[options.universe];
  if (!universe) throw new DataError(`unknown universe '${options.universe}' (universes here: ${Object.keys(panel.universes).join(', ')})`);
  const train = options.train ? parseSplit(options.train) : defaultSplit(panel.calendar, 0, 0.6);
  const valid = options.valid ? parseSplit(options.valid) : defaultSplit(panel.calendar, 0.6, 0.8);
  if (!options.train || !options.valid) notes.push(`periods not given: train ${train.start}..${train.end}, valid ${valid.start}..${valid.end} (60% / 20% of the calendar)`);
  let agentSplits: AgentSplits;
  let sealed: Splits | null = null;
  if (options.test) {
    sealed = splitCalendar(panel.calendar, { train, valid, test: parseSplit(options.test) });
    agentSplits = sealed.agent;
  } else {
    const t = resolveSplitRange(panel.calendar, 'train', train);
    const v = resolveSplitRange(panel.calendar, 'valid', valid);
    agentSplits = makeAgentSplits(t, v, [...t.notes, ...v.notes]);
  }
  notes.push(...agentSplits.notes);
  const compiled = compileLabel(DEFAULT_LABEL, { fields: new Set(Object.keys(panel.fields)) });
  if (!compiled.ok) throw compiled.error;
  const label = new FactorEngine(panel, { universe: universe.mask, lastDay: agentSplits.lastDay }).evaluate(compiled.ast);
  const where = options.data === null ? panel.source.location : `${options.data} (${options.universe})`;
  return {
    panel,
    evaluation: { panel, universe: universe.mask, splits: agentSplits, label },
    fields: Object.keys(panel.fields),
    sealed,
    label: DEFAULT_LABEL,
    description: `${where}, train ${agentSplits.train.first}..${agentSplits.train.last}, valid ${agentSplits.valid.first}..${agentSplits.valid.last}`,
    notes,
  };
}
