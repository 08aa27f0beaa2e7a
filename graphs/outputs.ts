/**
 * The run directory's files the supervisor writes, each atomically (written
 * under a temporary name, then renamed), so a reader, or a run killed
 * mid-write, never sees half a file:
 *
 *   library.json              JSON array of accepted factors (agents/domain.ts LibraryEntry), in acceptance order
 *   trajectories.jsonl        one trajectory per line, its latest state
 *   diagnostics/gen-N.json    per generation: metric distributions, rejections, families, yields, timings
 *   checkpoints/              the graph's checkpoints (graphs/fileCheckpointer.ts)
 *
 * library.json is rebuilt from the run store's library bucket, where the
 * librarian adds each entry once under its content hash (minus the entries
 * it retired): the file can only ever show what was stored, exactly once.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { libraryEntrySchema, trajectorySchema, type LibraryEntry, type Trajectory } from '../agents/domain.js';
import { readLibrary } from '../agents/library/libraryStore.js';
import type { RunStore } from '../runtime/index.js';
import { writeFileAtomic } from './fileCheckpointer.js';

export const RUN_FILES = {
  library: 'library.json',
  trajectories: 'trajectories.jsonl',
  diagnostics: 'diagnostics',
  checkpoints: 'checkpoints',
  review: 'review.json',
  report: 'report.json',
} as const;

export class RunOutputs {
  constructor(readonly runDir: string) {
    mkdirSync(join(runDir, RUN_FILES.diagnostics), { recursive: true });
  }

  path(file: keyof typeof RUN_FILES): string {
    return join(this.runDir, RUN_FILES[file]);
  }

  /** The library as the run store holds it, without the entries the librarian retired (a better, correlated factor replaced them). */
  async readLibrary(store: RunStore): Promise<LibraryEntry[]> {
    return (await readLibrary(store)).map((s) => s.entry);
  }

  writeLibrary(entries: readonly LibraryEntry[]): void {
    writeFileAtomic(this.path('library'), `${JSON.stringify(entries, null, 2)}\n`);
  }

  writeTrajectories(trajectories: readonly Trajectory[]): void {
    writeFileAtomic(this.path('trajectories'), trajectories.map((t) => JSON.stringify(t)).join('\n') + (trajectories.length > 0 ? '\n' : ''));
  }

  writeDiagnostics(generation: number, diagnostics: unknown): void {
    writeFileAtomic(join(this.runDir, RUN_FILES.diagnostics, `gen-${generation}.json`), `${JSON.stringify(diagnostics, null, 2)}\n`);
  }

  writeJson(file: 'review' | 'report', value: unknown): void {
    writeFileAtomic(this.path(file), `${JSON.stringify(value, null, 2)}\n`);
  }
}

/** Reads a run directory's trajectories.jsonl (for lineage and reports); lines that do not parse are skipped and counted. */
export function readTrajectories(runDir: string): { trajectories: Trajectory[]; skipped: number } {
  const text = readFileSync(join(runDir, RUN_FILES.trajectories), 'utf8');
  const trajectories: Trajectory[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      trajectories.push(trajectorySchema.parse(JSON.parse(line)));
    } catch {
      skipped++;
    }
  }
  return { trajectories, skipped };
}

/** Reads a run directory's library.json. */
export function readLibraryFile(runDir: string): LibraryEntry[] {
  return libraryEntrySchema.array().parse(JSON.parse(readFileSync(join(runDir, RUN_FILES.library), 'utf8')));
}
