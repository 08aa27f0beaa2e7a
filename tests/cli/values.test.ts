/**
 * `alphaswarm values` through the compiled CLI, checked against the raw qlib
 * files read by hand, a hand-computed rolling mean, and pandas.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pandasPython } from '../helpers/python.js';
import { sharedDataSet } from '../helpers/sharedData.js';
import { isMember, rawCalendar, rawField, rawMembership, runCli, runJson } from './helpers.js';

interface ValuesJson {
  expr: string;
  notes: string[];
  dates: string[];
  symbols: string[];
  values: (number | null)[][];
}

const csi300 = sharedDataSet('cn_csi300');

/** The cell of `json` for (date, symbol). */
function cell(json: ValuesJson, date: string, symbol: string): number | null {
  const t = json.dates.indexOf(date);
  const i = json.symbols.indexOf(symbol);
  if (t === -1 || i === -1) throw new Error(`no cell ${date} ${symbol}`);
  return json.values[t]![i]!;
}

const asNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

describe('alphaswarm values on the embedded synthetic market', () => {
  it('prints dates x symbols JSON, null where undefined, with the synthetic note', async () => {
    const { json, errors } = await runJson<ValuesJson>(['values', '--expr', 'Ref($close,3)', '--end', '2015-01-09', '--json']);
    expect(Object.keys(json)).toEqual(['expr', 'notes', 'dates', 'symbols', 'values']);
    expect(json.dates).toEqual(['2015-01-05', '2015-01-06', '2015-01-07', '2015-01-08', '2015-01-09']);
    expect(json.symbols).toHaveLength(200);
    expect(json.symbols[0]).toBe('SYN001');
    expect(json.values).toHaveLength(5);
    for (const row of json.values) expect(row).toHaveLength(200);
    // Ref(x,3) needs three earlier days: none exist on the calendar's first three days.
    expect(json.values.slice(0, 3).flat().every((v) => v === null)).toBe(true);
    expect(errors).toEqual([expect.stringMatching(/^alphaswarm values: note: no --data: using the embedded synthetic market/)]);
  });

  it('prints CSV without --json', async () => {
    const r = await runCli(['values', '--expr', '$close', '--start', '2015-01-05', '--end', '2015-01-06']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['date', 'SYN001', 'SYN002']);
    expect(lines[1]!.startsWith('2015-01-05,')).toBe(true);
    expect(lines[1]!.split(',')).toHaveLength(201);
  });

  it('reports +-inf as null', async () => {
    // $close/($close-$close) is +inf wherever $close > 0.
    const { json } = await runJson<ValuesJson>(['values', '--expr', '$close/($close-$close)', '--end', '2015-01-06', '--json']);
    expect(json.values.flat().every((v) => v === null)).toBe(true);
  });
});

describe.skipIf(!csi300)('alphaswarm values on cn_csi300', () => {
  // describe.skipIf still runs this body to collect the tests: read nothing when the data is absent.
  const dir = csi300 ?? '';
  const calendar = csi300 ? rawCalendar(dir) : [];
  const T = calendar.length;
  const members = csi300 ? rawMembership(dir, 'csi300') : new Map<string, [string, string][]>();
  const window = ['2015-06-01', '2015-08-31'] as const; // the 2015 crash: many suspensions

  it('$close equals the raw .bin values on every cell; columns are the instruments ever in csi300', async () => {
    const { json, errors } = await runJson<ValuesJson>(['values', '--data', dir, '--universe', 'csi300', '--expr', '$close', '--start', window[0], '--end', window[1], '--json']);
    expect(json.dates).toEqual(calendar.filter((d) => d >= window[0] && d <= window[1]));
    const withData = [...members.keys()].filter((s) => existsSync(join(dir, 'features', s.toLowerCase())));
    expect(json.symbols).toEqual(withData.sort());
    const leftOut = `${members.size - withData.length} of the ${members.size} instruments ever in csi300 have no feature data and are left out`;
    expect(json.notes).toEqual([leftOut]);
    expect(errors).toEqual([`alphaswarm values: note: ${leftOut}`]);
    let missing = 0;
    json.symbols.forEach((symbol, i) => {
      const { values } = rawField(dir, symbol, 'close', T);
      json.dates.forEach((date, k) => {
        const expected = asNull(values[calendar.indexOf(date)]!);
        if (expected === null) missing++;
        expect(json.values[k]![i]).toBe(expected);
      });
    });
    expect(missing).toBeGreaterThan(100); // suspensions are there, and reported as null
  });

  it('Mean($close,5) equals the mean of the finite closes of the last five days of the instrument', async () => {
    const { json } = await runJson<ValuesJson>(['values', '--data', dir, '--universe', 'csi300', '--expr', 'Mean($close,5)', '--start', window[0], '--end', window[1], '--json']);
    json.symbols.forEach((symbol, i) => {
      const { values, start } = rawField(dir, symbol, 'close', T);
      json.dates.forEach((date, k) => {
        const t = calendar.indexOf(date);
        const finite: number[] = [];
        for (let s = Math.max(start, t - 4); s <= t; s++) if (Number.isFinite(values[s]!)) finite.push(values[s]!);
        const expected = finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
        const actual = json.values[k]![i]!;
        if (expected === null) expect(actual).toBeNull();
        else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
      });
    });
  });

  it('--members-only nulls the days an instrument is not a csi300 member', async () => {
    const { json } = await runJson<ValuesJson>([
      'values', '--data', dir, '--universe', 'csi300', '--members-only', '--expr', '$close', '--start', '2016-01-01', '--end', '2016-12-31', '--json',
    ]);
    let outside = 0;
    json.symbols.forEach((symbol, i) => {
      const { values } = rawField(dir, symbol, 'close', T);
      json.dates.forEach((date, k) => {
        const member = isMember(members.get(symbol), date);
        if (!member) outside++;
        expect(json.values[k]![i]).toBe(member ? asNull(values[calendar.indexOf(date)]!) : null);
      });
    });
    expect(outside).toBeGreaterThan(1000);
    expect(json.notes.slice(1)).toEqual([
      'start 2016-01-01 is not a trading day: using the next one, 2016-01-04',
      'end 2016-12-31 is not a trading day: using the previous one, 2016-12-30',
    ]);
  });

  const python = pandasPython();
  it.skipIf(!python)('Corr($close, Log($volume+1), 10) and Rank($close, 20) match pandas (qlib definitions) on a few instruments', async () => {
    const symbols = ['SH600000', 'SH600519', 'SZ000001', 'SZ000002', 'SH601318'];
    const range = ['2014-01-01', '2016-12-31'] as const;
    const [corr, rank] = await Promise.all(
      ['Corr($close, Log($volume+1), 10)', 'Rank($close, 20)'].map(
        async (expr) => (await runJson<ValuesJson>(['values', '--data', dir, '--expr', expr, '--start', range[0], '--end', range[1], '--json'])).json,
      ),
    );
    const reference = spawnSync(python!, ['-c', PANDAS_SCRIPT, dir, range[0], range[1], ...symbols], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(reference.status, reference.stderr).toBe(0);
    const expected = JSON.parse(reference.stdout) as Record<string, { dates: string[]; corr: (number | null)[]; rank: (number | null)[] }>;
    let compared = 0;
    for (const symbol of symbols) {
      const ref = expected[symbol]!;
      expect(ref.dates).toEqual(corr.dates);
      ref.dates.forEach((date, k) => {
        for (const [ours, theirs] of [
          [cell(corr, date, symbol), ref.corr[k]!],
          [cell(rank, date, symbol), ref.rank[k]!],
        ] as const) {
          if (theirs === null) expect(ours).toBeNull();
          else {
            expect(ours).not.toBeNull();
            expect(Math.abs(ours! - theirs)).toBeLessThanOrEqual(1e-9);
            compared++;
          }
        }
      });
    }
    expect(compared).toBeGreaterThan(5000);
  });
});

/**
 * Reads the .bin files with numpy and computes, per instrument over its own
 * dates (the union of its close and volume files), qlib's Corr (pandas
 * rolling corr, min_periods=1, NaN where either side's rolling std is within
 * 2e-5 of zero) and Rank (rolling rank, pct=True).
 */
const PANDAS_SCRIPT = String.raw`
import json, sys, os
import numpy as np, pandas as pd
root, first, last, symbols = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
calendar = [l.strip() for l in open(os.path.join(root, 'calendars', 'day.txt')) if l.strip()]
def read(symbol, field):
    raw = np.fromfile(os.path.join(root, 'features', symbol.lower(), field + '.day.bin'), dtype='<f4')
    start = int(raw[0])
    return start, raw[1:].astype(np.float64)
def aligned(parts, lo, hi):
    out = np.full(hi - lo, np.nan)
    start, values = parts
    out[start - lo:start - lo + len(values)] = values
    return pd.Series(out, index=calendar[lo:hi])
def clean(s):
    return s.replace([np.inf, -np.inf], np.nan)
result = {}
for symbol in symbols:
    close, volume = read(symbol, 'close'), read(symbol, 'volume')
    lo = min(close[0], volume[0])
    hi = max(close[0] + len(close[1]), volume[0] + len(volume[1]))
    c, v = aligned(close, lo, hi), aligned(volume, lo, hi)
    b = np.log(v + 1)
    corr = c.rolling(10, min_periods=1).corr(b)
    flat = np.isclose(c.rolling(10, min_periods=1).std(), 0, atol=2e-05) | np.isclose(b.rolling(10, min_periods=1).std(), 0, atol=2e-05)
    corr[flat] = np.nan
    rank = c.rolling(20, min_periods=1).rank(pct=True)
    keep = [d for d in c.index if first <= d <= last]
    as_list = lambda s: [None if not np.isfinite(x) else float(x) for x in clean(s)[keep]]
    result[symbol] = {'dates': keep, 'corr': as_list(corr), 'rank': as_list(rank)}
print(json.dumps(result))
`;
