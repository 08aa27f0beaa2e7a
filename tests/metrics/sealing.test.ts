/**
 * Agents see train and valid metrics only; test metrics appear only in final
 * reports. These tests prove it holds by construction.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAgentContexts, scoreForAgents } from '../../evaluator/metrics/agentScores.js';
import { finalReport, splitCalendar } from '../../evaluator/metrics/finalReport.js';
import type { ScoringInputs } from '../../evaluator/metrics/types.js';
import { repoRoot } from '../helpers/sharedData.js';
import { importChain, sourceFiles } from './importGraph.js';
import { normals, rng } from './fixtures.js';

/** 128 weekdays from 2019-01-01 (to 2019-06-27). */
function weekdays(): string[] {
  const days: string[] = [];
  for (let d = new Date(Date.UTC(2019, 0, 1)); days.length < 128; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() % 6 !== 0) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

const calendar = weekdays();
const dates = {
  train: { start: '2019-01-01', end: '2019-03-31' },
  valid: { start: '2019-04-01', end: '2019-04-30' },
  test: { start: '2019-05-01', end: '2019-06-30' },
};

function market(N: number, T: number, seed: number): { factor: Float64Array; inputs: ScoringInputs } {
  const z = normals(rng(seed));
  const u = rng(seed + 1);
  const factor = new Float64Array(N * T);
  const label = new Float64Array(N * T);
  const universe = new Uint8Array(N * T);
  for (let c = 0; c < N * T; c++) {
    factor[c] = u() < 0.05 ? NaN : z();
    label[c] = 0.1 * factor[c]! + z();
    if (!Number.isFinite(label[c])) label[c] = z();
    universe[c] = u() < 0.8 ? 1 : 0;
  }
  return { factor, inputs: { N, T, label, universe } };
}

describe('splits', () => {
  it('resolves dates to trading days and hands agents train and valid only', () => {
    const { agent } = splitCalendar(calendar, dates);
    expect(agent.train).toEqual({ start: 0, end: 64, first: '2019-01-01', last: '2019-03-29' });
    expect(agent.valid).toEqual({ start: 64, end: 86, first: '2019-04-01', last: '2019-04-30' });
    expect(agent.lastDay).toBe(86);
    expect(agent.notes).toEqual(['train: end 2019-03-31 is not a trading day: using the previous one, 2019-03-29']);
    expect(Object.isFrozen(agent) && Object.isFrozen(agent.train)).toBe(true);
    expect(JSON.stringify(agent)).not.toMatch(/2019-0[56]/);
  });

  it('rejects overlapping or misordered periods and bad dates', () => {
    expect(() => splitCalendar(calendar, { ...dates, valid: { start: '2019-03-15', end: '2019-04-30' } })).toThrow(
      /train period overlaps/,
    );
    expect(() => splitCalendar(calendar, { ...dates, test: { start: '2019-04-15', end: '2019-06-30' } })).toThrow(
      /valid period overlaps/,
    );
    expect(() => splitCalendar(calendar, { ...dates, test: { start: '2019-13-01' } })).toThrow(/test period: start date/);
    expect(() => splitCalendar(calendar, { ...dates, test: { start: '2020-01-01' } })).toThrow(/test period/);
  });
});

describe('the sealed test period', () => {
  it('exposes nothing', () => {
    const { test } = splitCalendar(calendar, dates);
    expect(Reflect.ownKeys(test)).toEqual([]);
    expect(Object.isFrozen(test)).toBe(true);
    expect(JSON.stringify({ test })).toBe('{"test":"[sealed test period]"}');
    expect(String(test)).toBe('[sealed test period]');
    expect(inspect(test, { showHidden: true, depth: 5 })).toBe('[sealed test period]');
    const protoKeys = Reflect.ownKeys(Object.getPrototypeOf(test));
    expect(protoKeys.map(String).sort()).toEqual(['Symbol(nodejs.util.inspect.custom)', 'constructor', 'toJSON', 'toString']);
    expect(structuredClone(test)).toEqual({});
  });

  it('opens only in finalReport, and only the original object', () => {
    const splits = splitCalendar(calendar, dates);
    const { factor, inputs } = market(30, calendar.length, 1);
    const report = finalReport([{ name: 'f', values: factor }], inputs, splits, { minNames: 5 });
    expect(report.periods.test).toEqual({ start: 86, end: 128, first: '2019-05-01', last: '2019-06-27' });
    expect(report.factors[0]!.test.range).toEqual({ start: 86, end: 128 });
    expect(report.factors[0]!.test.ic.days).toBeGreaterThan(30);
    const forged = [structuredClone(splits.test), {}, JSON.parse(JSON.stringify(splits.test))];
    for (const test of forged) {
      expect(() => finalReport([{ name: 'f', values: factor }], inputs, { ...splits, test })).toThrow(/not a sealed test period/);
    }
  });
});

describe('agent-side scoring', () => {
  const N = 30;
  const T = calendar.length;

  /** Copies of the inputs with every cell on or after `lastDay` overwritten. */
  function poisoned(
    factor: Float64Array,
    inputs: ScoringInputs,
    lastDay: number,
    value: (c: number) => number,
    member: 0 | 1,
  ): { factor: Float64Array; inputs: ScoringInputs } {
    const f = Float64Array.from(factor);
    const label = Float64Array.from(inputs.label);
    const universe = Uint8Array.from(inputs.universe!);
    for (let i = 0; i < N; i++) {
      for (let t = lastDay; t < T; t++) {
        const c = i * T + t;
        f[c] = value(c);
        label[c] = value(c + 1);
        universe[c] = member;
      }
    }
    return { factor: f, inputs: { ...inputs, label, universe } };
  }

  it('never reads a cell on or after lastDay: poisoning them changes nothing', () => {
    const { agent } = splitCalendar(calendar, dates);
    const { factor, inputs } = market(N, T, 3);
    const clean = scoreForAgents(factor, createAgentContexts(inputs, agent), { minNames: 5 });
    expect(clean.valid.ic.days).toBeGreaterThan(15);
    const poisons: [string, (c: number) => number, 0 | 1][] = [
      ['NaN, members', () => NaN, 1],
      ['huge, members', (c) => (c % 2 ? 1e300 : -1e300), 1],
      ['infinite, non-members', (c) => (c % 3 ? Infinity : -Infinity), 0],
      ['a perfect factor, members', (c) => c, 1],
    ];
    for (const [name, value, member] of poisons) {
      const p = poisoned(factor, inputs, agent.lastDay, value, member);
      const scores = scoreForAgents(p.factor, createAgentContexts(p.inputs, agent), { minNames: 5 });
      expect(scores, name).toEqual(clean);
    }
  });

  it('while the final report does read the test period (the poisoning is seen there)', () => {
    const splits = splitCalendar(calendar, dates);
    const { factor, inputs } = market(N, T, 3);
    const p = poisoned(factor, inputs, splits.agent.lastDay, (c) => c, 1);
    const before = finalReport([{ name: 'f', values: factor }], inputs, splits, { minNames: 5 }).factors[0]!;
    const after = finalReport([{ name: 'f', values: p.factor }], p.inputs, splits, { minNames: 5 }).factors[0]!;
    expect(after.train).toEqual(before.train);
    expect(after.valid).toEqual(before.valid);
    expect(after.test.ic.mean).not.toBeCloseTo(before.test.ic.mean, 3);
  });

  it('returns train and valid scores and nothing else', () => {
    const { agent } = splitCalendar(calendar, dates);
    const { factor, inputs } = market(N, T, 5);
    const scores = scoreForAgents(factor, createAgentContexts(inputs, agent), { minNames: 5 });
    expect(Object.keys(scores).sort()).toEqual(['train', 'valid']);
    expect(scores.valid.range).toEqual({ start: 64, end: 86 });
  });

  it('refuses agent splits whose valid period runs past lastDay', () => {
    const { agent } = splitCalendar(calendar, dates);
    const { inputs } = market(N, T, 5);
    expect(() => createAgentContexts(inputs, { ...agent, valid: { ...agent.valid, end: 100 } })).toThrow(/out of order/);
  });
});

describe('no agent-side module can load the final report', () => {
  const target = resolve(repoRoot, 'evaluator/metrics/finalReport.ts');

  it('nothing reachable from agents/, graphs/ or the metrics index imports evaluator/metrics/finalReport.ts', () => {
    const roots = [
      ...sourceFiles(resolve(repoRoot, 'agents')),
      ...sourceFiles(resolve(repoRoot, 'graphs')),
      resolve(repoRoot, 'evaluator/metrics/index.ts'),
      resolve(repoRoot, 'evaluator/metrics/agentScores.ts'),
    ];
    const chain = importChain(roots, target);
    expect(chain?.map((f) => relative(repoRoot, f)).join(' -> ') ?? null).toBeNull();
  });

  it('the scan catches direct, re-exported and dynamic imports, and ignores type-only ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'alphaswarm-imports-'));
    try {
      const write = (path: string, text: string) => {
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      const finalReportFile = join(root, 'evaluator/metrics/finalReport.ts');
      write('evaluator/metrics/finalReport.ts', 'export const x = 1;\n');
      write('runtime/reexport.ts', "export { x } from '../evaluator/metrics/finalReport.js';\n");
      write('agents/typeOnly.ts', "import type { X } from '../evaluator/metrics/finalReport.js';\nexport type Y = X;\n");
      expect(importChain(sourceFiles(join(root, 'agents')), finalReportFile)).toBeNull();
      write('agents/indirect.ts', "import {\n  x,\n} from '../runtime/reexport.js';\nconsole.log(x);\n");
      expect(importChain(sourceFiles(join(root, 'agents')), finalReportFile)?.map((f) => relative(root, f))).toEqual([
        'agents/indirect.ts',
        'runtime/reexport.ts',
        'evaluator/metrics/finalReport.ts',
      ]);
      rmSync(join(root, 'agents/indirect.ts'));
      write('graphs/lazy.ts', "export const load = () => import('../evaluator/metrics/finalReport.js');\n");
      expect(importChain(sourceFiles(join(root, 'graphs')), finalReportFile)).not.toBeNull();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
