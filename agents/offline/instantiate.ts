/**
 * A family made concrete: windows for a time scale, building blocks for its
 * slots, one expression template and one hypothesis text, compiled to the
 * canonical expression. Returns null when the result does not compile in
 * the environment (e.g. a field the data lacks), so callers try another.
 */
import type { Node } from '../../operators/index.js';
import { compileIn, type OfflineEnvironment } from './environment.js';
import {
  GATE_BY_ID,
  GATE_STATES,
  SIGNAL_BY_ID,
  SIGNALS,
  renderExpression,
  renderText,
  sampleWindows,
  type BlockSlot,
  type Family,
  type GateState,
  type Signal,
  type TimeScale,
  type Windows,
} from './knowledge/index.js';
import type { Rng } from './random.js';

export interface Instance {
  readonly family: Family;
  readonly windows: Windows;
  readonly blocks: Partial<Record<BlockSlot, Signal | GateState>>;
  readonly expression: string;
  readonly ast: Node;
  readonly hypothesis: string;
}

export interface InstantiateOptions {
  /** The time scale asked for (a direction's); used when the family lives at it. */
  readonly scale?: TimeScale | undefined;
  /** Pin the windows (the builder reads them from text). */
  readonly windows?: Windows | undefined;
  /** Pin building blocks (the builder reads them from text). */
  readonly blocks?: Partial<Record<BlockSlot, Signal | GateState>> | undefined;
  /** Pin the expression template. */
  readonly template?: number | undefined;
}

function chooseScale(family: Family, rng: Rng, wanted: TimeScale | undefined): TimeScale {
  if (wanted !== undefined && family.scales.includes(wanted)) return wanted;
  // The natural scale most of the time, the others sometimes.
  return rng.chance(0.6) ? family.scales[0]! : rng.pick(family.scales);
}

function chooseBlocks(family: Family, rng: Rng, pinned: InstantiateOptions['blocks']): Partial<Record<BlockSlot, Signal | GateState>> | null {
  const chosen: Partial<Record<BlockSlot, Signal | GateState>> = { ...(pinned ?? {}) };
  for (const slot of ['G', 'A', 'B'] as const) {
    const allowed = family.blocks?.[slot];
    if (allowed === undefined || chosen[slot] !== undefined) continue;
    if (slot === 'G') {
      const states = allowed.length > 0 ? allowed.map((id) => GATE_BY_ID.get(id)!) : GATE_STATES;
      chosen.G = rng.pick(states);
      continue;
    }
    const pool = allowed.length > 0 ? allowed.map((id) => SIGNAL_BY_ID.get(id)!) : SIGNALS;
    const other = (slot === 'B' ? chosen.A : chosen.B) as Signal | undefined;
    // Partners with a different mechanism: fusion should combine independent ideas.
    const candidates = pool.filter((s) => s !== other && (other === undefined || s.mechanism !== other.mechanism));
    const options = candidates.length > 0 ? candidates : pool.filter((s) => s !== other);
    if (options.length === 0) return null;
    chosen[slot] = rng.pick(options);
  }
  return chosen;
}

function minWindowOf(family: Family, blocks: Partial<Record<BlockSlot, Signal | GateState>>): number {
  const fromBlocks = Object.values(blocks).map((b) => ('minWindow' in b && b.minWindow !== undefined ? b.minWindow : 2));
  return Math.max(family.minWindow ?? 2, ...fromBlocks);
}

export function instantiate(family: Family, rng: Rng, env: OfflineEnvironment, options: InstantiateOptions = {}): Instance | null {
  const blocks = chooseBlocks(family, rng, options.blocks);
  if (blocks === null) return null;
  const windows = options.windows ?? sampleWindows(rng, chooseScale(family, rng, options.scale), minWindowOf(family, blocks));
  const blockText = Object.fromEntries(Object.entries(blocks).map(([slot, block]) => [slot, renderExpression(block.expression, windows)]));
  const phrases = Object.fromEntries(Object.entries(blocks).map(([slot, block]) => [slot.toLowerCase(), renderText(block.phrase, windows)]));
  const template = family.expressions[options.template ?? rng.int(family.expressions.length)] ?? family.expressions[0]!;
  const compiled = compileIn(env, renderExpression(template, windows, blockText));
  if (!compiled.ok) return null;
  const hypothesis = renderText(rng.pick(family.hypotheses), windows, phrases);
  return { family, windows, blocks, expression: compiled.canonical, ast: compiled.ast, hypothesis: capitalise(hypothesis) };
}

export function capitalise(text: string): string {
  return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** A descriptive factor name: the family stem, the blocks, the main window. */
export function factorName(instance: Instance): string {
  const blocks = Object.entries(instance.blocks)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, block]) => block.id.split('-').map(capitalise).join(''));
  return [instance.family.stem, ...blocks, `${instance.windows.n}D`].join('_').slice(0, 120);
}
