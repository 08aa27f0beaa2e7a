/**
 * Locates a Python interpreter with pandas for reference (oracle) tests.
 * Tries `python3` on PATH, then `/usr/bin/python3` (Debian's, which has
 * pandas here while the pyenv one on PATH does not). Returns null, with the
 * reason logged, when none has pandas: oracle tests then skip.
 */
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['python3', '/usr/bin/python3'];

let found: string | null | undefined;

export function pandasPython(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const python of CANDIDATES) {
    const probe = spawnSync(python, ['-c', 'import pandas, numpy; print(pandas.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) {
      found = python;
      return found;
    }
  }
  console.warn(`[skip] no Python with pandas found (tried ${CANDIDATES.join(', ')}); pandas oracle tests are skipped`);
  return found;
}
