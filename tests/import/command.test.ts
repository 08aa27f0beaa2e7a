/**
 * `alphaswarm import --from quantaalpha FILE` through the compiled CLI
 * (`npm run build` first): one-line errors and exit codes on bad input, the
 * per-factor report, and a library.json whose entries satisfy the schema and
 * whose train metrics match `alphaswarm eval` on the same expression and
 * dates (an independent path through the engine and the metrics).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { libraryEntrySchema, type LibraryEntry } from '../../agents/domain.js';
import { sharedDataSet } from '../helpers/sharedData.js';
import { runCli, runJson, tempDir, writeCsvMarket } from '../cli/helpers.js';

interface ReportJson {
  file: string;
  model: string;
  summary: {
    factors: number;
    byStatus: Record<string, number>;
    byExactness: Record<string, number>;
    byReason: Record<string, number>;
    byFunction: { name: string; factors: number; translated: number; problems: number; handling: string }[];
    byField: { name: string; factors: number; translated: number; problems: number; handling: string }[];
  };
  data: { universe: string; train: { first: string; last: string }; valid: { first: string; last: string } } | null;
  library: { path: string; entries: number } | null;
  factors: {
    id: string;
    status: string;
    expression: string | null;
    exactness: string | null;
    notes: string[];
    problems: { code: string; subject: string; message: string }[];
    duplicateOf: string | null;
    metrics: { train: { rankIc: number | null; ic: number | null; days: number }; valid: { days: number } } | null;
  }[];
}

/** A small library in QuantaAlpha's format, one factor per case the report distinguishes. */
function writeLibrary(dir: string): string {
  const factor = (id: string, expression: unknown, trajectory: string, parents: string[], round: number) => ({
    factor_id: id,
    factor_name: `name_${id}`,
    factor_expression: expression,
    factor_description: `description of ${id}`,
    metadata: { hypothesis: `hypothesis of ${id}`, trajectory_id: trajectory, parent_trajectory_ids: parents, round_number: round, evolution_phase: round === 0 ? 'original' : 'mutation' },
    backtest_results: { IC: 0.01 },
    feedback: { decision: true },
  });
  const library = {
    metadata: { total_factors: 8 },
    factors: {
      a1: factor('a1', 'RANK(TS_MEAN($return, 5))', 'trajA', [], 0),
      b2: factor('b2', 'TS_ZSCORE($volume, 10) * -1', 'trajB', ['trajA', 'trajGone'], 1),
      c3: factor('c3', 'DECAYLINEAR($close / DELAY($close, 1) - 1, 5)', '', [], 2),
      d4: factor('d4', 'EXP($close) + TS_DELTA($close, 1) + $pe_ratio', 'trajD', [], 0),
      e5: factor('e5', 'Given the hypothesis, RANK($close)', 'trajE', [], 0),
      f6: factor('f6', 'RANK(TS_MEAN($return,5))', 'trajF', ['trajB'], 3),
      g7: factor('g7', 'null', 'trajG', [], 0),
      h8: factor('h8', 42, 'trajH', [], 0),
    },
  };
  const path = join(dir, 'qa_test_library.json');
  writeFileSync(path, JSON.stringify(library));
  return path;
}

describe('alphaswarm import: bad input', () => {
  const dir = tempDir('alphaswarm-import-');
  it('exits 1 with one line for a missing file or a file that is not a QuantaAlpha library', async () => {
    const missing = await runCli(['import', '--from', 'quantaalpha', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.errors).toEqual([`alphaswarm import: ${join(dir, 'nope.json')}: no such file`]);
    for (const [text, message] of [
      ['[1, 2]', 'not a QuantaAlpha library: no "factors" object'],
      ['{"factors": {"x": {"name": "y"}}}', 'not a QuantaAlpha library: no entry of "factors" has a "factor_expression"'],
      ['{"factors": ', 'not JSON'],
    ] as const) {
      const path = join(dir, 'bad.json');
      writeFileSync(path, text);
      const r = await runCli(['import', '--from', 'quantaalpha', path]);
      expect(r.code, text).toBe(1);
      expect(r.errors.length, text).toBe(1);
      expect(r.errors[0], text).toContain(`alphaswarm import: ${path}: ${message}`);
    }
  });

  it('exits 2 with one line for bad usage', async () => {
    const library = writeLibrary(dir);
    for (const [args, message] of [
      [['import', '--from', 'quantaalpha'], 'give the library file'],
      [['import', library], '--from is required'],
      [['import', '--from', 'alpha101', library], '--from "alpha101" is not a known format (formats: quantaalpha)'],
      [['import', '--from', 'quantaalpha', library, '--out', join(dir, 'lib.json')], '--out writes library entries, which carry train/valid metrics'],
      [['import', '--from', 'quantaalpha', library, '--train', '2020-01-01:2020-02-01'], '--train needs --data'],
      [['import', '--from', 'quantaalpha', library, library], 'unexpected argument'],
      [['import', '--from', 'quantaalpha', library, '--model', 'a b'], '--model must be'],
    ] as const) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.errors.length, args.join(' ')).toBe(1);
      expect(r.errors[0], args.join(' ')).toContain(message);
    }
  });
});

describe('alphaswarm import: a library', () => {
  const dir = tempDir('alphaswarm-import-');
  const library = writeLibrary(dir);

  it('reports every factor: translated with its exactness, unsupported with each reason, parse errors with the position', async () => {
    const { json } = await runJson<ReportJson>(['import', '--from', 'quantaalpha', library, '--json']);
    const byId = new Map(json.factors.map((f) => [f.id, f]));
    expect(json.summary.factors).toBe(8);
    expect(json.summary.byStatus).toEqual({ translated: 3, unsupported: 1, parse_error: 2, duplicate: 1, invalid: 1 });
    expect(json.summary.byExactness).toEqual({ exact: 1, present: 1, 'full-window': 1 });
    expect(byId.get('a1')).toMatchObject({ status: 'translated', exactness: 'present', expression: 'CSRank(Mean($close / Ref($close, 1) - 1, 5))' });
    expect(byId.get('b2')).toMatchObject({ status: 'translated', exactness: 'exact', expression: '($volume - Mean($volume, 10)) / Std($volume, 10) * -1' });
    expect(byId.get('c3')).toMatchObject({ status: 'translated', exactness: 'full-window', expression: '5 * WMA($close / Ref($close, 1) - 1, 5)' });
    expect(byId.get('d4')!.problems.map((p) => p.message)).toEqual([
      'at 1: EXP: no equivalent: our language has no exponential (Power takes a constant exponent)',
      "at 15: TS_DELTA is not a function of QuantaAlpha's library (did you mean 'DELTA'?)",
      "at 37: field $pe_ratio is not in the data (QuantaAlpha's data has $open, $high, $low, $close, $volume, $return)",
    ]);
    expect(byId.get('e5')!.problems).toEqual([{ code: 'syntax', subject: 'syntax', message: "at 7: unexpected name 'the' after a complete expression" }]);
    expect(byId.get('f6')).toMatchObject({ status: 'duplicate', duplicateOf: 'a1' });
    expect(byId.get('g7')!.problems[0]!.message).toBe('at 1: no expression: the library holds "null"');
    expect(byId.get('h8')).toMatchObject({ status: 'invalid' });
    expect(json.summary.byReason).toEqual({ no_equivalent: 1, unknown_function: 1, unknown_field: 1, syntax: 2, invalid_entry: 1 });
    const fn = new Map(json.summary.byFunction.map((u) => [u.name, u]));
    expect(fn.get('RANK')).toMatchObject({ factors: 2, translated: 2, problems: 0, handling: 'mapped: CSRank(x)' });
    expect(fn.get('TS_DELTA')).toMatchObject({ factors: 1, translated: 0, problems: 1, handling: "not a function of QuantaAlpha's library" });
    expect(json.summary.byField.find((u) => u.name === '$pe_ratio')).toMatchObject({ factors: 1, problems: 1, handling: 'not in the data' });
    expect(json.data).toBeNull();
    expect(json.library).toBeNull();
    expect(json.model).toBe('qa_test_library');
  });

  it('prints the same as a text report', async () => {
    const r = await runCli(['import', '--from', 'quantaalpha', library]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  a1                translated   present      name_a1');
    expect(r.stdout).toContain('      CSRank(Mean($close / Ref($close, 1) - 1, 5))');
    expect(r.stdout).toContain('  e5                parse error               name_e5\n      at 7: unexpected name');
    expect(r.stdout).toMatch(/summary\n {2}translated {4}3 {2}\(exact 1, present 1, full-window 1\)\n {2}unsupported {3}1\n {2}parse errors {2}2\n {2}duplicates {4}1\n {2}invalid {7}1/);
  });

  it('writes library.json with metrics that match alphaswarm eval on the train period', async () => {
    const data = writeCsvMarket(12, 80);
    const out = join(dir, 'nested', 'library.json');
    const train = '2020-01-06:2020-03-13';
    const valid = '2020-03-16:2020-04-24';
    const { json } = await runJson<ReportJson>(['import', '--from', 'quantaalpha', library, '--data', data, '--train', train, '--valid', valid, '--out', out, '--model', 'gpt', '--json']);
    expect(json.library).toMatchObject({ entries: 3, parentLinks: 2, keptParentLinks: 1 });
    const entries = JSON.parse(readFileSync(out, 'utf8')) as LibraryEntry[];
    expect(entries.map((e) => e.id)).toEqual(['a1', 'b2', 'c3']);
    for (const entry of entries) {
      expect(() => libraryEntrySchema.parse(entry)).not.toThrow();
      expect(entry).toMatchObject({ origin: 'imported', specialist: 'imported:quantaalpha:gpt', name: `name_${entry.id}`, description: `description of ${entry.id}`, hypothesis: `hypothesis of ${entry.id}` });
      expect(entry.metrics.train.days).toBeGreaterThan(30);
      expect(entry.metrics.valid.days).toBeGreaterThan(15);
    }
    const [a1, b2, c3] = entries as [LibraryEntry, LibraryEntry, LibraryEntry];
    // Lineage: trajA is in the import, trajGone is not; a factor without a trajectory is its own.
    expect(b2).toMatchObject({ parents: ['trajA'], generation: 1, trajectory: 'trajB' });
    expect(c3).toMatchObject({ parents: [], generation: 2, trajectory: 'c3', family: 'momentum' });
    expect(a1.family).toBe('momentum');
    expect(b2.family).toBe('volume');

    for (const entry of entries) {
      const { json: evaluated } = await runJson<{ ic: number | null; rank_ic: number | null; days: number }>([
        'eval', '--expr', entry.expression, '--data', data, '--start', train.split(':')[0]!, '--end', train.split(':')[1]!, '--json',
      ]);
      expect(entry.metrics.train.ic, entry.expression).toBe(evaluated.ic);
      expect(entry.metrics.train.rankIc, entry.expression).toBe(evaluated.rank_ic);
      expect(entry.metrics.train.days, entry.expression).toBe(evaluated.days);
    }
    expect(json.factors.find((f) => f.id === 'a1')!.metrics!.train.rankIc).toBe(a1.metrics.train.rankIc);
  });
});

const llm = sharedDataSet('llm_libraries');

describe.skipIf(!llm)('alphaswarm import: a published library', () => {
  it('imports QuantaAlpha GPT library end to end and exits 0 with unsupported factors in it', async () => {
    const { json } = await runJson<ReportJson>(['import', '--from', 'quantaalpha', join(llm!, 'quantaalpha_gpt_csi300.json'), '--json']);
    expect(json.summary.factors).toBe(264);
    expect(json.summary.byStatus.translated + json.summary.byStatus.unsupported + json.summary.byStatus.duplicate + json.summary.byStatus.parse_error).toBe(264);
    expect(json.summary.byStatus.unsupported).toBeGreaterThan(0);
    expect(json.factors.filter((f) => f.status === 'translated').every((f) => f.expression !== null && f.exactness !== null)).toBe(true);
  });
});
