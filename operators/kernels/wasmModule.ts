/**
 * Loading one of the WASM kernel modules (assembly/<name>.ts, built by
 * `npm run build` into dist/wasm/<name>.wasm) and handing out its memory.
 * Loaded synchronously at import, so worker threads have the kernels before
 * their first task.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The WebAssembly global as used here (the project's lib settings do not declare it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

/** What every kernel module exports besides its kernels. */
export interface KernelModuleExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
}

export interface KernelModule<E extends KernelModuleExports> {
  readonly exports: E;
  /** First free byte above the module's static data, 16-byte aligned: the caller's arrays go from here. */
  readonly base: number;
  /** The memory as doubles, grown to hold `bytes` bytes above `base` first (a fresh view when it grew). */
  reserve(bytes: number): Float64Array;
}

/** dist/wasm/<name>.wasm, from the compiled module (dist/operators/kernels) or from the TypeScript sources (tests). */
function wasmFile(name: string): string {
  const here = fileURLToPath(import.meta.url);
  const root = resolve(dirname(here), '../..');
  const file = here.endsWith('.js') ? resolve(root, `wasm/${name}.wasm`) : resolve(root, `dist/wasm/${name}.wasm`);
  if (!existsSync(file)) throw new Error(`WASM kernel ${file} not found: build first (npm run build)`);
  return file;
}

export function loadKernelModule<E extends KernelModuleExports>(name: string): KernelModule<E> {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmFile(name))), {}).exports as E;
  const base = (exports.heapBase() + 15) & ~15;
  let heap = new Float64Array(exports.memory.buffer);
  return {
    exports,
    base,
    reserve(bytes: number): Float64Array {
      const needed = base + bytes;
      if (needed > exports.memory.buffer.byteLength) {
        exports.memory.grow(Math.ceil((needed - exports.memory.buffer.byteLength) / 65536));
        heap = new Float64Array(exports.memory.buffer);
      }
      return heap;
    },
  };
}
