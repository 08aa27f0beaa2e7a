/**
 * Reading hypotheses back: which family a text describes, with which
 * windows and building blocks. Texts the offline model wrote itself match
 * their template exactly (windows and block phrases recovered); other texts
 * (a model's, a person's) are matched by the families' keywords and their
 * day counts.
 */
import {
  FAMILIES,
  GATE_STATES,
  SIGNALS,
  WINDOW_LADDERS,
  type BlockSlot,
  type Family,
  type GateState,
  type Signal,
  type TimeScale,
  type Windows,
} from './knowledge/index.js';

export interface FamilyMatch {
  readonly family: Family;
  /** Windows read from the text (missing ones are left to sampling). */
  readonly windows: Partial<Windows>;
  readonly blocks: Partial<Record<BlockSlot, Signal | GateState>>;
  /** How well it matched: Infinity for an exact template match. */
  readonly score: number;
}

/** A text template split into literal parts and slots. */
interface CompiledTemplate {
  /** Literal texts, one more than slots: literal0 slot0 literal1 slot1 ... literalN. */
  readonly literals: readonly string[];
  readonly slots: readonly string[];
}

function compileTemplate(template: string): CompiledTemplate {
  const literals: string[] = [];
  const slots: string[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{([nmsabg])\}/g)) {
    literals.push(template.slice(last, m.index).toLowerCase());
    slots.push(m[1]!);
    last = m.index! + m[0].length;
  }
  literals.push(template.slice(last).toLowerCase());
  return { literals, slots };
}

/**
 * Matches `text` against a template, trying every place a slot could end
 * (a phrase may itself contain the next literal, e.g. "price and volume"):
 * the captures of the first complete match whose captures `accept`.
 */
function matchTemplate(text: string, template: CompiledTemplate, accept: (slot: string, value: string) => boolean): string[] | null {
  const lower = text.toLowerCase();
  if (!lower.startsWith(template.literals[0]!)) return null;
  const captures: string[] = [];
  const visit = (position: number, slot: number): boolean => {
    if (slot === template.slots.length) return position === lower.length;
    const next = template.literals[slot + 1]!;
    const last = slot === template.slots.length - 1;
    for (let end = last ? lower.length - next.length : lower.indexOf(next, position + 1); end > position; end = last ? -1 : lower.indexOf(next, end + 1)) {
      if (last && !lower.endsWith(next)) return false;
      const value = text.slice(position, end);
      if (!accept(template.slots[slot]!, value)) continue;
      captures.push(value);
      if (visit(end + next.length, slot + 1)) return true;
      captures.pop();
    }
    return false;
  };
  return visit(template.literals[0]!.length, 0) ? captures : null;
}

const HYPOTHESIS_TEMPLATES: readonly { family: Family; template: CompiledTemplate }[] = FAMILIES.flatMap((family) =>
  family.hypotheses.map((text) => ({ family, template: compileTemplate(text) })),
);
const SIGNAL_PHRASES = SIGNALS.map((signal) => ({ block: signal as Signal | GateState, template: compileTemplate(signal.phrase) }));
const GATE_PHRASES = GATE_STATES.map((gate) => ({ block: gate as Signal | GateState, template: compileTemplate(gate.phrase) }));

const isDays = (value: string) => /^\d{1,3}$/.test(value);

function windowsFrom(slots: readonly string[], values: readonly string[]): Partial<Windows> {
  const windows: Record<string, number> = {};
  slots.forEach((slot, i) => {
    if (/[nms]/.test(slot)) windows[slot] = Number(values[i]);
  });
  return windows;
}

/** A phrase the offline model wrote for a block, and the windows inside it. */
function readBlock(phrase: string, slot: string): { block: Signal | GateState; windows: Partial<Windows> } | null {
  for (const { block, template } of slot === 'g' ? GATE_PHRASES : SIGNAL_PHRASES) {
    const values = matchTemplate(phrase, template, (s, v) => isDays(v) || !/[nms]/.test(s));
    if (values) return { block, windows: windowsFrom(template.slots, values) };
  }
  return null;
}

/** The text without what the specialist adds around a template (mode notes, formulas). */
function templateCandidates(text: string): string[] {
  const core = text
    .trim()
    .replace(/^From a neighbouring angle \([^)]*\):\s*/, '')
    .replace(/\s*Concretely: `[^`]*`\.$/, '');
  // A creative reparametrisation appends a second template: the first sentences are the base idea.
  const sentences = core.split(/(?<=[.!?])\s+/);
  return [core, ...sentences.slice(1).map((_, i) => sentences.slice(0, i + 1).join(' '))];
}

/** The family template this text was rendered from, if it was. */
export function matchOwnText(text: string): FamilyMatch | null {
  for (const candidate of templateCandidates(text)) {
    const match = matchFamilyTemplate(candidate.trim());
    if (match) return match;
  }
  return null;
}

function matchFamilyTemplate(text: string): FamilyMatch | null {
  const accept = (slot: string, value: string) => (/[nms]/.test(slot) ? isDays(value) : readBlock(value, slot) !== null);
  for (const { family, template } of HYPOTHESIS_TEMPLATES) {
    const values = matchTemplate(text, template, accept);
    if (!values) continue;
    let windows: Partial<Windows> = windowsFrom(template.slots, values);
    const blocks: Partial<Record<BlockSlot, Signal | GateState>> = {};
    template.slots.forEach((slot, i) => {
      if (slot !== 'a' && slot !== 'b' && slot !== 'g') return;
      const read = readBlock(values[i]!, slot)!;
      blocks[slot.toUpperCase() as BlockSlot] = read.block;
      windows = { ...read.windows, ...windows };
    });
    return { family, windows, blocks, score: Infinity };
  }
  return null;
}

/** Day counts mentioned in a text, in order ("20-day", "over 5 days", "60 trading days"). */
export function daysIn(text: string): number[] {
  return [...text.matchAll(/\b(\d{1,3})(?:-| )(?:trading[- ])?days?\b/gi)].map((m) => Number(m[1])).filter((d) => d >= 1 && d <= 500);
}

/** Windows from day counts: the first is the main window, a larger one the long window, a smaller one the short window. */
export function windowsFromDays(days: readonly number[]): Partial<Windows> {
  if (days.length === 0) return {};
  const n = days[0]!;
  const longer = days.filter((d) => d > n);
  const shorter = days.filter((d) => d < n && d >= 2);
  return { n, ...(longer.length > 0 ? { m: Math.max(...longer) } : {}), ...(shorter.length > 0 ? { s: Math.min(...shorter) } : {}) };
}

/** Completes partial windows so that s < n < m, preferring the ladder of the time scale. */
export function completeWindows(partial: Partial<Windows>, scale: TimeScale, minWindow = 2): Windows {
  const ladder = WINDOW_LADDERS[scale];
  const n = Math.max(partial.n ?? ladder.n[Math.floor(ladder.n.length / 2)]!, minWindow, 3);
  const m = partial.m !== undefined && partial.m > n ? partial.m : (ladder.m.find((x) => x > n) ?? Math.min(500, n * 3));
  const s = partial.s !== undefined && partial.s < n ? partial.s : Math.max(2, Math.min(ladder.s[0]!, n - 1));
  return { n, m, s };
}

function keywordScore(family: Family, lower: string): number {
  let score = 0;
  for (const keyword of family.keywords) if (lower.includes(keyword)) score += 1 + keyword.length / 20;
  if (lower.includes(family.title.toLowerCase())) score += 2;
  return score;
}

/** Families a free text talks about, best first (keyword evidence only). */
export function matchFamilies(text: string, preferSpecialist?: string): FamilyMatch[] {
  const lower = text.toLowerCase();
  const windows = windowsFromDays(daysIn(text));
  return FAMILIES.map((family) => ({ family, windows, blocks: {}, score: keywordScore(family, lower) + (family.specialist === preferSpecialist ? 0.5 : 0) }))
    .filter((m) => m.score >= 1)
    .sort((a, b) => b.score - a.score);
}

/** Building blocks a free text mentions, in order of first mention. */
export function signalsIn(text: string): Signal[] {
  const lower = text.toLowerCase();
  const found: { signal: Signal; at: number }[] = [];
  for (const signal of SIGNALS) {
    const positions = signal.keywords.map((k) => lower.indexOf(k)).filter((i) => i >= 0);
    if (positions.length > 0) found.push({ signal, at: Math.min(...positions) });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.signal);
}

export function gateIn(text: string): GateState | undefined {
  const lower = text.toLowerCase();
  return GATE_STATES.find((g) => g.keywords.some((k) => lower.includes(k)));
}
