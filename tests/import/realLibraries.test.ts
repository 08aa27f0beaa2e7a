/**
 * The four libraries QuantaAlpha published (GPT, Claude, DeepSeek; and
 * AlphaAgent's GPT), read where they are (../shared/data/llm_libraries),
 * through the importer. Checked three ways:
 * - invariants that do not trust the importer: a `$field` or function name
 *   found in the raw text by a regular expression and absent from their
 *   language keeps the factor out, with a problem pointing at that text;
 * - every translated expression compiles again from its text to the same
 *   canonical form and evaluates on the synthetic market;
 * - the per-file counts, pinned: reviewed by hand against the report when
 *   the rules were written, so a change in any rule shows up here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QA_FIELDS, QA_FUNCTIONS, importQuantaAlphaLibrary, readQuantaAlphaLibrary, type ImportReport } from '../../agents/importers/index.js';
import { syntheticMarket } from '../../evaluator/data/index.js';
import { FactorEngine } from '../../evaluator/engine.js';
import { compileFactor } from '../../operators/index.js';
import { sharedDataSet } from '../helpers/sharedData.js';

const dir = sharedDataSet('llm_libraries');

interface Expected {
  readonly factors: number;
  readonly translated: number;
  readonly unsupported: number;
  readonly parseErrors: number;
  readonly duplicates: number;
  readonly exact: number;
  readonly present: number;
  readonly fullWindow: number;
}

const FILES: Readonly<Record<string, Expected>> = {
  'quantaalpha_gpt_csi300.json': { factors: 264, translated: 237, unsupported: 25, parseErrors: 0, duplicates: 2, exact: 91, present: 58, fullWindow: 88 },
  'quantaalpha_claude_csi300.json': { factors: 321, translated: 281, unsupported: 31, parseErrors: 0, duplicates: 9, exact: 133, present: 91, fullWindow: 57 },
  'quantaalpha_deepseek_csi300.json': { factors: 271, translated: 113, unsupported: 91, parseErrors: 66, duplicates: 1, exact: 29, present: 34, fullWindow: 50 },
  'alphaagent_gpt_csi300.json': { factors: 190, translated: 173, unsupported: 15, parseErrors: 1, duplicates: 1, exact: 66, present: 36, fullWindow: 71 },
};

const market = syntheticMarket({ seed: 3, instruments: 60, days: 400 });

describe.skipIf(!dir)('importing the published QuantaAlpha libraries', () => {
  const reports = new Map<string, { raw: Record<string, { factor_expression: string }>; report: ImportReport }>();
  // describe.skipIf still runs this body to collect the tests: read nothing when the data is absent.
  for (const file of dir ? Object.keys(FILES) : []) {
    const text = readFileSync(join(dir, file), 'utf8');
    reports.set(file, { raw: (JSON.parse(text) as { factors: Record<string, { factor_expression: string }> }).factors, report: importQuantaAlphaLibrary(readQuantaAlphaLibrary(text)) });
  }

  for (const [file, expected] of Object.entries(FILES)) {
    describe(file, () => {
      // Without the data nothing was read and every test here is skipped.
      const { raw, report } = reports.get(file) ?? { raw: {}, report: null as unknown as ImportReport };

      it('accounts for every factor once, with the pinned counts', () => {
        const s = report.summary;
        expect(report.factors.map((f) => f.id).sort()).toEqual(Object.keys(raw).sort());
        expect({
          factors: s.factors,
          translated: s.byStatus.translated,
          unsupported: s.byStatus.unsupported,
          parseErrors: s.byStatus.parse_error,
          duplicates: s.byStatus.duplicate,
          exact: s.byExactness.exact,
          present: s.byExactness.present,
          fullWindow: s.byExactness['full-window'],
        }).toEqual(expected);
        expect(s.byStatus.invalid).toBe(0);
      });

      it('keeps out every factor that names a field or function outside their language, pointing at it', () => {
        for (const f of report.factors) {
          const fields = [...f.source.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].filter((m) => !QA_FIELDS.includes(m[1]!));
          const calls = [...f.source.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].filter((m) => !QA_FUNCTIONS.has(m[1]!) && f.source[m.index - 1] !== '$');
          if (fields.length === 0 && calls.length === 0) continue;
          expect(f.status, f.source).not.toBe('translated');
          if (f.status !== 'unsupported') continue; // text that does not parse never reaches the names
          for (const m of fields) {
            const problem = f.problems.find((p) => p.subject === m[0]);
            expect(problem, `${m[0]} in ${f.source}`).toBeDefined();
            const at = Number(/^at (\d+):/.exec(problem!.message)![1]);
            expect(f.source.slice(at - 1).startsWith(m[0])).toBe(true);
          }
          for (const m of calls) {
            const problem = f.problems.find((p) => p.subject === m[1] && p.code === 'unknown_function');
            expect(problem, `${m[1]}( in ${f.source}`).toBeDefined();
            const at = Number(/^at (\d+):/.exec(problem!.message)![1]);
            expect(f.source.slice(at - 1).startsWith(m[1]!)).toBe(true);
          }
        }
      });

      it('states every problem on one line starting with its position', () => {
        for (const f of report.factors) {
          expect(f.status === 'translated' || f.status === 'duplicate' ? f.problems.length === 0 : f.problems.length > 0, f.source).toBe(true);
          for (const p of f.problems) {
            expect(p.message, f.source).toMatch(/^at \d+: [^\r\n]+$/);
            expect(p.message.length, f.source).toBeLessThan(600);
          }
        }
      });

      it('translates into expressions that compile again to themselves and evaluate on the synthetic market', () => {
        const translated = report.factors.filter((f) => f.status === 'translated');
        const asts = translated.map((f) => {
          const again = compileFactor(f.expression!);
          if (!again.ok) throw new Error(`${f.expression}: ${again.error.message}`);
          expect(again.canonical).toBe(f.expression);
          return again.ast;
        });
        const engine = new FactorEngine(market, { universe: market.universes.all!.mask });
        let withValues = 0;
        engine.evaluateBatch(asts, (_, values) => {
          expect(values.length).toBe(market.N * market.T);
          if (values.some((v) => Number.isFinite(v))) withValues++;
        });
        // Every one computes; a factor with no finite value at all on 400 days would be a translation bug.
        expect(withValues).toBe(translated.length);
      });
    });
  }
});
