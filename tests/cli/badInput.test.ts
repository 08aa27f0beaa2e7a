/**
 * Every kind of bad input to eval, values and compute: a non-zero exit code
 * and exactly one line on stderr, prefixed with the command, naming the
 * problem - never a stack trace, never partial output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataSet } from '../helpers/sharedData.js';
import { runCli, tempDir, writeBrokenQlibDir, writeCsvMarket } from './helpers.js';

const csv = writeCsvMarket();
const csi300 = sharedDataSet('cn_csi300');

function exprFile(text: string): string {
  const file = join(tempDir(), 'factors.txt');
  writeFileSync(file, text);
  return file;
}

/** [command line, exit code, the one stderr line (exact, or a pattern)]. */
type Case = readonly [readonly string[], 1 | 2, string | RegExp];

const CASES: readonly Case[] = [
  // the expression
  [['eval', '--expr', '1 + Meen($close, 5)'], 1, "alphaswarm eval: --expr at 5: unknown operator 'Meen' (did you mean 'Mean'?)"],
  [['eval', '--expr', '$closee'], 1, /^alphaswarm eval: --expr at 1: unknown field '\$closee' \(did you mean '\$close'\?\)/],
  [['eval', '--expr', 'Mean($close)'], 1, 'alphaswarm eval: --expr at 1: Mean takes 2 arguments, Mean(x, N), but was given 1'],
  [['eval', '--expr', 'Ref($close,-1)'], 1, /^alphaswarm eval: --expr at \d+: 'Ref\(\$close, -1\)' reads the future \(1 day ahead\)/],
  [['eval', '--expr', '(1+2)*3'], 1, /^alphaswarm eval: --expr at \d+: the expression is the constant 9; it must depend on at least one field$/],
  [['eval', '--expr', 'Mean($close, 5'], 1, /^alphaswarm eval: --expr at 15: expected ',' or '\)'/],
  [['eval', '--expr', 'Mean($close,5)\nrm -rf /'], 1, /^alphaswarm eval: --expr at \d+: /],
  [['eval', '--expr', '$close', '--label', 'Ref($close,-1'], 1, /^alphaswarm eval: --label at 14: /],
  [['values', '--expr', 'Mean($close, 5) / Meen($open, 5)'], 1, "alphaswarm values: --expr at 19: unknown operator 'Meen' (did you mean 'Mean'?)"],
  // the options
  [['eval'], 2, 'alphaswarm eval: --expr is required'],
  [['eval', '--expr', '$close', '--bogus'], 2, /^alphaswarm eval: unknown option --bogus \(options: --expr, /],
  [['eval', '--expr', '$close', 'stray'], 2, 'alphaswarm eval: unexpected argument "stray" (options start with --)'],
  [['eval', '--expr', '$close', '--horizon', '0'], 2, 'alphaswarm eval: --horizon must be a whole number of days from 1 to 250, got "0"'],
  [['eval', '--expr', '$close', '--horizon', '2', '--label', '$close'], 2, 'alphaswarm eval: give either --label or --horizon, not both'],
  [['eval', '--expr', '$close', '--seed', 'abc'], 2, 'alphaswarm eval: --seed must be an integer, got "abc"'],
  [['eval', '--expr', '$close', '--data', csv, '--seed', '2'], 2, 'alphaswarm eval: --seed is for the synthetic market; it cannot be combined with --data'],
  [['values', '--expr', '$close', '--members-only'], 2, 'alphaswarm values: --members-only needs --universe'],
  [['compute'], 2, 'alphaswarm compute: give exactly one of --library NAME or --exprs FILE'],
  [['compute', '--library', 'alpha999'], 2, 'alphaswarm compute: unknown library "alpha999" (libraries: alpha158, alpha20)'],
  // the data
  [['eval', '--expr', '$close', '--data', '/nonexistent/data'], 1, 'alphaswarm eval: /nonexistent/data: data directory does not exist'],
  [['eval', '--expr', '$close', '--data', writeBrokenQlibDir()], 1, /^alphaswarm eval: .*calendars\/day\.txt line 3: "not a date" is not a date \(YYYY-MM-DD\)$/],
  [['eval', '--expr', '$close', '--data', csv, '--universe', 'csi300'], 1, /^alphaswarm eval: unknown universe "csi300": CSV data in .* has only the universe 'all'$/],
  [['eval', '--expr', '$close', '--universe', 'csi300'], 1, 'alphaswarm eval: unknown universe "csi300" (universes here: all, synth100)'],
  [['values', '--expr', '$close', '--universe', 'constructor'], 1, 'alphaswarm values: unknown universe "constructor" (universes here: all, synth100)'],
  [['eval', '--expr', '$vwap'], 1, /^alphaswarm eval: field \$vwap is not in this data \(fields: /],
  [['values', '--expr', '$vwap', '--data', csv], 1, /^alphaswarm values: field "vwap" is not in CSV data/],
  // the dates
  [['eval', '--expr', '$close', '--data', csv, '--start', '2031-01-01'], 1, "alphaswarm eval: start 2031-01-01 is after the calendar's last day: the range is outside the calendar 2020-01-06 .. 2020-04-24"],
  [['eval', '--expr', '$close', '--data', csv, '--end', '2019-12-31'], 1, "alphaswarm eval: end 2019-12-31 is before the calendar's first day: the range is outside the calendar 2020-01-06 .. 2020-04-24"],
  [['values', '--expr', '$close', '--data', csv, '--start', '2020-02-30'], 1, /^alphaswarm values: start date "2020-02-30" is malformed: expected YYYY-MM-DD or YYYYMMDD/],
  [['values', '--expr', '$close', '--data', csv, '--start', '2020-02-08', '--end', '2020-02-09'], 1, 'alphaswarm values: no trading day between 2020-02-08 and 2020-02-09 (calendar 2020-01-06 .. 2020-04-24)'],
  [['eval', '--expr', '$close', '--data', csv, '--start', '2020-03-01', '--end', '2020-02-01'], 1, 'alphaswarm eval: start 2020-03-01 is after end 2020-02-01 (calendar 2020-01-06 .. 2020-04-24)'],
  // the expressions file
  [['compute', '--exprs', '/nonexistent/factors.txt'], 1, 'alphaswarm compute: cannot read --exprs /nonexistent/factors.txt: no such file'],
  [['compute', '--exprs', exprFile('# nothing\n\n')], 1, /^alphaswarm compute: .*factors\.txt has no expressions \(only blank lines and # comments\)$/],
  [
    ['compute', '--data', csv, '--exprs', exprFile('$close\n# two\nMA = Mean($close, 5)\n\nBAD = Mean($close, 5) + Stdd($close, 5)\n')],
    1,
    /^alphaswarm compute: .*factors\.txt line 5, column 25: unknown operator 'Stdd' \(did you mean 'Std'\?\)$/,
  ],
  [['compute', '--data', csv, '--exprs', exprFile('Ref($close, -2)\n')], 1, /^alphaswarm compute: .*factors\.txt line 1, column 13: 'Ref\(\$close, -2\)' reads the future/],
  [['compute', '--data', csv, '--exprs', exprFile('ok\t$close\nok\t$open\n')], 1, /^alphaswarm compute: .*factors\.txt line 2: factor name 'ok' is already used on line 1$/],
];

describe('bad input: one line on stderr, a non-zero exit, no stack trace', () => {
  it.each(CASES.map((c) => [c[0].join(' ').replace(/\n/g, '\\n'), c] as const))('%s', async (_, [args, code, line]) => {
    const r = await runCli(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.errors).toHaveLength(1);
    if (typeof line === 'string') expect(r.errors[0]).toBe(line);
    else expect(r.errors[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
  });
});

describe.skipIf(!csi300)('bad input on cn_csi300', () => {
  it.each([
    [['eval', '--expr', '$close', '--universe', 'csi800'], /^alphaswarm eval: unknown universe "csi800": no .*instruments\/csi800\.txt \(universes here: all, csi300\)$/],
    [['eval', '--expr', '$vwap/$close'], /^alphaswarm eval: .*features: field "vwap" not found for any chosen instrument \(fields present: change, close, factor, high, low, open, volume\)$/],
    [['eval', '--expr', '$close', '--start', '2000-01-01', '--end', '2009-12-31'], /^alphaswarm eval: end 2009-12-31 is before the calendar's first day: the range is outside the calendar 2010-01-04 \.\. 2021-12-31$/],
    [['values', '--expr', '$close', '--start', '2022-01-01'], /^alphaswarm values: start 2022-01-01 is after the calendar's last day/],
  ] as const)('%s', async (args, line) => {
    const r = await runCli([args[0], '--data', csi300!, ...args.slice(1)]);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(line)]);
    expect(r.stdout).toBe('');
  });
});

describe('--help', () => {
  it.each(['eval', 'values', 'compute'])('%s --help prints its usage and exits 0', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: alphaswarm ${command} `));
    expect(r.stdout).toMatch(/--data <value> +qlib data directory/);
    expect(r.stderr).toBe('');
  });
});
