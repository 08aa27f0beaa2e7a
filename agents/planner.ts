/**
 * The planner (QuantaAlpha's diversified planning, AlphaGPT 2.0's human
 * directions): from the seed pool, the directions already explored and the
 * directions a person set, a list of research directions that vary signal
 * source, time scale and mechanism.
 *
 *   idle --plan.request--> planning --model reply--> answering --> idle
 *                                   \--model failed--^ (deterministic grid, planner.fallback published)
 *
 * Whatever the model answers, the plan is reconciled before it goes out:
 * every human direction is in it (the model's version when it kept the
 * person's words, else one built from them), duplicates and over-represented
 * (source, scale, mechanism) cells are dropped, and the plan is topped up from
 * the deterministic grid to the count asked for.
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import { fail, publish, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { askModel, errorMessage, type ModelAccess } from './modelCall.js';
import { PLANNER, PLANNER_FALLBACK } from './protocol.js';
import { MECHANISMS, SIGNAL_SOURCES, TIME_SCALES, type Direction, type RoleInput, type RoleReply } from './roles.js';
import { Random, seedRandom } from './scheduling/random.js';

export type PlanTask = RoleInput<'planner'>;
export type Plan = RoleReply<'planner'>;

type Source = (typeof SIGNAL_SOURCES)[number];
type Scale = (typeof TIME_SCALES)[number];
type Mechanism = (typeof MECHANISMS)[number];

export const PLANNER_IDENTITY: AgentIdentity = {
  role: 'planner',
  name: PLANNER.queue,
  level: null,
  capabilities: ['diversified-planning', 'human-directions'],
  version: '1.0.0',
};

/** Most directions of a plan sharing one (source, scale, mechanism) cell: a third of the plan, at least one. */
const cellShare = (count: number): number => Math.max(1, Math.ceil(count / 3));

// ---- the deterministic grid ----

const SOURCE_TEXT: Readonly<Record<Source, { name: string; measure: string; fields: readonly string[] }>> = {
  price: { name: 'prices', measure: 'closing prices and returns ($close)', fields: ['close'] },
  volume: { name: 'volume', measure: 'traded volume ($volume) against its own history', fields: ['volume'] },
  'price-volume': { name: 'price-volume interplay', measure: 'how returns and volume move together ($close, $volume)', fields: ['close', 'volume'] },
  range: { name: 'daily ranges', measure: 'the high-low range and where the close sits in it ($high, $low, $close)', fields: ['high', 'low'] },
  volatility: { name: 'volatility', measure: 'the dispersion of daily returns (Std, Skew of $close/Ref($close,1)-1)', fields: ['close'] },
  mixed: { name: 'several sources', measure: 'a combination of price, range and volume signals', fields: [] },
};

const SCALE_TEXT: Readonly<Record<Scale, { name: string; window: number }>> = {
  short: { name: 'Short-term', window: 5 },
  medium: { name: 'Medium-term', window: 20 },
  long: { name: 'Long-term', window: 60 },
};

const MECHANISM_TEXT: Readonly<Record<Mechanism, { name: string; why: string }>> = {
  momentum: { name: 'momentum', why: 'information diffuses slowly, so moves that are under way tend to continue' },
  reversion: { name: 'reversal', why: 'overreaction and liquidity shocks push prices away from fair value, and they come back' },
  regime: { name: 'regime switching', why: 'the same signal predicts differently in calm and in stressed states, so conditioning on the state helps' },
  volatility: { name: 'volatility pricing', why: 'investors misprice risk: low-risk stocks earn more than their risk suggests, lottery-like ones less' },
  liquidity: { name: 'liquidity premia', why: 'stocks that are costly to trade or whose liquidity dries up must offer higher expected returns' },
  microstructure: { name: 'microstructure pressure', why: 'one-sided trading leaves traces in the bar (close location, gaps, volume at extremes) that precede moves' },
  other: { name: 'structural patterns', why: 'persistent statistical regularities in the series carry information about future returns' },
};

interface Cell {
  readonly source: Source;
  readonly scale: Scale;
  readonly mechanism: Mechanism;
}

const cellKey = (c: Cell): string => `${c.source}/${c.scale}/${c.mechanism}`;

function hamming(a: Cell, b: Cell): number {
  return Number(a.source !== b.source) + Number(a.scale !== b.scale) + Number(a.mechanism !== b.mechanism);
}

export function gridTitle(cell: Cell): string {
  return `${SCALE_TEXT[cell.scale].name} ${MECHANISM_TEXT[cell.mechanism].name} in ${SOURCE_TEXT[cell.source].name}`;
}

/** Seed-pool factors that read the fields of a source, strongest first (two at most). */
function seedsFor(source: Source, seedPool: PlanTask['seedPool']): string[] {
  const fields = SOURCE_TEXT[source].fields;
  const reads = (expression: string): boolean => fields.length === 0 || fields.every((f) => expression.toLowerCase().includes(`$${f}`));
  return seedPool
    .filter((s) => reads(s.expression))
    .sort((a, b) => Math.abs(b.validRankIc ?? 0) - Math.abs(a.validRankIc ?? 0) || a.name.localeCompare(b.name))
    .slice(0, 2)
    .map((s) => s.name);
}

function gridDirection(cell: Cell, seedPool: PlanTask['seedPool']): Direction {
  const scale = SCALE_TEXT[cell.scale];
  const mechanism = MECHANISM_TEXT[cell.mechanism];
  return {
    title: gridTitle(cell),
    signalSource: cell.source,
    timeScale: cell.scale,
    mechanism: cell.mechanism,
    rationale: `Look for ${mechanism.name} over about ${scale.window} trading days, measured on ${SOURCE_TEXT[cell.source].measure}: ${mechanism.why}.`,
    seeds: seedsFor(cell.source, seedPool),
  };
}

/**
 * `count` directions spread over the (source, scale, mechanism) grid: each
 * next cell is the one farthest (in differing dimensions) from those already
 * chosen, ties broken by a seeded shuffle; cells of directions explored
 * without a single accepted factor come last.
 */
export function diversifiedGrid(count: number, task: Pick<PlanTask, 'seedPool' | 'explored'>, seed: number, taken: readonly Cell[] = []): Direction[] {
  const random = new Random(seedRandom(seed));
  const barren = new Set(task.explored.filter((e) => e.accepted === 0).map((e) => e.title.toLowerCase()));
  const cells: Cell[] = [];
  for (const source of SIGNAL_SOURCES) for (const scale of TIME_SCALES) for (const mechanism of MECHANISMS) cells.push({ source, scale, mechanism });
  // Fisher-Yates with the seeded generator: the tie-break order.
  for (let i = cells.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [cells[i], cells[j]] = [cells[j]!, cells[i]!];
  }
  const chosen: Cell[] = [...taken];
  const used = new Set(taken.map(cellKey));
  const out: Direction[] = [];
  while (out.length < count) {
    let best: Cell | null = null;
    let bestScore = -Infinity;
    for (const cell of cells) {
      if (used.has(cellKey(cell))) continue;
      const distances = chosen.map((c) => hamming(cell, c));
      const nearest = distances.length > 0 ? Math.min(...distances) : 3;
      const total = distances.reduce((a, b) => a + b, 0);
      const score = (barren.has(gridTitle(cell).toLowerCase()) ? -10 : 0) + nearest * 1000 + total;
      if (score > bestScore) {
        best = cell;
        bestScore = score;
      }
    }
    if (best === null) break;
    used.add(cellKey(best));
    chosen.push(best);
    out.push(gridDirection(best, task.seedPool));
  }
  return out;
}

// ---- human directions ----

const SOURCE_WORDS: readonly (readonly [RegExp, Source])[] = [
  [/(price|return).*(volume|turnover)|(volume|turnover).*(price|return)/, 'price-volume'],
  [/volume|liquid|turnover|amihud/, 'volume'],
  [/range|high|low|intraday|candle|bar\b/, 'range'],
  [/volatil|variance|risk|skew|tail/, 'volatility'],
  [/price|return|close|momentum|trend|revers/, 'price'],
];
const SCALE_WORDS: readonly (readonly [RegExp, Scale])[] = [
  [/short|daily|\bday|week|intraday|overnight/, 'short'],
  [/long|month|quarter|year|annual/, 'long'],
];
const MECHANISM_WORDS: readonly (readonly [RegExp, Mechanism])[] = [
  [/revers|revert|overreact|mean.?rever/, 'reversion'],
  [/momentum|trend|continu|persist/, 'momentum'],
  [/regime|state|condition|gate|switch/, 'regime'],
  [/volatil|risk|lottery/, 'volatility'],
  [/liquid|illiquid|amihud|turnover/, 'liquidity'],
  [/imbalance|microstructure|gap|close location|pressure/, 'microstructure'],
];

function classify<T>(text: string, table: readonly (readonly [RegExp, T])[], otherwise: T): T {
  for (const [pattern, value] of table) if (pattern.test(text)) return value;
  return otherwise;
}

/** A direction from free text, its source, scale and mechanism classified by keywords. */
export function directionFromText(text: string, rationale: string): Direction {
  const lower = text.toLowerCase();
  return {
    title: text.trim().slice(0, 200) || 'Unnamed direction',
    signalSource: classify(lower, SOURCE_WORDS, 'mixed'),
    timeScale: classify(lower, SCALE_WORDS, 'medium'),
    mechanism: classify(lower, MECHANISM_WORDS, 'other'),
    rationale: rationale.slice(0, 2000),
    seeds: [],
  };
}

/** A direction built from a person's words. */
export function humanDirection(text: string): Direction {
  return directionFromText(text, `Research direction set by a person: ${text.trim()}`);
}

const normalise = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').trim();

/** The model's direction keeps the person's words in its title or rationale. */
function covers(direction: Direction, human: string): boolean {
  return normalise(`${direction.title} ${direction.rationale}`).includes(normalise(human));
}

/**
 * The plan that goes out: human directions first (the model's version when it
 * kept their words), then the model's distinct directions with at most
 * cellShare(count) per grid cell, then the grid to fill up to `count`.
 */
export function reconcilePlan(task: PlanTask, proposed: readonly Direction[], seed: number): Direction[] {
  const out: Direction[] = [];
  const titles = new Set<string>();
  const add = (d: Direction): void => {
    titles.add(normalise(d.title));
    out.push(d);
  };
  const modelDirections = [...proposed];
  for (const human of task.humanDirections) {
    const index = modelDirections.findIndex((d) => covers(d, human));
    add(index >= 0 ? modelDirections.splice(index, 1)[0]! : humanDirection(human));
  }
  const total = Math.min(32, Math.max(task.count, out.length));
  const perCell = new Map<string, number>();
  for (const d of out) perCell.set(cellKey(cellOf(d)), (perCell.get(cellKey(cellOf(d))) ?? 0) + 1);
  for (const d of modelDirections) {
    if (out.length >= total) break;
    const key = cellKey(cellOf(d));
    if (titles.has(normalise(d.title)) || (perCell.get(key) ?? 0) >= cellShare(total)) continue;
    perCell.set(key, (perCell.get(key) ?? 0) + 1);
    add(d);
  }
  if (out.length < total) {
    for (const d of diversifiedGrid(total - out.length, task, seed, out.map(cellOf))) if (!titles.has(normalise(d.title))) add(d);
  }
  return out.slice(0, total);
}

function cellOf(d: Direction): Cell {
  return { source: d.signalSource, scale: d.timeScale, mechanism: d.mechanism };
}

// ---- the agent ----

export interface PlannerDeps {
  readonly model: ModelAccess;
  /** The run's seed: fixes the grid's tie-breaking. */
  readonly seed: number;
  readonly log: (line: string) => void;
}

interface PlannerContext {
  task: Envelope<PlanTask> | null;
  plan: Direction[];
}

export function plannerMachine(deps: PlannerDeps) {
  return setup({
    types: { context: {} as PlannerContext, events: {} as BusEvent<PlanTask> },
    actors: {
      askPlanner: fromPromise<Plan, PlanTask>(({ input }) => askModel(deps.model, 'planner', PLANNER.queue, input)),
    },
  }).createMachine({
    id: PLANNER.queue,
    context: { task: null, plan: [] },
    initial: 'idle',
    states: {
      idle: {
        on: { [PLANNER.task]: { target: 'planning', actions: assign({ task: ({ event }) => event.envelope }) } },
      },
      planning: {
        invoke: {
          src: 'askPlanner',
          input: ({ context }) => context.task!.payload,
          onDone: {
            target: 'answering',
            actions: assign({ plan: ({ context, event }) => reconcilePlan(context.task!.payload, event.output.directions, deps.seed) }),
          },
          onError: {
            target: 'answering',
            actions: [
              assign({ plan: ({ context }) => reconcilePlan(context.task!.payload, [], deps.seed) }),
              ({ event }) => deps.log(`alphaswarm: planner falls back to its diversified grid: ${errorMessage(event.error)}`),
              emit(({ context, event }) =>
                publish(PLANNER_FALLBACK, { reason: errorMessage(event.error).slice(0, 1000), directions: context.plan.length }, context.task),
              ),
            ],
          },
        },
      },
      answering: {
        entry: emit(({ context }) =>
          context.plan.length > 0 ? reply(context.task!, PLANNER.reply, { directions: context.plan }) : fail(context.task!, 'the planner produced no directions'),
        ),
        always: { target: 'idle', actions: assign({ task: null, plan: [] }) },
      },
    },
  });
}
