/**
 * A small mining-run directory as graphs/outputs.ts writes one: run.json,
 * library.json (LibraryEntry), trajectories.jsonl (Trajectory, schema-valid)
 * with a lineage (crossover of two parents, one of them mutated from a
 * seed) and three generations of evaluated candidates, diagnostics/gen-N.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type LibraryEntry, type Trajectory, libraryEntrySchema, trajectorySchema } from '../../agents/domain.js';

const metrics = (trainRankIc: number, validRankIc: number) => {
  const split = (rankIc: number) => ({ ic: rankIc / 2, icir: rankIc * 4, rankIc, rankIcir: rankIc * 5, mi: 0.02, rankIcT: rankIc * 60, nanRatio: 0.01, days: 40 });
  return { train: split(trainRankIc), valid: split(validRankIc) };
};

function trajectory(id: string, generation: number, origin: Trajectory['origin'], expression: string, parents: string[], status: Trajectory['status'], rankIc: number | null): Trajectory {
  return trajectorySchema.parse({
    id,
    generation,
    origin,
    specialist: 'momentum-analyst',
    level: 2,
    guidanceMode: 'direct',
    direction: null,
    hypothesis: `hypothesis of ${id}: <recent winners> keep winning & "quotes" survive escaping`,
    name: `F_${id}`,
    description: `description of ${id}`,
    expression,
    family: 'momentum',
    parents,
    inherited: [],
    steps: [{ kind: 'propose', agent: 'specialist', action: 'proposed', result: expression, ok: true, time: '2026-01-01T00:00:00Z' }],
    metrics: rankIc === null ? null : metrics(rankIc * 1.1, rankIc),
    reward: rankIc,
    status,
    rejection: null,
  });
}

export interface RunFixture {
  readonly dir: string;
  readonly library: readonly LibraryEntry[];
  readonly trajectories: readonly Trajectory[];
  /** Trajectories with metrics. */
  readonly evaluated: number;
}

/**
 * Writes the run into `dir`. `dataDir` goes into run.json (where the run
 * mined); `expressions` are the accepted factors (three of them).
 */
export function writeRunDirectory(dir: string, dataDir: string, expressions: readonly [string, string, string], settings: Record<string, unknown> = {}): RunFixture {
  mkdirSync(join(dir, 'diagnostics'), { recursive: true });
  const [a, b, c] = expressions;
  const trajectories = [
    trajectory('t-seed', 0, 'init', a, [], 'evaluated', 0.01),
    trajectory('t-mut', 1, 'mutation', b, ['t-seed'], 'accepted', 0.03),
    trajectory('t-other', 1, 'init', c, [], 'accepted', 0.02),
    trajectory('t-cross', 2, 'crossover', a, ['t-mut', 't-other'], 'accepted', 0.04),
    trajectory('t-weak', 2, 'init', b, [], 'evaluated', -0.005),
    trajectory('t-rejected', 2, 'init', c, [], 'rejected', null),
  ];
  const entry = (t: Trajectory, expression: string): LibraryEntry =>
    libraryEntrySchema.parse({
      id: `lib-${t.id}`,
      name: t.name,
      expression,
      hypothesis: t.hypothesis,
      description: t.description,
      family: t.family,
      specialist: t.specialist,
      origin: t.origin,
      parents: t.parents,
      generation: t.generation,
      trajectory: t.id,
      metrics: t.metrics,
      complexity: 5,
    });
  const library = [entry(trajectories[1]!, b), entry(trajectories[2]!, c), entry(trajectories[3]!, a)];
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ run: 'fixture-run', nats: 'nats://127.0.0.1:4222', data: dataDir, ...settings }));
  writeFileSync(join(dir, 'library.json'), JSON.stringify(library, null, 2));
  writeFileSync(join(dir, 'trajectories.jsonl'), `${trajectories.map((t) => JSON.stringify(t)).join('\n')}\nnot json\n`);
  // As graphs/diagnostics.ts writes them (only the parts the report reads).
  const rejections = [{}, { verify: { count: 2, examples: ['look-ahead'] } }, { verify: { count: 1, examples: [] }, select: { count: 3, examples: [] } }];
  for (const g of [0, 1, 2]) writeFileSync(join(dir, 'diagnostics', `gen-${g}.json`), JSON.stringify({ generation: g, rejections: rejections[g] }));
  return { dir, library, trajectories, evaluated: trajectories.filter((t) => t.metrics !== null).length };
}
