/**
 * The signals planted in the synthetic market: factor-language expressions
 * over past data whose predictive strength is known.
 *
 * Each `value` computes its expression for one instrument and day exactly as
 * the engine does (qlib semantics: per instrument over its own dates, rolling
 * windows with min_periods=1, NaN skipped inside windows, NaN in arithmetic
 * propagating), reading only that day and earlier ones.
 */

export type PlantedSignalName = 'reversal5' | 'volumeSurge20' | 'intradayRange' | 'priceVolumeCorr10' | 'intradayReturn';

/** The fields a signal reads, N*T instrument-major like a Panel's. */
export interface SignalFields {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export interface PlantedSignalSpec {
  readonly name: PlantedSignalName;
  /** The expression in the factor language, exactly what `value` computes. */
  readonly expression: string;
  readonly defaultTargetRankIc: number;
  /**
   * The expression's value for the instrument whose row starts at `base`
   * (= i*T), on day t, given the first day `first` of its own range.
   */
  readonly value: (fields: SignalFields, base: number, first: number, t: number) => number;
}

export const PLANTED_SIGNALS: readonly PlantedSignalSpec[] = [
  {
    name: 'reversal5',
    expression: '-($close/Ref($close,5)-1)',
    defaultTargetRankIc: 0.05,
    value: ({ close }, base, first, t) => (t - 5 < first ? NaN : -(close[base + t]! / close[base + t - 5]! - 1)),
  },
  {
    name: 'volumeSurge20',
    expression: '$volume/Mean($volume,20)',
    defaultTargetRankIc: -0.03,
    value: ({ volume }, base, first, t) => volume[base + t]! / windowMean(volume, base + Math.max(first, t - 19), base + t + 1),
  },
  {
    name: 'intradayRange',
    expression: '($high-$low)/$open',
    defaultTargetRankIc: -0.04,
    value: ({ high, low, open }, base, _first, t) => (high[base + t]! - low[base + t]!) / open[base + t]!,
  },
  {
    name: 'priceVolumeCorr10',
    expression: 'Corr($close,$volume,10)',
    defaultTargetRankIc: -0.03,
    value: ({ close, volume }, base, first, t) => rollingCorr(close, volume, base + Math.max(first, t - 9), base + t + 1),
  },
  {
    // Unlike the others this signal has no day-to-day persistence, so it only shows if the
    // planting uses exactly day t's value: a timing mistake cannot be calibrated away. (The
    // planted reversal alone, which shares day t's return, gives it a RankIC near -0.02.)
    name: 'intradayReturn',
    expression: '($close-$open)/$open',
    defaultTargetRankIc: -0.04,
    value: ({ close, open }, base, _first, t) => (close[base + t]! - open[base + t]!) / open[base + t]!,
  },
];

/** Mean of the non-NaN values in [from, to); NaN if there are none (Mean with min_periods=1). */
function windowMean(x: Float64Array, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let k = from; k < to; k++) {
    const v = x[k]!;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? NaN : sum / count;
}

/** Sample standard deviation of the non-NaN values in [from, to); NaN with fewer than two. */
function windowStd(x: Float64Array, from: number, to: number): number {
  const mean = windowMean(x, from, to);
  let ss = 0;
  let count = 0;
  for (let k = from; k < to; k++) {
    const v = x[k]!;
    if (!Number.isNaN(v)) {
      ss += (v - mean) * (v - mean);
      count++;
    }
  }
  return count < 2 ? NaN : Math.sqrt(ss / (count - 1));
}

/**
 * qlib's Corr over [from, to): Pearson correlation over the days where both
 * series are non-NaN (pandas rolling corr), and NaN where either series' own
 * rolling standard deviation is within 2e-5 of zero (qlib's guard).
 */
function rollingCorr(a: Float64Array, b: Float64Array, from: number, to: number): number {
  if (windowStd(a, from, to) <= 2e-5 || windowStd(b, from, to) <= 2e-5) return NaN;
  let n = 0;
  let meanA = 0;
  let meanB = 0;
  for (let k = from; k < to; k++) {
    if (Number.isNaN(a[k]!) || Number.isNaN(b[k]!)) continue;
    n++;
    meanA += a[k]!;
    meanB += b[k]!;
  }
  if (n < 2) return NaN;
  meanA /= n;
  meanB /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = from; k < to; k++) {
    if (Number.isNaN(a[k]!) || Number.isNaN(b[k]!)) continue;
    const da = a[k]! - meanA;
    const db = b[k]! - meanB;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}
