/** The family tree `alphaswarm lineage` prints, from hand-made trajectories. */
import { describe, expect, it } from 'vitest';
import type { LibraryEntry, Trajectory } from '../../agents/domain.js';
import { findFactor, lineageOf, renderLineage } from '../../graphs/lineage.js';
import { newTrajectory } from '../../graphs/trajectories.js';

const metrics = (r: number) => {
  const s = { ic: r, icir: r * 10, rankIc: r, rankIcir: r * 10, mi: 0.001, rankIcT: 3, nanRatio: 0.01, days: 100 };
  return { train: s, valid: s };
};
const t = (id: string, origin: Trajectory['origin'], parents: string[], extra: Partial<Trajectory> = {}): Trajectory => ({
  ...newTrajectory({ id, generation: Number(id[1]), origin, specialist: 'spec', level: 1, guidanceMode: 'light', direction: null, hypothesis: `h ${id}`, expression: `expr_${id}`, parents, status: 'qualified' }),
  metrics: metrics(0.02),
  reward: 0.02,
  ...extra,
});

const a = t('g0-a', 'init', []);
const b = t('g0-b', 'init', []);
const x = t('g1-x', 'crossover', ['g0-a', 'g0-b'], {
  inherited: [
    { parent: 'g0-a', segment: 'subexpression', detail: 'expr_g0-a' },
    { parent: 'g0-b', segment: 'hypothesis', detail: 'h g0-b' },
  ],
});
const m = t('g2-m', 'mutation', ['g1-x'], { status: 'accepted', inherited: [{ parent: 'g1-x', segment: 'hypothesis', detail: 'h g1-x' }] });
const diamond = t('g2-d', 'crossover', ['g1-x', 'g0-a', 'gone']);
const all = [a, b, x, m, diamond];
const entry = { id: 'f00dcafe12345678', trajectory: 'g2-m' } as LibraryEntry;

describe('lineage', () => {
  it('finds a factor by library id, trajectory id or unique prefix', () => {
    expect(findFactor('f00dcafe12345678', all, [entry])).toEqual({ trajectory: m });
    expect(findFactor('f00d', all, [entry])).toEqual({ trajectory: m });
    expect(findFactor('g1-x', all, [entry])).toEqual({ trajectory: x });
    expect(findFactor('g0-', all, [entry])).toEqual({ error: "'g0-' matches 2 factors (g0-a, g0-b); give more of the id" });
    expect(findFactor('nope', all, [entry])).toMatchObject({ error: expect.stringMatching(/^no factor 'nope'/) });
  });

  it('walks parents recursively with what each inherited, once per trajectory', () => {
    const tree = lineageOf(m, all, [entry]);
    expect(tree).toMatchObject({ id: 'g2-m', origin: 'mutation', entry: 'f00dcafe12345678', parents: [{ id: 'g1-x', parents: [{ id: 'g0-a' }, { id: 'g0-b' }] }] });
    const d = lineageOf(diamond, all, []);
    expect(d.missingParents).toEqual(['gone']);
    // g0-a is reached through g1-x first, then directly: the second time it is marked, not expanded.
    expect(d.parents.map((p) => [p.id, p.repeated])).toEqual([
      ['g1-x', false],
      ['g0-a', true],
    ]);
  });

  it('prints one block per node as a tree', () => {
    expect(renderLineage(lineageOf(m, all, [entry])).split('\n')).toEqual([
      'g2-m  gen 2  mutation  spec  [accepted -> library f00dcafe12345678]',
      '  expression: expr_g2-m',
      '  reward 0.0200; train RankIC 0.0200 IC 0.0200; valid RankIC 0.0200 IC 0.0200',
      '  inherited hypothesis from g1-x: h g1-x',
      '└─ g1-x  gen 1  crossover  spec  [qualified]',
      '     expression: expr_g1-x',
      '     reward 0.0200; train RankIC 0.0200 IC 0.0200; valid RankIC 0.0200 IC 0.0200',
      '     inherited subexpression from g0-a: expr_g0-a',
      '     inherited hypothesis from g0-b: h g0-b',
      '   ├─ g0-a  gen 0  init  spec  [qualified]',
      '   │    expression: expr_g0-a',
      '   │    reward 0.0200; train RankIC 0.0200 IC 0.0200; valid RankIC 0.0200 IC 0.0200',
      '   └─ g0-b  gen 0  init  spec  [qualified]',
      '        expression: expr_g0-b',
      '        reward 0.0200; train RankIC 0.0200 IC 0.0200; valid RankIC 0.0200 IC 0.0200',
    ]);
  });
});
