/**
 * One run of the synthetic price process, day by day:
 *
 *   r[i,d] = b_i * m[d] + s[i,d] * (sum_k beta_k * z_k[i,d-2] + e[i,d])
 *
 * m is a market return with GARCH(1,1) volatility, b_i the instrument's
 * market beta, s[i,d] its own GARCH(1,1) volatility, e standard normal noise,
 * and z_k[i,d-2] the cross-sectional z-score of planted signal k computed on
 * day d-2 from the fields generated so far. So the close-to-close return from
 * d-1 to d, which is qlib's label Ref($close,-2)/Ref($close,-1)-1 seen from
 * day d-2, carries each planted signal with strength beta_k.
 *
 * Randomness is drawn in a fixed order whatever the betas are, so runs with
 * different betas (the calibration) see the same shocks.
 */

import type { PlantedSignalSpec, SignalFields } from './plantedSignals.js';
import { SeededRandom } from './random.js';

/** Everything about the instruments that does not depend on prices, drawn once per seed. */
export interface MarketStructure {
  readonly N: number;
  readonly T: number;
  /** Listing day and the day after delisting. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly marketBeta: Float64Array;
  /** Long-run daily idiosyncratic volatility. */
  readonly idioVol: Float64Array;
  readonly firstPrice: Float64Array;
  /** Shares outstanding, for market capitalisation. */
  readonly shares: Float64Array;
  /** Mean log volume. */
  readonly volumeLevel: Float64Array;
  /** N*T, 1 = suspended that day (every field NaN). */
  readonly suspended: Uint8Array;
}

export interface MarketFields extends SignalFields {
  readonly factor: Float64Array;
  readonly change: Float64Array;
}

export interface PlantedRun {
  readonly spec: PlantedSignalSpec;
  readonly beta: number;
  /** Output, N*T: the signal's value as the engine computes it. */
  readonly values: Float64Array;
}

const MARKET = { drift: 0.0003, vol: 0.011, arch: 0.08, garch: 0.9 };
const IDIO = { arch: 0.06, garch: 0.92 };
/** Share of a day's return that already shows in the open. */
const OVERNIGHT_SHARE = 0.3;
const VOLUME = { persistence: 0.85, noise: 0.35, shockLoading: 0.35 };
/** z-scores are clipped so one outlier signal value cannot make an absurd return. */
const Z_CLIP = 3;

export function drawStructure(seed: number, N: number, T: number): MarketStructure {
  const rng = new SeededRandom(seed, 1);
  const start = new Int32Array(N);
  const end = new Int32Array(N);
  const marketBeta = new Float64Array(N);
  const idioVol = new Float64Array(N);
  const firstPrice = new Float64Array(N);
  const shares = new Float64Array(N);
  const volumeLevel = new Float64Array(N);
  const suspended = new Uint8Array(N * T);
  const minLife = Math.min(120, Math.floor(T / 2));
  for (let i = 0; i < N; i++) {
    // About 15% list after the first day, about 10% delist before the last one.
    start[i] = rng.uniform() < 0.15 ? Math.floor(rng.between(1, T * 0.6)) : 0;
    const lastPossibleEnd = T - start[i]! > minLife ? Math.floor(rng.between(start[i]! + minLife, T)) : T;
    end[i] = rng.uniform() < 0.1 ? lastPossibleEnd : T;
    marketBeta[i] = Math.min(2, Math.max(0.3, 1 + 0.3 * rng.normal()));
    idioVol[i] = rng.between(0.012, 0.03);
    firstPrice[i] = Math.exp(3 + 0.8 * rng.normal());
    shares[i] = Math.exp(20 + rng.normal());
    volumeLevel[i] = 14 + rng.normal();
    // Suspensions: rare starts, runs of one day to a few weeks.
    for (let d = start[i]!; d < end[i]!; ) {
      if (rng.uniform() < 0.002) {
        const length = Math.min(40, 1 + Math.floor(-4 * Math.log(1 - rng.uniform())));
        suspended.fill(1, i * T + d, i * T + Math.min(end[i]!, d + length));
        d += length;
      } else d++;
    }
  }
  return { N, T, start, end, marketBeta, idioVol, firstPrice, shares, volumeLevel, suspended };
}

/** Runs the price process, writing every field (NaN outside ranges and on suspended days) and each planted signal's values. */
export function simulate(structure: MarketStructure, seed: number, fields: MarketFields, planted: readonly PlantedRun[]): void {
  const { N, T, start, end, marketBeta, idioVol, firstPrice, volumeLevel, suspended } = structure;
  for (const f of Object.values(fields)) f.fill(NaN);
  for (const p of planted) p.values.fill(NaN);
  const rng = new SeededRandom(seed, 2);

  const variance = new Float64Array(N);
  const idioShock = new Float64Array(N);
  const latentClose = new Float64Array(N);
  const lastClose = new Float64Array(N).fill(NaN);
  const volumeState = new Float64Array(N);
  // z-scores of the last three days, per signal: day d reads day d-2.
  const zRing = planted.map(() => new Float64Array(3 * N).fill(NaN));

  let marketVariance = MARKET.vol ** 2;
  let marketShock = 0;
  for (let d = 0; d < T; d++) {
    marketVariance = (1 - MARKET.arch - MARKET.garch) * MARKET.vol ** 2 + MARKET.arch * marketShock ** 2 + MARKET.garch * marketVariance;
    marketShock = Math.sqrt(marketVariance) * rng.normal();
    const market = MARKET.drift + marketShock;
    const zPast = (d + 1) % 3; // the ring slot of day d-2

    for (let i = 0; i < N; i++) {
      const eReturn = rng.normal();
      const eOpen = rng.normal();
      const eHigh = rng.normal();
      const eLow = rng.normal();
      const eVolume = rng.normal();
      if (d < start[i]! || d >= end[i]!) continue;
      const longRun = idioVol[i]! ** 2;
      if (d === start[i]) {
        variance[i] = longRun;
        latentClose[i] = firstPrice[i]!;
      } else {
        variance[i] = (1 - IDIO.arch - IDIO.garch) * longRun + IDIO.arch * idioShock[i]! ** 2 + IDIO.garch * variance[i]!;
      }
      const vol = Math.sqrt(variance[i]!);
      let tilt = 0;
      for (let s = 0; s < planted.length; s++) {
        const z = zRing[s]![zPast * N + i]!;
        if (!Number.isNaN(z)) tilt += planted[s]!.beta * z;
      }
      idioShock[i] = vol * (tilt + eReturn);
      const ret = Math.max(-0.9, marketBeta[i]! * market + idioShock[i]!);
      const previous = latentClose[i]!;
      latentClose[i] = previous * (1 + ret);
      volumeState[i] = VOLUME.persistence * volumeState[i]! + VOLUME.noise * eVolume;

      const k = i * T + d;
      if (suspended[k]) continue; // the price keeps moving: trading resumes with a gap
      const close = latentClose[i]!;
      const open = previous * Math.max(0.05, 1 + OVERNIGHT_SHARE * ret + 0.25 * vol * eOpen);
      fields.close[k] = close;
      fields.open[k] = open;
      fields.high[k] = Math.max(open, close) * (1 + 0.5 * vol * Math.abs(eHigh));
      fields.low[k] = Math.min(open, close) * Math.max(0.05, 1 - 0.5 * vol * Math.abs(eLow));
      fields.volume[k] = Math.round(
        Math.exp(volumeLevel[i]! + volumeState[i]! + VOLUME.shockLoading * Math.abs(eReturn) + Math.log(vol / idioVol[i]!)),
      );
      fields.factor[k] = 1;
      fields.change[k] = close / lastClose[i]! - 1;
      lastClose[i] = close;
    }

    const zToday = d % 3;
    planted.forEach((p, s) => {
      for (let i = 0; i < N; i++) {
        if (d >= start[i]! && d < end[i]!) p.values[i * T + d] = p.spec.value(fields, i * T, start[i]!, d);
      }
      writeZScores(p.values, T, d, zRing[s]!.subarray(zToday * N, zToday * N + N));
    });
  }
}

/** Cross-sectional z-scores of day d's finite values, clipped to +-Z_CLIP; NaN where the value is missing. */
function writeZScores(values: Float64Array, T: number, d: number, out: Float64Array): void {
  const N = out.length;
  let n = 0;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const v = values[i * T + d]!;
    if (Number.isFinite(v)) {
      n++;
      sum += v;
    }
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < N; i++) {
    const v = values[i * T + d]!;
    if (Number.isFinite(v)) ss += (v - mean) ** 2;
  }
  const sd = Math.sqrt(ss / (n - 1));
  for (let i = 0; i < N; i++) {
    const v = values[i * T + d]!;
    out[i] = n >= 2 && sd > 0 && Number.isFinite(v) ? Math.max(-Z_CLIP, Math.min(Z_CLIP, (v - mean) / sd)) : NaN;
  }
}

/** qlib's default label on day t: close(t+2) / close(t+1) - 1, inside each instrument's range. */
export function nextDayReturnLabel(close: Float64Array, N: number, T: number, start: Int32Array, end: Int32Array): Float64Array {
  const label = new Float64Array(N * T).fill(NaN);
  for (let i = 0; i < N; i++) {
    for (let t = start[i]!; t + 2 < end[i]!; t++) label[i * T + t] = close[i * T + t + 2]! / close[i * T + t + 1]! - 1;
  }
  return label;
}
