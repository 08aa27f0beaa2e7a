/**
 * "Did you mean" for unknown operator and field names. LLMs write other
 * languages' spellings (`MEAN(`, `ts_mean(`, `RANK(`, `DELAY(`, `$Close`), so
 * matching tries the near-certain readings first: the same name ignoring
 * case and underscores, its cross-sectional `CS` form, the name without a
 * `ts_` prefix, well-known names from other alpha languages; only when none
 * applies, registry names within a small edit distance (`Meen`).
 */

import { OPERATORS } from './registry.js';

/** Spellings from WorldQuant Alpha101, QuantaAlpha and AlphaAgent for the same computation (keys normalised). */
const OPERATOR_ALIASES: Readonly<Record<string, string>> = {
  delay: 'Ref',
  tsdelay: 'Ref',
  shift: 'Ref',
  pow: 'Power',
  signedpower: 'Power',
  zscore: 'CSZScore',
  median: 'Med',
  tsmedian: 'Med',
  decaylinear: 'WMA',
  tsdecaylinear: 'WMA',
  regbeta: 'Slope',
  regresi: 'Resi',
  rsquared: 'Rsquare',
  tsrsquared: 'Rsquare',
  tsr2: 'Rsquare',
  argmax: 'IdxMax',
  tsargmax: 'IdxMax',
  argmin: 'IdxMin',
  tsargmin: 'IdxMin',
  covariance: 'Cov',
  tscovariance: 'Cov',
  correlation: 'Corr',
  tscorrelation: 'Corr',
  stddev: 'Std',
  tsstddev: 'Std',
  variance: 'Var',
  max: 'Greater', // element-wise MAX(a, b) in those languages; the rolling one is Max
  min: 'Less',
  where: 'If',
};

function normalise(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of
 * adjacent letters (optimal string alignment), abandoning once it exceeds `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, beforePrevious[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** Edit distances worth suggesting: 1 for short names, about a third of the name for long ones. */
function closeEnough(name: string): number {
  return Math.max(1, Math.floor(name.length / 3));
}

function nearest(key: string, candidates: readonly string[]): string[] {
  const limit = closeEnough(key);
  return candidates
    .map((c) => ({ c, d: editDistance(key, normalise(c), limit) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d)
    .map((x) => x.c);
}

/** Registry operators the writer of `name` probably meant, most likely first (at most 3). */
export function suggestOperators(name: string): string[] {
  const names = [...OPERATORS.keys()];
  const byKey = new Map(names.map((n) => [normalise(n), n]));
  const key = normalise(name);
  const unprefixed = key.startsWith('ts') ? key.slice(2) : undefined;
  const certain = [byKey.get(key), byKey.get(`cs${key}`), unprefixed ? byKey.get(unprefixed) : undefined, OPERATOR_ALIASES[key]];
  const found = certain.some((n) => n !== undefined) ? certain : [...nearest(key, names), ...(unprefixed ? nearest(unprefixed, names) : [])];
  return [...new Set(found.filter((n): n is string => n !== undefined && n !== name))].slice(0, 3);
}

/** Available fields the writer of `$name` probably meant (at most 3). */
export function suggestFields(name: string, available: Iterable<string>): string[] {
  return nearest(normalise(name), [...available]).slice(0, 3);
}

/** `(did you mean 'A' or 'B'?)`, or '' without candidates. */
export function didYouMean(candidates: readonly string[], prefix = ''): string {
  if (candidates.length === 0) return '';
  const quoted = candidates.map((c) => `'${prefix}${c}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
