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
 */
import { DEFAULT_MIN_NAMES, pearson, type UniverseIndex } from '../../evaluator/metrics/index.js';

export class ValidSlice {
  private readonly x: Float64Array;
  private readonly y: Float64Array;

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
    const out = new Float64Array(others.length);
    others.forEach((b, j) => {
      let sum = 0;
      let days = 0;
      for (let d = 0; d < range.end - range.start; d++) {
        let m = 0;
        for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) {
          const u = a[s]!;
          const v = b[s]!;
          if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
          x[m] = u;
          y[m++] = v;
        }
        if (m < minNames) continue;
        const r = pearson(x, y, m);
        if (Number.isFinite(r)) {
          sum += r;
          days++;
        }
      }
      out[j] = days > 0 ? sum / days : NaN;
    });
    return out;
  }

  /** Bytes one compact series takes. */
  get bytes(): number {
    return this.valid.instrument.length * 8;
  }
}
