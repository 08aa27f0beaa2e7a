/**
 * XGBoost's C library (Debian's libxgboost0, 1.7.4 in bookworm) bound
 * through koffi: only the calls the combiner makes. Every call's status goes
 * through `check`, which turns XGBoost's last error into one line.
 *
 * Calls are synchronous and block the calling thread while XGBoost works on
 * its own OpenMP threads. XGBoost keeps its last error per thread, so calling
 * it from koffi's async workers would lose the message; callers that must
 * keep an event loop live run the combiner in a worker thread instead.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

import type { LibraryHandle } from 'koffi';

type Koffi = typeof import('koffi').default;

export const XGBOOST_INSTALL_HINT = 'apt-get install -y libxgboost-dev';
export const XGBOOST_LIB_ENV = 'ALPHASWARM_XGBOOST_LIB';

/** Oldest release with XGBoosterPredictFromDMatrix and its iteration range. */
const MIN_VERSION: readonly [number, number] = [1, 4];

const STANDARD_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libxgboost.so.0',
  '/usr/lib/aarch64-linux-gnu/libxgboost.so.0',
  '/usr/lib/x86_64-linux-gnu/libxgboost.so',
  '/usr/lib/aarch64-linux-gnu/libxgboost.so',
  '/usr/lib64/libxgboost.so',
  '/usr/lib/libxgboost.so',
  '/usr/local/lib/libxgboost.so',
];

export class XgboostError extends Error {
  override readonly name = 'XgboostError';

  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' ').trim());
  }
}

/** Opaque XGBoost handles (koffi hands them over as pointers). */
export type DMatrixHandle = { readonly __brand: 'DMatrixHandle' };
export type BoosterHandle = { readonly __brand: 'BoosterHandle' };

export interface XgboostLibrary {
  readonly path: string;
  readonly version: readonly [number, number, number];
  /** Dense row-major matrix; NaN is missing. XGBoost copies the data. */
  dmatrixFromDense(data: Float32Array, rows: number, cols: number): DMatrixHandle;
  setLabel(matrix: DMatrixHandle, label: Float32Array): void;
  freeDMatrix(matrix: DMatrixHandle): void;
  /** `cache`: matrices whose predictions XGBoost keeps between rounds (train and valid). */
  createBooster(cache: readonly DMatrixHandle[]): BoosterHandle;
  setParam(booster: BoosterHandle, name: string, value: string): void;
  updateOneIter(booster: BoosterHandle, iteration: number, train: DMatrixHandle): void;
  /** XGBoost's evaluation line, e.g. `[3]\tvalid-rmse:0.91`. */
  evalOneIter(booster: BoosterHandle, iteration: number, matrices: readonly DMatrixHandle[], names: readonly string[]): string;
  /** Predictions of the trees of rounds [0, iterationEnd); a copy owned by the caller. */
  predict(booster: BoosterHandle, matrix: DMatrixHandle, iterationEnd: number): Float32Array;
  freeBooster(booster: BoosterHandle): void;
}

let loaded: XgboostLibrary | null = null;

/** The bound library, loaded once per thread; an XgboostError naming the apt command when it is absent. */
export function xgboostLibrary(): XgboostLibrary {
  loaded ??= bind(locateXgboost());
  return loaded;
}

/** Path of libxgboost: $ALPHASWARM_XGBOOST_LIB, else the linker cache, else the standard library folders. */
export function locateXgboost(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[XGBOOST_LIB_ENV];
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) throw new XgboostError(`${XGBOOST_LIB_ENV}=${override}: no such file`);
    return override;
  }
  const found = [...linkerCachePaths(), ...STANDARD_PATHS].find((p) => existsSync(p));
  if (!found) {
    throw new XgboostError(
      `XGBoost C library (libxgboost.so) not found in the linker cache or ${STANDARD_PATHS.join(', ')}; ` +
        `install it with \`${XGBOOST_INSTALL_HINT}\` or point ${XGBOOST_LIB_ENV} at it`,
    );
  }
  return found;
}

function linkerCachePaths(): string[] {
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try {
      const text = execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return text
        .split('\n')
        .filter((line) => /\blibxgboost\.so/.test(line))
        .map((line) => line.split('=>')[1]?.trim() ?? '')
        .filter((p) => p !== '');
    } catch {
      // not at this path (or no ldconfig at all): try the next one
    }
  }
  return [];
}

/** koffi, loaded on first use so the rest of the portfolio stage (ridge, backtest) works without its native binary. */
function loadKoffi(): Koffi {
  try {
    return createRequire(import.meta.url)('koffi') as Koffi;
  } catch (e) {
    throw new XgboostError(`cannot load koffi, the FFI that binds XGBoost (${(e as Error).message}); run \`npm install\``);
  }
}

function bind(path: string): XgboostLibrary {
  const koffi = loadKoffi();
  // OpenMP threads spin while they wait for work by default; next to this process's other threads they
  // steal the cores that work needs (3 features x 220k rows, 2 threads on a busy 2-core machine: 249 ms
  // per round spinning, 18 ms passive). libgomp reads this once, when it is loaded below.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  let lib: LibraryHandle;
  try {
    lib = koffi.load(path);
  } catch (e) {
    throw new XgboostError(`cannot load ${path}: ${(e as Error).message}; reinstall with \`${XGBOOST_INSTALL_HINT}\``);
  }
  registerHandleType(koffi, 'DMatrixHandle');
  registerHandleType(koffi, 'BoosterHandle');

  const version = lib.func('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)');
  const lastError = lib.func('const char *XGBGetLastError()');
  const createFromMat = lib.func(
    'int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ DMatrixHandle *out)',
  );
  const setFloatInfo = lib.func('int XGDMatrixSetFloatInfo(DMatrixHandle handle, const char *field, const float *array, uint64_t len)');
  const freeDMatrix = lib.func('int XGDMatrixFree(DMatrixHandle handle)');
  const boosterCreate = lib.func('int XGBoosterCreate(DMatrixHandle *dmats, uint64_t len, _Out_ BoosterHandle *out)');
  const boosterFree = lib.func('int XGBoosterFree(BoosterHandle handle)');
  const setParam = lib.func('int XGBoosterSetParam(BoosterHandle handle, const char *name, const char *value)');
  const updateOneIter = lib.func('int XGBoosterUpdateOneIter(BoosterHandle handle, int iter, DMatrixHandle dtrain)');
  const evalOneIter = lib.func(
    'int XGBoosterEvalOneIter(BoosterHandle handle, int iter, DMatrixHandle *dmats, const char **evnames, uint64_t len, _Out_ const char **out)',
  );
  const predictFromDMatrix = lib.func(
    'int XGBoosterPredictFromDMatrix(BoosterHandle handle, DMatrixHandle dmat, const char *config, _Out_ void **shape, _Out_ uint64_t *dim, _Out_ void **result)',
  );

  const major = [0];
  const minor = [0];
  const patch = [0];
  version(major, minor, patch);
  const v: [number, number, number] = [major[0]!, minor[0]!, patch[0]!];
  if (v[0] < MIN_VERSION[0] || (v[0] === MIN_VERSION[0] && v[1] < MIN_VERSION[1])) {
    throw new XgboostError(`${path} is XGBoost ${v.join('.')}; need ${MIN_VERSION.join('.')} or later (\`${XGBOOST_INSTALL_HINT}\`)`);
  }

  const check = (status: number, call: string): void => {
    if (status !== 0) throw new XgboostError(`${call}: ${conciseError(String(lastError() ?? ''))}`);
  };
  const out = <T>(): [T | null] => [null];

  return {
    path,
    version: v,
    dmatrixFromDense(data, rows, cols) {
      if (data.length !== rows * cols) throw new XgboostError(`dense matrix has ${data.length} values, expected ${rows} x ${cols}`);
      const handle = out<DMatrixHandle>();
      check(createFromMat(data, rows, cols, NaN, handle), 'XGDMatrixCreateFromMat');
      return handle[0]!;
    },
    setLabel(matrix, label) {
      check(setFloatInfo(matrix, 'label', label, label.length), 'XGDMatrixSetFloatInfo(label)');
    },
    freeDMatrix(matrix) {
      check(freeDMatrix(matrix), 'XGDMatrixFree');
    },
    createBooster(cache) {
      const handle = out<BoosterHandle>();
      check(boosterCreate([...cache], cache.length, handle), 'XGBoosterCreate');
      return handle[0]!;
    },
    setParam(booster, name, value) {
      check(setParam(booster, name, value), `XGBoosterSetParam(${name}=${value})`);
    },
    updateOneIter(booster, iteration, train) {
      check(updateOneIter(booster, iteration, train), `XGBoosterUpdateOneIter(round ${iteration})`);
    },
    evalOneIter(booster, iteration, matrices, names) {
      const line = out<string>();
      check(evalOneIter(booster, iteration, [...matrices], [...names], matrices.length, line), `XGBoosterEvalOneIter(round ${iteration})`);
      return line[0] ?? '';
    },
    predict(booster, matrix, iterationEnd) {
      const config = JSON.stringify({ type: 0, training: false, iteration_begin: 0, iteration_end: iterationEnd, strict_shape: false });
      const shape = out<unknown>();
      const dim = [0];
      const result = out<unknown>();
      check(predictFromDMatrix(booster, matrix, config, shape, dim, result), 'XGBoosterPredictFromDMatrix');
      const dims = koffi.decode(shape[0], 'uint64_t', dim[0]!) as ArrayLike<bigint | number>;
      let length = 1;
      for (let k = 0; k < dim[0]!; k++) length *= Number(dims[k]);
      // decode copies out of XGBoost's buffer, which the next prediction reuses
      return Float32Array.from(koffi.decode(result[0], 'float', length) as ArrayLike<number>);
    },
    freeBooster(booster) {
      check(boosterFree(booster), 'XGBoosterFree');
    },
  };
}

/** XGBoost's message without its timestamp and native stack trace: `[09:37:00] src/x.cc:461: Check failed: ...\nStack trace: ...`. */
function conciseError(message: string): string {
  const text = message.split(/Stack trace:/)[0]!.replace(/^\s*\[\d{2}:\d{2}:\d{2}\]\s*/, '').trim();
  return text === '' ? 'unknown XGBoost error' : text;
}

/** Declares an opaque handle type for the prototypes below; koffi keeps names per process, so a second load reuses it. */
function registerHandleType(koffi: Koffi, name: string): void {
  try {
    koffi.type(name);
  } catch {
    koffi.pointer(name, koffi.opaque());
  }
}
