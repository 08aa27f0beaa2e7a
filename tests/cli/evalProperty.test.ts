/**
 * `eval`'s run function, in-process, on random valid factors and on hostile
 * strings: it never throws, always returns an exit code, and either prints
 * one JSON report or exactly one stderr line that is not an internal error.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/commands/eval.js';
import type { CommandIO } from '../../bin/command.js';
import { printFactor } from '../../operators/index.js';
import { validFactor } from '../operators/arbitraries.js';
import { writeCsvMarket } from './helpers.js';

const csv = writeCsvMarket(12, 80);

function capture(): { io: CommandIO; out: () => string; errors: string[] } {
  const chunks: string[] = [];
  const errors: string[] = [];
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { io: { out, err: (line) => errors.push(line) }, out: () => chunks.join(''), errors };
}

const TOKENS = [
  'Mean', 'Ref', 'CSRank', 'EMA', 'Corr', 'Rank', 'If', 'Power', 'Log', 'Meen', '(', ')', ',', '$close', '$volume', '$vwap', '$', '$$', '5', '0',
  '-1', '-', '+', '*', '/', '1e400', '1e-400', '0.5', '**', '==', '=', '?', ':', ' ', '\n', '\t', '\u202e', '\u0000', '"', "'", '#', '\ud800', '🙂',
];
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join('')),
  fc.constantFrom('', ' ', '('.repeat(5000), `${'Abs('.repeat(300)}$close${')'.repeat(300)}`, `$close${'+$close'.repeat(3000)}`, 'EMA(EMA(EMA($close,0),0),0)', 'Ref($close, 100000000)'),
);
const valid = validFactor(3).map(printFactor);

async function check(expr: string, extra: readonly string[]): Promise<number> {
  const { io, out, errors } = capture();
  const code = await run(['--data', csv, '--expr', expr, '--json', ...extra], io);
  expect([0, 1, 2]).toContain(code);
  if (code === 0) {
    const report = JSON.parse(out()) as { ic: number | null; days: number };
    expect(report).toHaveProperty('rank_ic');
    expect(Number.isInteger(report.days)).toBe(true);
  } else {
    expect(out()).toBe('');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^alphaswarm eval: /);
    expect(errors[0]).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(errors[0]).not.toMatch(/internal error/);
  }
  return code;
}

describe('eval never throws, whatever the expression', () => {
  it('valid random factors are scored', async () => {
    await fc.assert(
      fc.asyncProperty(valid, async (expr) => {
        expect(await check(expr, [])).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('hostile strings, as the factor or as the label, give an exit code and at most one line', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, fc.boolean(), async (text, asLabel) => {
        await check(asLabel ? '$close' : text, asLabel ? ['--label', text] : []);
      }),
      { numRuns: 300 },
    );
  });
});
