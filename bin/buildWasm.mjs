#!/usr/bin/env node
// Compiles the WASM kernels (assembly/<name>.ts, AssemblyScript) into dist/wasm/<name>.wasm; `npm run build` runs it after tsc.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Entry modules only (assembly/lanes.ts is imported by them).
const MODULES = ['rollingSums', 'sortedWindow', 'pairRolling', 'extremes', 'cellProgram'];
const asc = resolve(root, 'node_modules/.bin/asc');
for (const name of MODULES) {
  const args = [`assembly/${name}.ts`, '-o', `dist/wasm/${name}.wasm`, '--enable', 'simd', '-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort='];
  const result = spawnSync(asc, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`alphaswarm build: compiling assembly/${name}.ts failed${result.error ? `: ${result.error.message}` : ''}`);
    process.exit(1);
  }
}
