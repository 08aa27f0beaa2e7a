/**
 * The offline model's domain knowledge, like a model's pretraining: for each
 * specialist, families of economically motivated hypotheses from the
 * literature (Alpha158/Alpha101-style constructions, Amihud, the MAX effect,
 * ...) with hypothesis texts and expression templates. Nothing here was
 * derived from any data set: templates are generic, windows are slots.
 *
 * Template slots, filled by knowledge/templates.ts:
 *   {n} main window, {m} longer window, {s} short window (s < n < m)
 *   {A} {B} {G} building-block signals (composite, creative, gating families)
 *   {r} {absr} {dv} ...  macros for common pieces (see MACROS)
 * Hypothesis texts use the same window slots and {a} {b} {g} for the
 * building blocks' phrases.
 */
import type { MECHANISMS, SIGNAL_SOURCES, TIME_SCALES } from '../../roles.js';

export type Mechanism = (typeof MECHANISMS)[number];
export type SignalSource = (typeof SIGNAL_SOURCES)[number];
export type TimeScale = (typeof TIME_SCALES)[number];

export interface Family {
  /** Unique, kebab-case. */
  readonly id: string;
  /** Bus name of the specialist whose remit it belongs to. */
  readonly specialist: string;
  /** Short title, e.g. 'Amihud illiquidity'. */
  readonly title: string;
  /** CamelCase stem of factor names, e.g. 'AmihudIlliquidity'. */
  readonly stem: string;
  readonly mechanism: Mechanism;
  readonly source: SignalSource;
  /** Time scales the idea lives at; the first is its natural one. */
  readonly scales: readonly TimeScale[];
  /** Lower-case phrases that identify the idea in text (the builder and mutation match hypotheses by them). */
  readonly keywords: readonly string[];
  /** Hypothesis texts. */
  readonly hypotheses: readonly string[];
  /** Why it should predict returns, in a sentence. */
  readonly rationale: string;
  /** Expression templates. */
  readonly expressions: readonly string[];
  /** Smallest main window the templates accept (e.g. 4 for Kurt). */
  readonly minWindow?: number;
  /**
   * Building blocks the templates take ({A} {B} signals, {G} a gate state):
   * the ids allowed in each slot; an empty list means any.
   */
  readonly blocks?: Partial<Record<BlockSlot, readonly string[]>>;
}

export type BlockSlot = 'A' | 'B' | 'G';

/** A building block: one core signal, used by fusion, transformation and gating families and by the builder's grammar. */
export interface Signal {
  readonly id: string;
  /** Noun phrase for texts, with window slots, e.g. 'the {n}-day return'. */
  readonly phrase: string;
  readonly keywords: readonly string[];
  readonly expression: string;
  readonly mechanism: Mechanism;
  readonly source: SignalSource;
  readonly minWindow?: number;
}

/** A state variable a gate reads (regime gating). */
export interface GateState {
  readonly id: string;
  readonly phrase: string;
  readonly keywords: readonly string[];
  readonly expression: string;
}
