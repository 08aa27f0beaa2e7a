/**
 * A/B of the engine on Alpha158 over a real panel, in one process: this
 * build against another build's dist directory (e.g. the branch point), runs
 * alternating so both see the same machine load; best and all times, and
 * whether every factor's values are the same bits.
 *
 *   git archive BASE | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx tsc -p tsconfig.json)
 *   node dist/bench/abEngine.js --baseline /tmp/base/dist [--data DIR (default ../shared/data/cn_csi300)] [--reps 9] [--streamed]
 *
 * Both sides evaluate into whole-panel arrays (evaluateBatch), each run with a
 * fresh engine; with --streamed this build streams by block instead
 * (evaluateByBlock, as `alphaswarm compute` does) and one engine is reused by
 * each side. The bit check hashes each factor's cells in panel order either way.
 */

import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileFactor } from '../operators/compile.js';
import { loadPanel } from '../evaluator/data/index.js';
import { FactorEngine } from '../evaluator/engine.js';
import { alpha158 } from '../evaluator/libraries/alpha158.js';

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

const baseline = resolve(option('baseline'));
const reps = Number(option('reps', '9'));
const streamed = process.argv.includes('--streamed');
const sharedData = process.env.ALPHASWARM_SHARED_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const panel = loadPanel(option('data', resolve(sharedData, 'cn_csi300')));
const fields = new Set(Object.keys(panel.fields));
const roots = alpha158(fields).map((f) => {
  const compiled = compileFactor(f.expression, { fields });
  if (!compiled.ok) throw new Error(`${f.name}: ${compiled.error.detail}`);
  return compiled.ast;
});
const Baseline = ((await import(pathToFileURL(`${baseline}/evaluator/engine.js`).href)) as { FactorEngine: typeof FactorEngine }).FactorEngine;
const engines = { baseline: Baseline, this: FactorEngine } as const;
type Side = keyof typeof engines;

/** One engine per side when streamed (as a long-lived caller would hold it); else a fresh one per run. */
const kept = { baseline: new engines.baseline(panel, {}), this: new engines.this(panel, {}) };

/** Folds `values` into a running hash of a factor's cells in panel order. */
function hashInto(h: number, values: Float64Array): number {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let k = 0; k < words.length; k++) h = (Math.imul(h, 31) + words[k]!) | 0;
  return h;
}

/** Seconds for one batch; with `hashes`, a hash of each factor's bits. */
function runOnce(side: Side, hashes?: number[]): number {
  const started = performance.now();
  if (streamed && side === 'this') {
    kept.this.evaluateByBlock(roots, (index, _first, _end, values) => {
      if (hashes) hashes[index] = hashInto(hashes[index] ?? 0, values);
    });
  } else {
    (streamed ? kept[side] : new engines[side](panel, {})).evaluateBatch(roots, (index, values) => {
      if (hashes) hashes[index] = hashInto(0, values);
    });
  }
  return (performance.now() - started) / 1000;
}

const hashes: Record<Side, number[]> = { baseline: [], this: [] };
runOnce('baseline', hashes.baseline);
runOnce('this', hashes.this);
const differing = roots.map((_, k) => k).filter((k) => hashes.baseline[k] !== hashes.this[k]);
const times: Record<Side, number[]> = { baseline: [], this: [] };
for (let rep = 0; rep < reps; rep++) {
  for (const side of rep % 2 === 0 ? (['baseline', 'this'] as const) : (['this', 'baseline'] as const)) times[side].push(runOnce(side));
}
const best = (side: Side): number => Math.min(...times[side]);
console.log(JSON.stringify({
  factors: roots.length,
  best_seconds: { baseline: best('baseline'), this: best('this') },
  ratio: best('this') / best('baseline'),
  seconds: { baseline: times.baseline.map((t) => +t.toFixed(3)), this: times.this.map((t) => +t.toFixed(3)) },
  identical_bits: differing.length === 0,
  differing_factors: differing,
}));
