/**
 * A factor's values on the valid period only, compact: one value per
 * (day, member) slot of the valid period's universe index, day by day. The
 * evaluator keeps library factors (and recent candidates) this way for
 * output-correlation checks: a few hundred KB each instead of the N*T panel.
 *
 * Their correlation is R&D-Agent(Q)'s redundancy measure as
 * evaluator/metrics/redundancy.ts computes it, Pearson only (Spearman's
 * per-pair ranking is most of that function's cost, and redundancy here is
 * judged on Pearson): each day, the Pearson correlation over the members
 * where both factors are finite, if there are at least minNames of them;
 * then the mean over the days that gave one.
 *
 * Each series' per-day Pearson terms (mean, sum of squared deviations) are
 * computed once and kept with it (WeakMap), so a pair's day where both are
 * finite on every member costs one pass of products; other days gather the
 * common members and take pearson as before. The values are the same
 * doubles either way: the same sums in the same order. (So a series must
 * not change once correlated: slices are made fresh and never written.)
 */
import { DEFAULT_MIN_NAMES, pearson, type UniverseIndex } from '../../evaluator/metrics/index.js';

/** A series' Pearson terms per day of the valid period; `usable[d]` = 0 sends the day to the general path. */
interface DayTerms {
  readonly mean: Float64Array;
  readonly squares: Float64Array;
  /** 1 when every member is finite, the values are not all equal, and pearson would not rescale them. */
  readonly usable: Uint8Array;
}

export class ValidSlice {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly terms = new WeakMap<Float64Array, DayTerms>();

  constructor(
    private readonly valid: UniverseIndex,
    private readonly minNames: number = DEFAULT_MIN_NAMES,
  ) {
    this.x = new Float64Array(valid.maxMembers);
    this.y = new Float64Array(valid.maxMembers);
  }

  /** The valid-period member values of a full N*T series. */
  slice(full: Float64Array): Float64Array {
    const { T, range, dayStart, instrument } = this.valid;
    const out = new Float64Array(instrument.length);
    for (let d = 0; d < range.end - range.start; d++) {
      const t = range.start + d;
      for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) out[s] = full[instrument[s]! * T + t]!;
    }
    return out;
  }

  /** Mean daily Pearson correlation of `a` with each of `others` (NaN when no day had minNames common members). */
  correlations(a: Float64Array, others: readonly Float64Array[]): Float64Array {
    const { range, dayStart } = this.valid;
    const { x, y, minNames } = this;
    const days = range.end - range.start;
    const ta = this.termsOf(a);
    const out = new Float64Array(others.length);
    others.forEach((b, j) => {
      const tb = this.termsOf(b);
      let sum = 0;
      let count = 0;
      for (let d = 0; d < days; d++) {
        const first = dayStart[d]!;
        const last = dayStart[d + 1]!;
        let r: number;
        if (ta.usable[d]! & tb.usable[d]!) {
          // pearson's second pass over every member, its first pass being the prepared terms
          const ma = ta.mean[d]!;
          const mb = tb.mean[d]!;
          let sxy = 0;
          for (let s = first; s < last; s++) sxy += (a[s]! - ma) * (b[s]! - mb);
          r = sxy / (Math.sqrt(ta.squares[d]!) * Math.sqrt(tb.squares[d]!));
        } else {
          let m = 0;
          for (let s = first; s < last; s++) {
            const u = a[s]!;
            const v = b[s]!;
            if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
            x[m] = u;
            y[m++] = v;
          }
          if (m < minNames) continue;
          r = pearson(x, y, m);
        }
        if (Number.isFinite(r)) {
          sum += r;
          count++;
        }
      }
      out[j] = count > 0 ? sum / count : NaN;
    });
    return out;
  }

  /** `series`' Pearson terms per day, computed on first use (correlation.ts's arithmetic, in its order). */
  private termsOf(series: Float64Array): DayTerms {
    const known = this.terms.get(series);
    if (known) return known;
    const { range, dayStart } = this.valid;
    const days = range.end - range.start;
    const terms: DayTerms = { mean: new Float64Array(days), squares: new Float64Array(days), usable: new Uint8Array(days) };
    for (let d = 0; d < days; d++) {
      const first = dayStart[d]!;
      const last = dayStart[d + 1]!;
      const m = last - first;
      if (m < this.minNames) continue;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      let finite = true;
      for (let s = first; s < last; s++) {
        const v = series[s]!;
        if (!Number.isFinite(v)) {
          finite = false;
          break;
        }
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const magnitude = Math.max(-min, max);
      if (!finite || min === max || magnitude > 1e150 || magnitude < 1e-150) continue;
      const mean = sum / m;
      let squares = 0;
      for (let s = first; s < last; s++) squares += (series[s]! - mean) * (series[s]! - mean);
      terms.mean[d] = mean;
      terms.squares[d] = squares;
      terms.usable[d] = 1;
    }
    this.terms.set(series, terms);
    return terms;
  }

  /** Bytes one compact series takes. */
  get bytes(): number {
    return this.valid.instrument.length * 8;
  }
}
