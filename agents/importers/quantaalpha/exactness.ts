/**
 * How close a translation is to what QuantaAlpha computed, from strongest to
 * weakest. A factor's exactness is the weakest of the rules it used.
 */

export const EXACTNESS = ['exact', 'present', 'full-window'] as const;
export type Exactness = (typeof EXACTNESS)[number];

export const EXACTNESS_MEANING: Readonly<Record<Exactness, string>> = {
  exact: 'equal on every day (given the same data and the same cross-section)',
  present: 'equal wherever ours has a value; on some days where ours is missing QuantaAlpha filled in a value (0, or the day\'s mean)',
  'full-window': "equal once every rolling window is full of present values (and, where a note says so, not flat); may differ in an instrument's first days and next to missing days",
};

export function weakest(a: Exactness, b: Exactness): Exactness {
  return EXACTNESS.indexOf(a) >= EXACTNESS.indexOf(b) ? a : b;
}
