/** Filling a family's templates: window slots by time scale, macros, building blocks, and the texts. */
import type { Rng } from '../random.js';
import type { TimeScale } from './types.js';

/** Common pieces, written once (expanded as parenthesised text). */
export const MACROS: Readonly<Record<string, string>> = {
  r: '($close/Ref($close,1)-1)',
  absr: 'Abs($close/Ref($close,1)-1)',
  lr: 'Log($close/Ref($close,1))',
  dv: '($close*$volume)',
  hl: '($high-$low)',
  hlr: '(($high-$low)/$close)',
  clv: '((2*$close-$high-$low)/($high-$low+1e-8))',
  body: '($close-$open)',
  ushadow: '($high-Greater($open,$close))',
  lshadow: '(Less($open,$close)-$low)',
  gap: '($open/Ref($close,1)-1)',
  intra: '($close/$open-1)',
  tr: '(Greater($high,Ref($close,1))-Less($low,Ref($close,1)))',
  lv: 'Log($volume+1)',
};

export interface Windows {
  /** Main window. */
  readonly n: number;
  /** Longer window (> n). */
  readonly m: number;
  /** Short window (< n, >= 2). */
  readonly s: number;
}

/** Window ladders per time scale (trading days). */
export const WINDOW_LADDERS: Readonly<Record<TimeScale, { readonly n: readonly number[]; readonly m: readonly number[]; readonly s: readonly number[] }>> = {
  short: { n: [3, 5, 6, 8, 10], m: [10, 15, 20, 30], s: [2, 3] },
  medium: { n: [10, 15, 20, 30], m: [40, 60, 90, 120], s: [3, 5] },
  long: { n: [40, 60, 90, 120], m: [120, 180, 250], s: [5, 10, 20] },
};

export function sampleWindows(rng: Rng, scale: TimeScale, minWindow = 2): Windows {
  const ladder = WINDOW_LADDERS[scale];
  const ns = ladder.n.filter((n) => n >= minWindow);
  const n = rng.pick(ns.length > 0 ? ns : [minWindow]);
  const ms = ladder.m.filter((m) => m > n);
  const m = ms.length > 0 ? rng.pick(ms) : n * 3;
  const ss = ladder.s.filter((s) => s < n);
  const s = ss.length > 0 ? rng.pick(ss) : 2;
  return { n, m, s };
}

/** Blocks for {A} {B} {G}: already rendered expressions. */
export type BlockValues = Partial<Record<'A' | 'B' | 'G', string>>;

/** An expression template with its slots filled. Unknown slots are left as they are (and then fail to compile). */
export function renderExpression(template: string, windows: Windows, blocks: BlockValues = {}): string {
  let text = template;
  // Blocks first: their own text may contain window slots and macros.
  text = text.replace(/\{([ABG])\}/g, (slot, name: 'A' | 'B' | 'G') => (blocks[name] !== undefined ? `(${blocks[name]})` : slot));
  text = text.replace(/\{([a-z]+)\}/g, (slot, name: string) => {
    if (name === 'n' || name === 'm' || name === 's') return String(windows[name]);
    return MACROS[name] ?? slot;
  });
  return text;
}

/** Phrases for {a} {b} {g} in texts. */
export type PhraseValues = Partial<Record<'a' | 'b' | 'g', string>>;

export function renderText(template: string, windows: Windows, phrases: PhraseValues = {}): string {
  let text = template.replace(/\{([abg])\}/g, (slot, name: 'a' | 'b' | 'g') => phrases[name] ?? slot);
  text = text.replace(/\{([nms])\}/g, (_, name: 'n' | 'm' | 's') => String(windows[name]));
  return text;
}
