/**
 * Diversified planning (QuantaAlpha) with human directions (AlphaGPT 2.0):
 * every human direction first, verbatim; then archetypes chosen greedily to
 * cover signal sources, time scales and mechanisms not yet in the plan,
 * avoiding directions explored without result and never repeating a
 * (source, scale, mechanism) triple. Seeds are the seed-pool factors whose
 * expressions read what the direction is about.
 */
import type { Direction, RoleInput, RoleReply } from '../../roles.js';
import { factsOf } from '../concepts.js';
import { compileIn, type OfflineEnvironment } from '../environment.js';
import { DIRECTION_ARCHETYPES } from '../knowledge/directions.js';
import type { Mechanism, SignalSource, TimeScale } from '../knowledge/index.js';
import type { Rng } from '../random.js';

type Input = RoleInput<'planner'>;

const SCALE_WORDS: Readonly<Record<TimeScale, string>> = { short: 'over days', medium: 'over weeks', long: 'over months' };

function sourceOf(text: string): SignalSource {
  const volume = /volume|turnover|liquidity|trading activity|illiquid/.test(text);
  const price = /price|return|momentum|reversal|trend|drawdown/.test(text);
  if (/combin|composite|fusion|mixed/.test(text)) return 'mixed';
  if (volume && price) return 'price-volume';
  if (volume) return 'volume';
  if (/range|high-low|candle|shadow|intraday/.test(text)) return 'range';
  if (/volatil|risk|tail|skew/.test(text)) return 'volatility';
  return 'price';
}

function scaleOf(text: string): TimeScale {
  const days = [...text.matchAll(/(\d{1,3})[- ]?(?:trading )?days?/g)].map((m) => Number(m[1]));
  if (days.length > 0) return days[0]! <= 10 ? 'short' : days[0]! <= 60 ? 'medium' : 'long';
  if (/short|daily|days|week|overnight|intraday/.test(text)) return 'short';
  if (/long|month|year|cycle/.test(text)) return 'long';
  return 'medium';
}

function mechanismOf(text: string): Mechanism {
  if (/revers|revert|overreact|mean-revert|correction/.test(text)) return 'reversion';
  if (/momentum|trend|continu|persist/.test(text)) return 'momentum';
  if (/regime|state|gate|condition/.test(text)) return 'regime';
  if (/liquid|turnover|amihud|impact/.test(text)) return 'liquidity';
  if (/volatil|risk|tail|skew|lottery/.test(text)) return 'volatility';
  if (/order|imbalance|microstructure|spread|overnight|candle|shadow|intraday/.test(text)) return 'microstructure';
  return 'other';
}

interface SeedProfile {
  readonly name: string;
  readonly source: SignalSource;
  readonly mechanism: Mechanism;
  readonly strength: number;
}

function profileSeeds(input: Input, env: OfflineEnvironment): SeedProfile[] {
  return input.seedPool.flatMap((seed) => {
    const compiled = compileIn(env, seed.expression);
    if (!compiled.ok) return [];
    const { fields, operators } = factsOf(compiled.ast);
    const has = (op: string) => operators.has(op);
    const source: SignalSource = fields.has('volume')
      ? fields.has('close') || fields.has('open')
        ? 'price-volume'
        : 'volume'
      : fields.has('high') || fields.has('low')
        ? 'range'
        : has('Std') || has('Var')
          ? 'volatility'
          : 'price';
    const mechanism: Mechanism = has('Corr') || has('Cov') ? 'microstructure' : has('Resi') ? 'reversion' : has('Rsquare') || has('Slope') ? 'momentum' : has('Std') ? 'volatility' : has('Ref') ? 'momentum' : 'microstructure';
    return [{ name: seed.name, source, mechanism, strength: Math.abs(seed.validRankIc ?? 0) }];
  });
}

function seedsFor(source: SignalSource, mechanism: Mechanism, seeds: readonly SeedProfile[]): string[] {
  return seeds
    .map((s) => ({ s, score: (s.source === source ? 2 : source === 'mixed' ? 0.5 : 0) + (s.mechanism === mechanism ? 1 : 0) + s.strength * 10 }))
    .filter((x) => x.score >= 1)
    .sort((a, b) => b.score - a.score || a.s.name.localeCompare(b.s.name))
    .slice(0, 3)
    .map((x) => x.s.name);
}

export function answerPlanner(input: Input, rng: Rng, env: OfflineEnvironment): RoleReply<'planner'> {
  const seeds = profileSeeds(input, env);
  const directions: Direction[] = [];
  const triples = new Set<string>();
  const triple = (d: Pick<Direction, 'signalSource' | 'timeScale' | 'mechanism'>) => `${d.signalSource}/${d.timeScale}/${d.mechanism}`;

  for (const human of input.humanDirections.slice(0, input.count)) {
    const lower = human.toLowerCase();
    const direction: Direction = {
      title: human.slice(0, 200),
      signalSource: sourceOf(lower),
      timeScale: scaleOf(lower),
      mechanism: mechanismOf(lower),
      rationale: `Human research direction (verbatim): ${human}`,
      seeds: [],
    };
    directions.push({ ...direction, seeds: seedsFor(direction.signalSource, direction.mechanism, seeds) });
    triples.add(triple(direction));
  }

  const explored = new Map(input.explored.map((e) => [e.title.toLowerCase(), e.accepted]));
  const candidates = DIRECTION_ARCHETYPES.flatMap((a) => a.scales.map((scale) => ({ archetype: a, scale, title: `${a.title} ${SCALE_WORDS[scale]}` })));
  const remaining = rng.shuffle(candidates).filter((c) => explored.get(c.title.toLowerCase()) !== 0);
  while (directions.length < input.count && remaining.length > 0) {
    const sources = new Set(directions.map((d) => d.signalSource));
    const scales = new Set(directions.map((d) => d.timeScale));
    const mechanisms = new Set(directions.map((d) => d.mechanism));
    const scored = remaining.map((c, index) => {
      const key = `${c.archetype.source}/${c.scale}/${c.archetype.mechanism}`;
      const accepted = explored.get(c.title.toLowerCase());
      const score =
        (triples.has(key) ? -100 : 0) +
        (sources.has(c.archetype.source) ? 0 : 1) +
        (scales.has(c.scale) ? 0 : 1) +
        (mechanisms.has(c.archetype.mechanism) ? 0 : 1) +
        (accepted === undefined ? 0.5 : Math.min(1, accepted / 5)) +
        rng.uniform() * 0.5;
      return { index, score, key };
    });
    const best = scored.reduce((a, b) => (b.score > a.score ? b : a));
    if (best.score < -50) break;
    const { archetype, scale, title } = remaining.splice(best.index, 1)[0]!;
    triples.add(best.key);
    const accepted = explored.get(title.toLowerCase());
    directions.push({
      title,
      signalSource: archetype.source,
      timeScale: scale,
      mechanism: archetype.mechanism,
      rationale: `${archetype.rationale}${accepted ? ` Explored before with ${accepted} accepted factor(s): extend it.` : ''}`,
      seeds: seedsFor(archetype.source, archetype.mechanism, seeds),
    });
  }
  return { directions };
}
