/**
 * Small random panels for kernel tests: prices rounded to cents (ties),
 * suspensions (NaN runs), instruments that list late or delist early, and a
 * point-in-time universe. Deterministic for a seed.
 */
import { mulberry32 } from '../../agents/mulberry32.js';
import type { KernelContext } from '../../operators/kernels/types.js';

export { mulberry32 };

export interface TestPanel {
  readonly ctx: KernelContext;
  /** Named N*T series, NaN outside each instrument's range. */
  readonly series: Record<string, Float64Array>;
}

/**
 * Series: `price` (random walk rounded to cents), `ret` (small daily returns),
 * `volume` (integers ~1e6..1e8), `steps` (coarse values with many ties and
 * constant stretches), `flag` (0/1 with NaN), `wild` (`ret` with some +-inf,
 * as a division by zero upstream would leave).
 */
export function randomPanel(seed: number, T: number, N: number): TestPanel {
  const rand = mulberry32(seed);
  const start = new Int32Array(N), end = new Int32Array(N);
  const names = ['price', 'ret', 'volume', 'steps', 'flag', 'wild'] as const;
  const series = Object.fromEntries(names.map((n) => [n, new Float64Array(N * T).fill(NaN)])) as Record<(typeof names)[number], Float64Array>;
  const universe = new Uint8Array(N * T);
  for (let i = 0; i < N; i++) {
    // first instrument spans the panel; others list late and/or delist early
    start[i] = i === 0 ? 0 : Math.floor(rand() * T * 0.4);
    end[i] = i === 0 || rand() < 0.5 ? T : Math.max(start[i]!, T - Math.floor(rand() * T * 0.3));
    let p = 5 + 100 * rand();
    let gap = 0;
    let level = Math.round(rand() * 4) / 2;
    for (let t = start[i]!; t < end[i]!; t++) {
      const k = i * T + t;
      universe[k] = rand() < 0.7 ? 1 : 0;
      if (gap > 0 || rand() < 0.04) {
        gap = gap > 0 ? gap - 1 : Math.floor(rand() * 8);
        continue;
      }
      const r = (rand() - 0.5) * 0.06;
      p *= 1 + r;
      series.price[k] = Math.round(p * 100) / 100;
      series.ret[k] = r;
      series.volume[k] = Math.round(1e6 + 1e8 * rand() * rand());
      if (rand() < 0.3) level = Math.round(rand() * 4) / 2;
      series.steps[k] = level;
      series.flag[k] = rand() < 0.1 ? NaN : rand() < 0.5 ? 1 : 0;
      const u = rand();
      series.wild[k] = u < 0.03 ? Infinity : u < 0.06 ? -Infinity : r;
    }
  }
  return { ctx: { T, N, start, end, universe }, series };
}
