/**
 * `alphaswarm report` from the shell: one-line errors for inputs that are
 * not a run or a backtest document, hostile text escaped, and what a run
 * report says when its data is not at hand.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runCli, tempDir } from '../cli/helpers.js';
import { writeRunDirectory } from './fixtures.js';

describe('report: bad input is one line and a non-zero exit', () => {
  const dir = tempDir('alphaswarm-report-bad-');
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{"kind": ');
  const wrongKind = join(dir, 'wrong.json');
  writeFileSync(wrongKind, JSON.stringify({ kind: 'something else', version: 1 }));
  const plainDir = join(dir, 'plain');
  mkdirSync(plainDir);
  const cases: [string, string[], RegExp][] = [
    ['no input', ['report', '--out', join(dir, 'x.html')], /give a run directory or a backtest JSON file first/],
    ['no --out', ['report', wrongKind], /--out is required/],
    ['a missing input', ['report', join(dir, 'missing.json'), '--out', join(dir, 'x.html')], /no such file or directory/],
    ['a file that is not JSON', ['report', notJson, '--out', join(dir, 'x.html')], /is not JSON/],
    ['JSON that is not a backtest document', ['report', wrongKind, '--out', join(dir, 'x.html')], /is not an alphaswarm backtest document: kind/],
    ['a directory that is not a run', ['report', plainDir, '--out', join(dir, 'x.html')], /is not a mining run directory/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await runCli(args);
      expect(r.code).not.toBe(0);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^alphaswarm report: /);
      expect(r.errors[0]).toMatch(message);
    });
  }
});

describe('report of a run whose data is not at hand', () => {
  it('escapes what agents wrote, counts unreadable trajectory lines, and says which sections need the data', async () => {
    const dir = tempDir('alphaswarm-report-run-');
    writeRunDirectory(dir, join(dir, 'no-such-data'), ['$close/Ref($close,5)-1', '($high-$low)/$close', 'Std($close, 10)/$close']);
    const out = join(dir, 'report.html');
    const r = await runCli(['report', dir, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    // The fixture's hypotheses hold markup and quotes: they must arrive as text.
    expect(html).toContain('&lt;recent winners&gt; keep winning &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<recent winners>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('1 line(s) of trajectories.jsonl did not parse');
    expect(html).toMatch(/universe, train period, valid period unknown/);
    expect(html).toContain('a mining run does not backtest');
    // Rejections per stage come from diagnostics/gen-N.json.
    expect(html).toContain('<td class="left">verify 1, select 3</td>');
    expect(html).toContain('<td class="left">none</td>');
    // No report.json yet: nothing is said about the model.
    expect(html).not.toContain('Model:');
  });

  it('says when the offline research model answered, from report.json', async () => {
    const dir = tempDir('alphaswarm-report-model-');
    writeRunDirectory(dir, join(dir, 'no-such-data'), ['$close/Ref($close,5)-1', '($high-$low)/$close', 'Std($close, 10)/$close']);
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ usage: { tokens: 1234, costUsd: 0, calls: 56, offline: true } }));
    const out = join(dir, 'report.html');
    expect((await runCli(['report', dir, '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('Model: the embedded offline research model (deterministic, <strong>not an LLM</strong>), 56 calls');
  });
});
