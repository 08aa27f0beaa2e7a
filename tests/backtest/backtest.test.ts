/**
 * `alphaswarm backtest` as a user runs it (the compiled CLI in a child
 * process): one-line errors, the document's shape and its internal
 * arithmetic on a small CSV market, and, on the shared real data, agreement
 * with an independent pandas re-implementation (reference_backtest.py) and
 * a zero-shot transfer from a cn_csi300 run to us_sp500.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import type { BacktestDocument } from '../../evaluator/report/backtestDocument.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { runCli, runJson, tempDir, writeCsvMarket } from '../cli/helpers.js';
import { pandasPython } from '../helpers/python.js';
import { repoRoot, sharedDataSet } from '../helpers/sharedData.js';
import { writeRunDirectory } from '../report/fixtures.js';

// The CSV market: 12 instruments, 80 weekdays from 2020-01-06 (to 2020-04-24).
const CSV_SPLITS = ['--train', '2020-01-06:2020-02-28', '--valid', '2020-03-02:2020-03-20', '--test', '2020-03-23:2020-04-24'];
const SMALL_STRATEGY = ['--topk', '4', '--n-drop', '1'];

describe('backtest: bad input is one line and a non-zero exit', () => {
  const csv = writeCsvMarket();
  const dir = tempDir('alphaswarm-bt-bad-');
  const base = ['backtest', '--data', csv, '--library', 'alpha20', ...CSV_SPLITS];
  const badJson = join(dir, 'bad.json');
  writeFileSync(badJson, JSON.stringify([{ expression: 'Mean($close, 5)' }, { name: 'no expression here' }]));
  const badExpr = join(dir, 'bad.txt');
  writeFileSync(badExpr, 'good = Mean($close, 5)\nbroken = Mean($close, 5\n');
  const cases: [string, string[], RegExp][] = [
    ['no --library', ['backtest', '--data', csv, ...CSV_SPLITS], /--library is required/],
    ['no --test', ['backtest', '--data', csv, '--library', 'alpha20', '--train', '2020-01-06:2020-02-28', '--valid', '2020-03-02:2020-03-20'], /--test is required/],
    ['unknown model', [...base, '--model', 'lightgbm'], /--model must be xgboost or ridge/],
    ['a library that does not exist', ['backtest', '--data', csv, '--library', join(dir, 'nope.json'), ...CSV_SPLITS], /cannot read --library .*no such file/],
    ['a library entry without an expression', ['backtest', '--data', csv, '--library', badJson, ...CSV_SPLITS], /entry 1: expression/],
    ['an expression that does not compile', ['backtest', '--data', csv, '--library', badExpr, ...CSV_SPLITS], /bad\.txt line 2|broken/],
    ['a malformed split', [...base.slice(0, -6), '--train', '2020-13-01:2020-02-28', '--valid', '2020-03-02:2020-03-20', '--test', '2020-03-23:2020-04-24'], /split .* is malformed/],
    ['overlapping periods', [...base.slice(0, -6), '--train', '2020-01-06:2020-03-10', '--valid', '2020-03-02:2020-03-20', '--test', '2020-03-23:2020-04-24'], /overlaps/],
    ['an unknown universe', [...base, '--universe', 'csi300'], /unknown universe/],
    ['n-drop above topk', [...base, '--topk', '3', '--n-drop', '4'], /--n-drop 4 is more than --topk 3/],
    ['an unknown baseline', [...base, '--baseline', 'alpha101'], /--baseline must be alpha158 or alpha20/],
    ['an unknown library to add', [...base, '--add', 'alpha101'], /--add must be alpha158 or alpha20/],
    ['a missing benchmark', [...base, '--benchmark', 'SPX'], /--benchmark SPX/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await runCli(args);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^alphaswarm backtest: /);
      expect(r.errors[0]).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});

describe('backtest on a small CSV market', () => {
  const csv = writeCsvMarket();
  const dir = tempDir('alphaswarm-bt-csv-');
  const library = join(dir, 'factors.txt');
  writeFileSync(library, '# three simple factors\nmom5 = $close/Ref($close,5)-1\nrange = ($high-$low)/$close\nvol = Std($close/Ref($close,1)-1, 10)\n');
  let doc: BacktestDocument;
  let dumped: string[];
  beforeAll(async () => {
    const scores = join(dir, 'scores.csv');
    const { json } = await runJson<BacktestDocument>([
      'backtest', '--data', csv, '--library', library, '--baseline', 'alpha20', '--model', 'ridge', ...CSV_SPLITS, ...SMALL_STRATEGY,
      '--dump-scores', scores, '--report', join(dir, 'report.html'), '--json',
    ]);
    doc = json;
    dumped = readFileSync(scores, 'utf8').trim().split('\n');
  });

  it('prints the library at the top level and beside it the baseline, same model and splits', () => {
    expect(doc.train).toEqual(doc.library.train);
    expect(doc.valid).toEqual(doc.library.valid);
    expect(doc.test).toEqual(doc.library.test);
    expect(doc.library.factors).toBe(3);
    expect(doc.baseline!.name).toBe('alpha20');
    expect(doc.baseline!.factors).toBe(20);
    expect(doc.baseline!.model.kind).toBe('ridge');
    for (const key of ['ic', 'icir', 'rank_ic', 'rank_icir', 'arr', 'ir', 'mdd', 'calmar', 'turnover', 'trade_days'] as const) {
      expect(doc.test, key).toHaveProperty(key);
      expect(doc.baseline!.test, key).toHaveProperty(key);
    }
    expect(doc.periods.test).toEqual({ first: '2020-03-23', last: '2020-04-24', days: 25 });
  });

  it('tests library minus baseline day by day: the paired differences of the daily series, with their HAC t', () => {
    const paired = (a: (number | null)[], b: (number | null)[]) => a.flatMap((v, k) => (v !== null && b[k] !== null ? [v - b[k]!] : []));
    const ic = paired(doc.library.series.ic, doc.baseline!.series.ic);
    const rankIc = paired(doc.library.series.rank_ic, doc.baseline!.series.rank_ic);
    const d = doc.versus_baseline!.test;
    expect(d.days).toBe(rankIc.length);
    expect(d.days).toBeGreaterThan(10);
    expect(d.ic_difference).toBeCloseTo(ic.reduce((a, v) => a + v, 0) / ic.length, 12);
    expect(d.rank_ic_difference).toBeCloseTo(rankIc.reduce((a, v) => a + v, 0) / rankIc.length, 12);
    // the mean difference is the difference of the means when both were scored on the same days
    expect(d.rank_ic_difference).toBeCloseTo(doc.test.rank_ic! - doc.baseline!.test.rank_ic!, 12);
    expect(Math.sign(d.rank_ic_difference_hac_t!)).toBe(Math.sign(d.rank_ic_difference!));
    expect(Number.isFinite(doc.versus_baseline!.valid.ic_difference_hac_t)).toBe(true);
  });

  it('says which market rules and benchmark it used', () => {
    expect(doc.market).toBe('us');
    expect(doc.exchange.trade_unit).toBeNull();
    expect(doc.exchange.limit_threshold).toBeNull();
    expect(doc.benchmark.kind).toBe('universe-mean');
    expect(doc.notes.some((n) => /market us \(from the data\)/.test(n))).toBe(true);
    expect(doc.notes.some((n) => /benchmark: the equal-weight mean/.test(n))).toBe(true);
  });

  it('keeps its numbers consistent with its own daily series', () => {
    const t = doc.test;
    const withCost = doc.library.series.excess_with_cost as number[];
    expect(withCost).toHaveLength(doc.dates.length);
    expect(doc.dates[0]).toBe('2020-03-23');
    const mean = withCost.reduce((a, v) => a + v, 0) / withCost.length;
    const std = Math.sqrt(withCost.reduce((a, v) => a + (v - mean) ** 2, 0) / (withCost.length - 1));
    expect(t.arr!).toBeCloseTo(mean * 238, 12);
    expect(t.ir!).toBeCloseTo((mean / std) * Math.sqrt(238), 10);
    expect(t.cumulative_excess_return_with_cost!).toBeCloseTo(withCost.reduce((a, v) => a + v, 0), 12);
    expect(doc.library.series.cumulative_excess_with_cost.at(-1)).toBeCloseTo(t.cumulative_excess_return_with_cost!, 12);
    expect(doc.library.ic_decay.map((d) => d.horizon)).toEqual([1, 2, 3, 5, 10, 20]);
    // The 1-day decay point is the test IC itself (same label).
    expect(doc.library.ic_decay[0]!.rank_ic).toBeCloseTo(t.rank_ic!, 12);
    expect(doc.library.quantiles).toHaveLength(5);
  });

  it('dumps every prediction row it scored', () => {
    expect(dumped[0]).toBe('split,date,instrument,score');
    expect(dumped.length - 1).toBe(doc.train.rows + doc.valid.rows + doc.test.rows);
    expect(dumped.filter((l) => l.startsWith('test,2020-03-23,'))).toHaveLength(12);
  });

  it('reports one factor row per library factor and a deflated Sharpe ratio of one trial', () => {
    expect(doc.factors.map((f) => f.name)).toEqual(['mom5', 'range', 'vol']);
    expect(doc.factors[0]!.expression).toBe('$close / Ref($close, 5) - 1');
    const m = doc.multiple_testing;
    expect(m.trials).toBe(1);
    expect(m.expected_max_sharpe).toBe(0);
    expect(m.observations).toBe(25);
    expect(m.deflated_sharpe_ratio).toBeGreaterThanOrEqual(0);
    expect(m.deflated_sharpe_ratio).toBeLessThanOrEqual(1);
    expect(m.factor_tests).toBe(3);
  });

  it('--add gives the model a built-in library besides the library (what the library adds to it)', async () => {
    const { json } = await runJson<BacktestDocument>([
      'backtest', '--data', csv, '--library', library, '--add', 'alpha20', '--model', 'ridge', ...CSV_SPLITS, ...SMALL_STRATEGY, '--json',
    ]);
    expect(json.library.factors).toBe(23);
    expect(json.library.source).toBe(`alpha20 + ${library}`);
    expect(json.factors.map((f) => f.name).slice(-3)).toEqual(['mom5', 'range', 'vol']);
    expect(json.factors).toHaveLength(23);
    // a different model from the library's alone
    expect(json.test.rank_ic).not.toBe(doc.test.rank_ic);
  });

  it('writes the HTML report beside it', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('test period · final report');
    expect(html).toContain('no mining run behind this library');
  });
});

const cn = sharedDataSet('cn_csi300');
const us = sharedDataSet('us_sp500');
const CN_SPLITS = ['--train', '2010-01-01:2018-12-31', '--valid', '2019-01-01:2019-12-31', '--test', '2020-01-01:2021-12-31'];

describe.skipIf(!cn)('backtest on cn_csi300 agrees with an independent pandas implementation', () => {
  const python = pandasPython();
  const dir = tempDir('alphaswarm-bt-cn-');
  let doc: BacktestDocument;
  beforeAll(async () => {
    ({ json: doc } = await runJson<BacktestDocument>(['backtest', '--data', cn!, '--universe', 'csi300', '--library', 'alpha20', '--model', 'xgboost', ...CN_SPLITS, '--dump-scores', join(dir, 'scores.csv'), '--json']));
  }, 300_000);

  it('runs qlib\'s protocol: SH000300, A-share rules, test traded from its second day', () => {
    expect(doc.benchmark).toEqual({ name: 'SH000300', kind: 'index' });
    expect(doc.market).toBe('cn');
    expect(doc.exchange.trade_unit).toBe(100);
    expect(doc.periods.test).toEqual({ first: '2020-01-02', last: '2021-12-31', days: 486 });
    expect(doc.library.model.kind).toBe('xgboost');
    expect(doc.library.model.best_rounds).toBeGreaterThan(0);
    expect(doc.test.rows).toBeGreaterThan(130_000);
  });

  it.skipIf(!python)('matches the pandas re-implementation: IC and RankIC per split, the daily excess return, every risk metric', () => {
    const result = spawnSync(
      python!,
      [join(repoRoot, 'tests/backtest/reference_backtest.py'), '--data', cn!, '--universe', 'csi300', '--scores', join(dir, 'scores.csv'),
        '--test-first', doc.periods.test.first, '--test-last', doc.periods.test.last, '--market', 'cn', '--benchmark', 'SH000300'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(result.status, result.stderr).toBe(0);
    const ref = JSON.parse(result.stdout.replace(/\bNaN\b/g, 'null'));
    for (const split of ['train', 'valid', 'test'] as const) {
      const ours = doc[split];
      const theirs = ref.signal[split];
      expect(theirs.rows, split).toBe(ours.rows);
      expect(theirs.days, split).toBe(ours.days);
      for (const key of ['ic', 'icir', 'rank_ic', 'rank_icir'] as const) expect(theirs[key], `${split} ${key}`).toBeCloseTo(ours[key]!, 10);
    }
    const b = ref.backtest;
    expect(b.trade_days).toBe(doc.test.trade_days);
    expect(b.turnover).toBeCloseTo(doc.test.turnover!, 12);
    const series = doc.library.series.excess_with_cost as number[];
    series.forEach((v, d) => expect(b.excess_with_cost[d], doc.dates[d]).toBeCloseTo(v, 12));
    const pairs: [any, any][] = [
      [b.qlib.with_cost, doc.test.excess_return_with_cost],
      [b.qlib.without_cost, doc.test.excess_return_without_cost],
      [b.rdagent.with_cost, doc.test.rdagent.excess_return_with_cost],
      [b.rdagent.without_cost, doc.test.rdagent.excess_return_without_cost],
    ];
    for (const [theirs, ours] of pairs) {
      for (const key of ['annualized_return', 'information_ratio', 'max_drawdown', 'calmar']) expect(theirs[key], key).toBeCloseTo(ours[key], 10);
    }
    expect(doc.test.arr).toBe(doc.test.excess_return_with_cost.annualized_return);
  }, 300_000);
});

describe.skipIf(!cn || !us)('transfer: a library mined on cn_csi300, applied zero-shot to us_sp500', () => {
  const runDir = tempDir('alphaswarm-bt-run-');
  let doc: BacktestDocument;
  let evaluated: number;
  beforeAll(async () => {
    const [a, b] = [ALPHA20[0]!.expression, ALPHA20[3]!.expression];
    evaluated = writeRunDirectory(runDir, cn!, [a, b, '$change/100 + Mean($close, 5)/$close']).evaluated;
    ({ json: doc } = await runJson<BacktestDocument>([
      'backtest', '--data', us!, '--universe', 'sp500', '--library', join(runDir, 'library.json'), '--model', 'ridge',
      '--train', '2010-01-01:2018-12-31', '--valid', '2019-01-01:2019-12-31', '--test', '2020-01-01:2021-04-20', '--json',
    ]));
  }, 300_000);

  it('says where the library was mined, that us_sp500 is survivorship-biased, and that $change changes units', () => {
    expect(doc.transfer!.from).toBe(cn);
    expect(doc.transfer!.note).toMatch(/zero-shot/);
    expect(doc.notes.some((n) => /survivorship-biased/.test(n))).toBe(true);
    expect(doc.notes.some((n) => /read \$change .*percentage in cn_csi300, a ratio in us_sp500/.test(n))).toBe(true);
    expect(doc.market).toBe('us');
    expect(doc.benchmark.kind).toBe('universe-mean');
    expect(doc.library.run_dir).toBe(runDir);
  });

  it("takes the deflated Sharpe ratio's trials from the run's evaluated candidates", () => {
    const m = doc.multiple_testing;
    expect(m.trials).toBe(evaluated);
    expect(m.trials_source).toMatch(/candidates the mining run/);
    expect(m.expected_max_sharpe!).toBeGreaterThan(0);
    expect(Number.isFinite(doc.test.arr)).toBe(true);
    expect(doc.test.trade_days).toBeGreaterThan(300);
  });
});
