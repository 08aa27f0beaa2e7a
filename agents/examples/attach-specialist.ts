/**
 * A specialist you can attach to a running swarm today:
 *
 *   npm run build
 *   npx alphaswarm agent --nats "$(jq -r .nats runs/<run>/run.json)" --run <run> \
 *       --specialist agents/examples/attach-specialist.ts
 *
 * It registers as `example-attached` (level 2, price-volume interplay), takes
 * `specialist.task` work from its queue and answers with proposals. Its
 * propose() is deliberately small and deterministic: it picks, for each theme
 * the task's direction mentions, a qlib-style expression with a window read
 * from the direction ("... over 20 days"). A real specialist would call a
 * model here; leave propose() out to get the swarm's default LLM behaviour.
 */
import type { Proposal, SpecialistTask } from '../specialistDefinition.js';

export const name = 'example-attached';
export const level = 2;
export const guidance =
  'Study how price moves and trading volume interact over days to weeks: volume-confirmed trends, reversals after volume spikes, and volatility regimes.';
export const version = '1.0.0';
export const capabilities = ['momentum', 'reversal', 'volume', 'volatility'];

interface Theme {
  readonly words: readonly string[];
  readonly hypothesis: string;
  readonly expression: (window: number) => string;
}

const THEMES: readonly Theme[] = [
  {
    words: ['momentum', 'trend'],
    hypothesis: 'Stocks that rose over the window on rising volume keep rising: volume confirms the trend.',
    expression: (n) => `Mul($close / Ref($close, ${n}) - 1, Mean($volume, 5) / Mean($volume, ${n}))`,
  },
  {
    words: ['reversal', 'mean reversion', 'overreaction'],
    hypothesis: 'Sharp moves on abnormal volume overshoot and partly revert.',
    expression: (n) => `Mul(-1, Mul($close / Ref($close, 1) - 1, $volume / Mean($volume, ${n})))`,
  },
  {
    words: ['volatility', 'risk'],
    hypothesis: 'Low recent volatility relative to its own history precedes better risk-adjusted returns.',
    expression: (n) => `Mul(-1, Std($close / Ref($close, 1) - 1, ${n}) / Mean(Std($close / Ref($close, 1) - 1, ${n}), ${n * 3}))`,
  },
  {
    words: ['volume', 'liquidity'],
    hypothesis: 'Price-volume correlation measures how informed trading is; high correlation signals continuation.',
    expression: (n) => `Corr($close, Log($volume + 1), ${n})`,
  },
];

const DEFAULT_WINDOW = 20;

export async function propose(task: SpecialistTask): Promise<Proposal[]> {
  const direction = task.direction.toLowerCase();
  const window = Number(/(\d{1,3})\s*(?:-\s*)?(?:day|d\b)/.exec(direction)?.[1] ?? DEFAULT_WINDOW);
  const n = window >= 2 && window <= 250 ? window : DEFAULT_WINDOW;
  const themes = THEMES.filter((t) => t.words.some((w) => direction.includes(w)));
  return (themes.length > 0 ? themes : THEMES.slice(0, 1)).map((t) => ({ hypothesis: t.hypothesis, expression: t.expression(n) }));
}
