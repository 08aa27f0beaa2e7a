/**
 * The shared real-market data lives outside the repository at `../shared/data`
 * (override with ALPHASWARM_SHARED_DATA). A user's clone has none, so tests
 * that need it skip with a message saying why.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function sharedDataDir(): string | null {
  const dir = process.env.ALPHASWARM_SHARED_DATA ?? resolve(repoRoot, '../shared/data');
  return existsSync(dir) ? dir : null;
}

/** Path of one shared data set (`cn_csi300`, `us_sp500`, `us_csv_sample`, `llm_libraries`), or null with a logged reason. */
export function sharedDataSet(name: string): string | null {
  const root = sharedDataDir();
  const dir = root ? resolve(root, name) : null;
  if (!dir || !existsSync(dir)) {
    console.warn(`[skip] shared data set '${name}' not found (looked in ${root ?? resolve(repoRoot, '../shared/data')}); tests that need it are skipped`);
    return null;
  }
  return dir;
}
