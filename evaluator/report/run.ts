/**
 * A mining run's directory as the report reads it (graphs/outputs.ts writes
 * it): run.json, library.json, trajectories.jsonl (one trajectory per line,
 * agents/domain.ts's schema) and diagnostics/gen-N.json. Everything here is
 * train and valid: a run never sees the test period.
 *
 * Read tolerantly: a missing or unreadable part leaves its section of the
 * report saying so, and lines of trajectories.jsonl that do not parse are
 * counted, not fatal.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { type Trajectory, trajectorySchema } from '../../agents/domain.js';
import { type LibraryFileEntry, parseLibraryJson } from './libraryFile.js';

export interface RunDirectory {
  readonly dir: string;
  /** run.json as written (null when absent or not JSON). */
  readonly runJson: Readonly<Record<string, unknown>> | null;
  /** The data directory the run mined on, when run.json names one. */
  readonly dataDir: string | null;
  readonly library: readonly LibraryFileEntry[];
  readonly trajectories: readonly Trajectory[];
  /** Lines of trajectories.jsonl that did not parse. */
  readonly skippedTrajectories: number;
  /** diagnostics/gen-N.json by generation N. */
  readonly diagnostics: ReadonlyMap<number, unknown>;
  /** What answered the model roles, from report.json's usage (null while the run has not finished). */
  readonly model: { readonly offline: boolean; readonly calls: number; readonly tokens: number } | null;
  /** What could not be read, one sentence each. */
  readonly problems: readonly string[];
}

/** A directory with run.json or trajectories.jsonl next to library.json. */
export function isRunDirectory(dir: string): boolean {
  return existsSync(join(dir, 'library.json')) && (existsSync(join(dir, 'run.json')) || existsSync(join(dir, 'trajectories.jsonl')));
}

export function readRunDirectory(dir: string): RunDirectory {
  const problems: string[] = [];
  const readJson = (file: string): unknown => {
    const path = join(dir, file);
    if (!existsSync(path)) {
      problems.push(`${file} is missing`);
      return null;
    }
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      problems.push(`${file} is not JSON (${(error as Error).message})`);
      return null;
    }
  };
  const runValue = readJson('run.json');
  const runJson = runValue !== null && typeof runValue === 'object' && !Array.isArray(runValue) ? (runValue as Record<string, unknown>) : null;

  let library: LibraryFileEntry[] = [];
  const libraryValue = readJson('library.json');
  if (libraryValue !== null) {
    try {
      library = parseLibraryJson(libraryValue, 'library.json');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  const trajectories: Trajectory[] = [];
  let skippedTrajectories = 0;
  const trajectoryPath = join(dir, 'trajectories.jsonl');
  if (existsSync(trajectoryPath)) {
    for (const line of readFileSync(trajectoryPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        trajectories.push(trajectorySchema.parse(JSON.parse(line)));
      } catch {
        skippedTrajectories++;
      }
    }
    if (skippedTrajectories > 0) problems.push(`${skippedTrajectories} line(s) of trajectories.jsonl did not parse`);
  } else problems.push('trajectories.jsonl is missing');

  const diagnostics = new Map<number, unknown>();
  const diagnosticsDir = join(dir, 'diagnostics');
  if (existsSync(diagnosticsDir)) {
    for (const file of readdirSync(diagnosticsDir)) {
      const match = /^gen-(\d+)\.json$/.exec(file);
      if (!match) continue;
      const value = readJson(join('diagnostics', file));
      if (value !== null) diagnostics.set(Number(match[1]), value);
    }
  }
  return { dir: resolve(dir), runJson, dataDir: dataDirOf(runJson, dir), library, trajectories, skippedTrajectories, diagnostics, model: modelOf(dir), problems };
}

/** report.json's usage, when the run wrote one (it does when it finishes). */
function modelOf(dir: string): RunDirectory['model'] {
  try {
    const usage = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { usage?: { offline?: unknown; calls?: unknown; tokens?: unknown } }).usage;
    if (usage === undefined || typeof usage.offline !== 'boolean') return null;
    return { offline: usage.offline, calls: Number(usage.calls) || 0, tokens: Number(usage.tokens) || 0 };
  } catch {
    return null;
  }
}

/**
 * run.json's data directory, under whichever key the writer used (`data`,
 * `dataDir`, `data_dir`, or inside `settings`/`options`). The swarm stores it
 * as given on its command line, so a relative path is tried from here, then
 * from the run directory.
 */
function dataDirOf(runJson: Readonly<Record<string, unknown>> | null, dir: string): string | null {
  if (!runJson) return null;
  const candidates = [runJson, runJson.settings, runJson.options, runJson.args].filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object');
  for (const c of candidates) {
    for (const key of ['data', 'dataDir', 'data_dir']) {
      const value = c[key];
      if (typeof value !== 'string' || value === '') continue;
      if (isAbsolute(value)) return value;
      const fromHere = resolve(value);
      return existsSync(fromHere) ? fromHere : existsSync(resolve(dir, value)) ? resolve(dir, value) : fromHere;
    }
  }
  return null;
}

/** Candidates the run evaluated (trajectories with metrics). */
export function evaluatedCandidates(run: RunDirectory): Trajectory[] {
  return run.trajectories.filter((t) => t.metrics !== null);
}

export interface TrialStatistics {
  readonly trials: number;
  /** Variance of the candidates' per-period Sharpe ratio proxy; NaN with fewer than two candidates. */
  readonly sharpeVariance: number;
  readonly source: string;
  readonly varianceSource: string;
}

/**
 * The deflated Sharpe ratio's trials: every candidate the run evaluated. Their
 * Sharpe ratios are taken as the daily RankICIR on valid, oriented by the
 * sign of the train RankIC as selection orients factors: the Sharpe ratio of
 * a factor's daily rank-IC series, a proxy (the run never backtests a single
 * candidate) in the same per-day units as the strategy's Sharpe ratio.
 */
export function trialStatistics(run: RunDirectory): TrialStatistics | null {
  const candidates = evaluatedCandidates(run);
  if (candidates.length === 0) return null;
  const sharpe = candidates
    .map((t) => {
      const m = t.metrics!;
      const sign = (m.train.rankIc ?? 0) < 0 ? -1 : 1;
      return m.valid.rankIcir === null ? NaN : sign * m.valid.rankIcir;
    })
    .filter(Number.isFinite);
  const mean = sharpe.reduce((a, v) => a + v, 0) / sharpe.length;
  const variance = sharpe.length > 1 ? sharpe.reduce((a, v) => a + (v - mean) ** 2, 0) / (sharpe.length - 1) : NaN;
  return {
    trials: candidates.length,
    sharpeVariance: variance,
    source: `the ${candidates.length} candidates the mining run in ${run.dir} evaluated`,
    varianceSource: `variance of the candidates' valid daily RankICIR (oriented by the sign of their train RankIC), a per-day Sharpe ratio proxy over ${sharpe.length} candidates`,
  };
}

/** A node of a lineage tree: a trajectory and its parents' trees (shared ancestors repeat; depth-bounded). */
export interface LineageNode {
  readonly id: string;
  readonly trajectory: Trajectory | null;
  readonly parents: readonly LineageNode[];
}

/** The family tree of trajectory `id` up to `depth` generations back and `maxNodes` nodes in all. */
export function lineageTree(run: RunDirectory, id: string, depth = 4, maxNodes = 24): LineageNode {
  const byId = new Map(run.trajectories.map((t) => [t.id, t]));
  let budget = maxNodes;
  const build = (nodeId: string, level: number, path: ReadonlySet<string>): LineageNode => {
    budget--;
    const trajectory = byId.get(nodeId) ?? null;
    const parents: LineageNode[] = [];
    if (trajectory && level < depth) {
      for (const parent of trajectory.parents) {
        // A cycle in hostile data must not loop.
        if (budget <= 0 || path.has(parent)) break;
        parents.push(build(parent, level + 1, new Set([...path, parent])));
      }
    }
    return { id: nodeId, trajectory, parents };
  };
  return build(id, 0, new Set([id]));
}
