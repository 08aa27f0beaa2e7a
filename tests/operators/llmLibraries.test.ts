/**
 * Real LLM output: ~1000 expressions QuantaAlpha and AlphaAgent mined with
 * GPT, Claude and DeepSeek, written in QuantaAlpha's own language. Whatever
 * they contain, compileFactor must answer with a factor or one clear line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFactor } from '../../operators/compile.js';
import type { FactorErrorCode } from '../../operators/errors.js';
import { DEFAULT_FIELDS } from '../../operators/fields.js';
import { OPERATORS } from '../../operators/registry.js';
import { sharedDataSet } from '../helpers/sharedData.js';

interface LibraryFile {
  factors: Record<string, { factor_expression?: unknown }>;
}

const dir = sharedDataSet('llm_libraries');

function expressions(): string[] {
  if (!dir) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => Object.values((JSON.parse(readFileSync(join(dir, f), 'utf8')) as LibraryFile).factors))
    .map((factor) => factor.factor_expression)
    .filter((e): e is string => typeof e === 'string');
}

/**
 * Independent of the compiler: could this text be a factor in our language at
 * all? Only registry operator names before '(' and only known fields.
 */
function usesOnlyOurNames(source: string): boolean {
  const calls = [...source.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1]!);
  const fields = [...source.matchAll(/\$([A-Za-z0-9_]+)/g)].map((m) => m[1]!.toLowerCase());
  return calls.every((c) => OPERATORS.has(c)) && fields.every((f) => DEFAULT_FIELDS.has(f));
}

describe.skipIf(!dir)('QuantaAlpha / AlphaAgent LLM libraries', () => {
  const all = expressions();

  it('holds about a thousand expressions', () => {
    expect(all.length).toBeGreaterThan(900);
  });

  it('answers every expression with a factor or a one-line, positioned, non-internal error', () => {
    const codes = new Map<FactorErrorCode | 'ok', number>();
    for (const source of all) {
      const result = compileFactor(source);
      const code = result.ok ? 'ok' : result.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (result.ok) {
        // Accepted only when it really is in our language (e.g. `($high - $low) / ($close + 1e-8)`).
        expect(usesOnlyOurNames(source), source).toBe(true);
      } else {
        expect(result.error.code, source).not.toBe('internal');
        expect(result.error.message, source).toMatch(/^at \d+: [^\r\n]+$/);
        expect(result.error.message.length, source).toBeLessThan(400);
      }
    }
    console.info(`llm_libraries: ${all.length} expressions ->`, Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])));
    // Their language is not ours: nearly all must be rejected, most for their upper-case operator names.
    expect(codes.get('ok') ?? 0).toBeLessThan(all.length * 0.1);
    expect(codes.get('unknown_operator') ?? 0).toBeGreaterThan(all.length * 0.5);
  });

  it("points LLM spellings at our operators", () => {
    const first = (prefix: string) => all.find((s) => s.startsWith(prefix));
    const rank = first('RANK(');
    const mean = first('TS_MEAN(');
    const zscore = first('ZSCORE(');
    for (const [source, suggestion] of [
      [rank, "'CSRank'"],
      [mean, "'Mean'"],
      [zscore, "'CSZScore'"],
    ] as const) {
      if (!source) continue;
      const result = compileFactor(source);
      expect(!result.ok && result.error.message, source).toMatch(new RegExp(`^at 1: unknown operator '[A-Z_]+' \\(did you mean .*${suggestion}`));
    }
    expect([rank, mean, zscore].filter(Boolean).length).toBeGreaterThan(0);
  });
});
