/**
 * `npm run bench`: the project's performance numbers, each measured in this
 * run and against a straightforward baseline measured in the same run.
 *
 *   1. synthetic panel (always runs)            Alpha158, latency, workers
 *   2. cn_csi300 (when ../shared/data exists)   the same, plus pandas (qlib's way)
 *   3. kernels, metrics, bus and per-agent micro-benchmarks
 *   4. the mining swarm end to end (bench/swarm.ts), synthetic and cn_csi300
 *
 * Every Alpha158 measurement runs in its own process (bench/measure.ts), so
 * its peak RSS is its own. Times are wall clock on this machine, which
 * other processes may share: the load average is printed with them.
 *
 *   npm run bench [-- --quick] [-- --pandas-every 4]
 *
 * --quick skips the micro-benchmarks, the bus and the agents (the swarm section
 * then measures the bus round trip with a short run); --pandas-every k runs the
 * pandas baseline on every k-th instrument and scales by cells (default 4:
 * qlib computes instruments independently, so time is linear in them; 1 =
 * the whole panel, several minutes).
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFactor } from '../operators/compile.js';
import { FactorEngine } from '../evaluator/engine.js';
import { alpha158 } from '../evaluator/libraries/alpha158.js';
import { formatBusBench, runBusBench, type BusBenchResult } from './bus.js';
import { loadData, type DataSpec, type MeasureSpec } from './measure.js';
import { formatSwarmBench, runSwarmBench } from './swarm.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const quick = process.argv.includes('--quick');
const pandasEvery = Number(option('pandas-every') ?? 4);

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Result = Record<string, unknown> & { maxRssKb: number };

/** Runs one measurement in a child process; null (with the reason printed) when it fails. */
function child(spec: MeasureSpec): Result | null {
  const run = spawnSync(process.execPath, [resolve(here, 'measure.js'), JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = run.stdout.trim().split('\n').pop();
  if (run.status !== 0 || !line) {
    console.log(`  [failed] ${JSON.stringify(spec)}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return JSON.parse(line) as Result;
}

const ms = (v: number): string => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms`;
const mib = (kb: number): string => `${(kb / 1024).toFixed(0)} MiB`;
const ratio = (baseline: number, ours: number): string => `${(baseline / ours).toFixed(1)}x`;
const row = (cells: readonly string[], widths: readonly number[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');

function header(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 76 - title.length))}`);
}

function best(runs: readonly number[]): number {
  return Math.min(...runs.slice(1).concat(runs.length === 1 ? runs : []));
}

/** pandas (Debian's python3, where it is importable) computing Alpha158 qlib's way over every k-th instrument. */
function pandasBaseline(data: DataSpec & { kind: 'qlib' }, every: number): { seconds: number; scaledSeconds: number; cells: number; maxRssKb: number; pandas: string; agreement: string } | string {
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0);
  if (!python) return 'no python3 with pandas found';
  const loaded = loadData(data);
  const { panel } = loaded;
  const factors = alpha158(new Set(Object.keys(panel.fields)));
  const symbols = panel.symbols.filter((_, i) => i % every === 0);
  const request = { data: data.dir, symbols, expressions: factors.map((f) => f.expression) };
  const run = spawnSync(python, [resolve(repo, 'bench/alpha158_pandas.py')], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) return `pandas baseline failed: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`;
  const out = JSON.parse(run.stdout) as { seconds: number; cells: number; maxRssKb: number; pandas: string; sums: [number, number][] };
  let totalCells = 0;
  for (let i = 0; i < panel.N; i++) totalCells += Math.max(0, panel.end[i]! - panel.start[i]!);
  // Same factors, same instruments: compare each factor's sum and count of finite values with the engine's.
  const engineSums = engineSumsOver(loaded, factors.map((f) => f.expression), every);
  let agree = 0;
  const differ: string[] = [];
  out.sums.forEach(([sum, count], k) => {
    const [s, c] = engineSums[k]!;
    if (count === c && Math.abs(sum - s) <= 1e-6 * Math.max(1, Math.abs(s))) agree++;
    else differ.push(`${factors[k]!.name} (pandas ${sum.toPrecision(8)}/${count}, engine ${s.toPrecision(8)}/${c})`);
  });
  const agreement = `${agree}/${factors.length} factors agree (sum and count of finite values within 1e-6)${differ.length ? `; differ: ${differ.slice(0, 4).join(', ')}${differ.length > 4 ? ', ...' : ''}` : ''}`;
  return { seconds: out.seconds, scaledSeconds: (out.seconds * totalCells) / out.cells, cells: out.cells, maxRssKb: out.maxRssKb, pandas: out.pandas, agreement };
}

function engineSumsOver(loaded: ReturnType<typeof loadData>, expressions: readonly string[], every: number): [number, number][] {
  const { panel, universe } = loaded;
  const fields = new Set(Object.keys(panel.fields));
  const engine = new FactorEngine(panel, { universe });
  const sums: [number, number][] = [];
  engine.evaluateBatch(
    expressions.map((e) => {
      const c = compileFactor(e, { fields });
      if (!c.ok) throw c.error;
      return c.ast;
    }),
    (_, values) => {
      let s = 0, c = 0;
      for (let i = 0; i < panel.N; i += every) {
        for (let t = i * panel.T; t < (i + 1) * panel.T; t++) {
          const v = values[t]!;
          if (Number.isFinite(v)) (s += v), c++;
        }
      }
      sums.push([s, c]);
    },
  );
  return sums;
}

async function panelSection(title: string, data: DataSpec, naiveEvery: number, withPandas: boolean): Promise<void> {
  header(title);
  const engine = child({ what: 'alpha158', data, mode: 'engine', runs: 3 });
  if (!engine) return;
  console.log(`panel: ${engine.data}, ${engine.N} instruments x ${engine.T} days; load ${(engine.loadSeconds as number).toFixed(1)} s (not counted below)`);
  const plan = engine.plan as { steps: Record<string, number>; operators: number };
  console.log(`Alpha158: ${engine.factors} factors, ${plan.operators} operator applications after sharing, run as ${plan.steps.fused} fused loops, ${plan.steps.family} family passes, ${plan.steps.kernel} kernel calls`);
  const stream = child({ what: 'alpha158', data, mode: 'stream', runs: 3 });
  const pool1 = child({ what: 'alpha158', data, mode: 'pool', workers: 1, runs: 3 });
  const pool2 = child({ what: 'alpha158', data, mode: 'pool', workers: 2, runs: 3 });
  const naive = child({ what: 'naive', data, every: naiveEvery });
  const naiveScaled = naive ? ((naive.seconds as number) * 1000 * (engine.N as number)) / Math.ceil((engine.N as number) / naiveEvery) : NaN;
  const resolvedPandas = withPandas && data.kind === 'qlib' ? pandasBaseline(data, pandasEvery) : null;

  const widths = [30, 12, 12, 11, 12, 12];
  console.log(row(['Alpha158 compute', 'first run', 'best later', 'peak RSS', 'vs naive JS', 'vs pandas'], widths));
  const line = (name: string, r: Result | null): void => {
    if (!r) return;
    const runs = r.runs as number[];
    const b = best(runs);
    const p = resolvedPandas && typeof resolvedPandas !== 'string' ? ratio(resolvedPandas.scaledSeconds * 1000, b) : '-';
    console.log(row([name, ms(runs[0]!), ms(b), mib(r.maxRssKb), Number.isFinite(naiveScaled) ? ratio(naiveScaled, b) : '-', p], widths));
  };
  line('engine, streamed (1 core)', stream);
  line('engine, whole arrays (1 core)', engine);
  line('pool, 1 worker', pool1);
  line('pool, 2 workers', pool2);
  if (naive) {
    console.log(
      `  naive JS baseline (naive.ts: no sharing, no fusion, windows recomputed): ${ms((naive.seconds as number) * 1000)} on every ${naiveEvery}th instrument, ` +
        `scaled to the panel ${ms(naiveScaled)}; worst relative difference from the engine ${(naive.worstRelativeDifference as number).toExponential(1)}`,
    );
  }
  if (typeof resolvedPandas === 'string') console.log(`  pandas baseline: skipped (${resolvedPandas})`);
  else if (resolvedPandas) {
    console.log(
      `  pandas ${resolvedPandas.pandas} baseline (bench/alpha158_pandas.py, qlib's way, per instrument): ${(resolvedPandas.seconds).toFixed(1)} s on every ${pandasEvery}th instrument ` +
        `(${resolvedPandas.cells} cells), scaled to the panel ${resolvedPandas.scaledSeconds.toFixed(1)} s, peak RSS ${mib(resolvedPandas.maxRssKb)}; ${resolvedPandas.agreement}`,
    );
  }
  console.log(
    '  streamed: each factor\'s values handed over a block of instruments at a time, as `alphaswarm compute` does; ' +
      'whole arrays: every factor\'s values as a whole-panel array (recycled), as the pool and the backtest need them',
  );
  if (pool1 && pool2) console.log(`  1 -> 2 workers: ${ratio(best(pool1.runs as number[]), best(pool2.runs as number[]))} (instruments split between the workers)`);

  const latency = child({ what: 'latency', data, baselineExpressions: 5 });
  if (latency) {
    const p50 = latency.p50 as number, p95 = latency.p95 as number;
    console.log(
      `single expression, parse + compute (clipped at the agents' lastDay) + train/valid fitness, ${latency.expressions} typical expressions x 3, warm: ` +
        `p50 ${ms(p50)}, p95 ${ms(p95)}; naive baseline (naive compute + sort-based daily RankIC) on ${latency.baselineExpressions} of them: ` +
        `p50 ${ms(latency.baselineP50 as number)}, p95 ${ms(latency.baselineP95 as number)} (${ratio(latency.baselineP50 as number, p50)} at p50)`,
    );
  }
  const fit1 = child({ what: 'fitness', data, workers: 1, candidates: 64 });
  const fit2 = child({ what: 'fitness', data, workers: 2, candidates: 64 });
  if (fit1 && fit2) {
    const f = (r: Result): string => `${(r.perSecond as number).toFixed(1)}/s`;
    console.log(`candidates scored through the pool (64 distinct, batches of 16): 1 worker ${f(fit1)}, 2 workers ${f(fit2)} (${ratio(fit2.perSecond as number, fit1.perSecond as number).replace('x', '')}x)`);
  }
}

function microBenchmark(title: string, script: string, args: readonly string[]): void {
  header(title);
  const run = spawnSync(process.execPath, [resolve(here, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  process.stdout.write(run.stdout);
  if (run.status !== 0) console.log(`[failed] ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

/** `alphaswarm swarm` end to end on the synthetic market and, when present, cn_csi300; the bus share estimated from `bus`. */
async function swarmSection(csi300: string | null, bus: BusBenchResult | null): Promise<void> {
  header('swarm end to end (offline research model, not an LLM)');
  const rtt = (bus ?? (await runBusBench({ messages: 2000, requests: 300 }))).workQueueRequest.p50Us;
  const runs: [string, string[]][] = [['synthetic market', []]];
  if (csi300) runs.push(['cn_csi300', ['--data', csi300, '--universe', 'csi300', '--train', '2010-01-01:2018-12-31', '--valid', '2019-01-01:2019-12-31']]);
  for (const [label, dataArgs] of runs) {
    try {
      console.log(formatSwarmBench(runSwarmBench({ generations: 2, population: 64, seed: 1, dataArgs, busRttP50Us: rtt }), `swarm --generations 2 --population 64 --seed 1, ${label}`));
    } catch (error) {
      console.log(`[failed] swarm, ${label}: ${(error as Error).message}`);
    }
  }
}

async function main(): Promise<void> {
  console.log(`AlphaSwarm benchmark: node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);
  await panelSection('synthetic panel (always runs)', { kind: 'synthetic', instruments: 300, days: 2000 }, 10, false);
  const shared = process.env.ALPHASWARM_SHARED_DATA ?? resolve(repo, '../shared/data');
  const csi300 = resolve(shared, 'cn_csi300');
  const hasCsi300 = existsSync(csi300);
  if (hasCsi300) await panelSection('cn_csi300 (real data, point-in-time CSI 300)', { kind: 'qlib', dir: csi300, universe: 'csi300' }, 64, true);
  else console.log(`\n[skip] cn_csi300: ${csi300} not found (a clone without ../shared/data)`);
  let bus: BusBenchResult | null = null;
  if (!quick) {
    microBenchmark('kernels (ns per cell, whole panel per call)', 'kernels.js', ['--runs', '3']);
    microBenchmark('metrics', 'metrics.js', ['--runs', '3']);
    header('bus');
    bus = await runBusBench({ messages: 20_000, requests: 1000 });
    console.log(formatBusBench(bus));
    microBenchmark('agents (round trip per agent, offline research model, synthetic market)', 'agents.js', ['--rounds', '10']);
  }
  await swarmSection(hasCsi300 ? csi300 : null, bus);
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
