/**
 * Defaults and validation of ScoreOptions, and of the shapes every entry
 * point receives: a bad option or a mis-sized array is a caller's bug and
 * fails loudly instead of producing a plausible number.
 */

import type { DayRange, PanelShape, ScoreOptions } from './types.js';

export interface ResolvedScoreOptions {
  readonly minNames: number;
  readonly quantiles: number;
  /** undefined = the default rule for each series' length. */
  readonly hacLags: number | undefined;
  readonly miBins: number;
}

export const DEFAULT_MIN_NAMES = 10;
export const DEFAULT_QUANTILES = 5;
export const DEFAULT_MI_BINS = 20;

function integerAtLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

export function resolveScoreOptions(options: ScoreOptions = {}): ResolvedScoreOptions {
  return {
    // Two names always correlate at ±1; three is the least that says anything.
    minNames: integerAtLeast('minNames', options.minNames ?? DEFAULT_MIN_NAMES, 3),
    quantiles: integerAtLeast('quantiles', options.quantiles ?? DEFAULT_QUANTILES, 2),
    hacLags: options.hacLags === undefined ? undefined : integerAtLeast('hacLags', options.hacLags, 0),
    miBins: integerAtLeast('miBins', options.miBins ?? DEFAULT_MI_BINS, 2),
  };
}

export function checkShape(shape: PanelShape): void {
  integerAtLeast('N', shape.N, 0);
  integerAtLeast('T', shape.T, 0);
}

export function checkSeries(name: string, series: ArrayLike<number>, shape: PanelShape): void {
  if (series.length !== shape.N * shape.T) {
    throw new RangeError(`${name} has length ${series.length}, expected N*T = ${shape.N}*${shape.T}`);
  }
}

export function checkRange(range: DayRange, shape: PanelShape): void {
  const { start, end } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > shape.T || start > end) {
    throw new RangeError(`day range [${start}, ${end}) is not inside [0, ${shape.T})`);
  }
}
