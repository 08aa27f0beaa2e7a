/**
 * Runs tests/oracle/qlib_reference.py (the pandas reference) on a panel and
 * compares its answers with the kernels'.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from '../helpers/sharedData.js';
import type { KernelArg, KernelContext } from '../../operators/kernels/types.js';

export type OracleArg = { series: string } | { const: number };

export interface OracleCase {
  readonly id: string;
  readonly op: string;
  readonly args: readonly OracleArg[];
}

function b64(a: Float64Array | Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64(s: string): Float64Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float64Array(buf.length / 8);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** The pandas reference's answer for every case, by id. */
export function runOracle(
  python: string, ctx: KernelContext, series: Record<string, Float64Array>, cases: readonly OracleCase[],
): Map<string, Float64Array> {
  const request = {
    T: ctx.T, N: ctx.N, start: [...ctx.start], end: [...ctx.end],
    universe: ctx.universe ? b64(ctx.universe) : null,
    series: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, b64(v)])),
    cases,
  };
  const script = resolve(repoRoot, 'tests/oracle/qlib_reference.py');
  const run = spawnSync(python, [script], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`oracle failed (${run.status}): ${run.stderr}`);
  const { results } = JSON.parse(run.stdout) as { results: Record<string, string> };
  return new Map(Object.entries(results).map(([k, v]) => [k, fromB64(v)]));
}

/** Kernel arguments for an oracle case. */
export function kernelArgs(c: OracleCase, series: Record<string, Float64Array>): KernelArg[] {
  return c.args.map((a) => ('series' in a ? series[a.series]! : a.const));
}

export interface Mismatch {
  readonly index: number;
  readonly expected: number;
  readonly actual: number;
}

/**
 * Cells where `actual` and `expected` differ: both NaN, or both the same
 * infinity, or |a - e| <= rtol * max(|a|, |e|) + atol counts as equal.
 */
export function mismatches(expected: Float64Array, actual: Float64Array, rtol: number, atol: number, limit = 5): Mismatch[] {
  const found: Mismatch[] = [];
  for (let k = 0; k < expected.length && found.length < limit; k++) {
    const e = expected[k]!, a = actual[k]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (e === a) continue;
    if (Number.isFinite(e) && Number.isFinite(a) && Math.abs(a - e) <= rtol * Math.max(Math.abs(a), Math.abs(e)) + atol) continue;
    found.push({ index: k, expected: e, actual: a });
  }
  return found;
}
