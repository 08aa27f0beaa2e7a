/**
 * A short window's finite values kept sorted in a Float64Array. Each day the
 * leaving value's slot is found by binary search and the values between it
 * and the arriving value's place slide by one (an insertion-sort step), so
 * no separate search for the arriving value and no copyWithin call (whose
 * overhead dominates for the few values moved). O(log N + moved) per day;
 * long and expanding windows use ValueIndex instead.
 *
 * Equal values stay in arrival order (an arriving value goes after its
 * equals), so the value leaving, the oldest, is the first of its equals,
 * where the binary search lands: the window holds exactly its days' values,
 * -0 and 0 included.
 */
export class SortedWindow {
  readonly values: Float64Array;
  /** Number of values held. */
  n = 0;
  /** Slot of the value inserted by the last slide, or -1 if it inserted none. */
  at = -1;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity + 1);
  }

  /** Removes `leaving` if finite (it must be held) and inserts `arriving` if finite. */
  slide(leaving: number, arriving: number): void {
    const s = this.values;
    const n = this.n;
    const out = Number.isFinite(leaving);
    const inn = Number.isFinite(arriving);
    if (out) {
      let i = 0, b = n;
      while (i < b) {
        const mid = (i + b) >>> 1;
        if (s[mid]! < leaving) i = mid + 1;
        else b = mid;
      }
      if (inn) {
        if (arriving >= leaving) {
          for (; i + 1 < n && s[i + 1]! <= arriving; i++) s[i] = s[i + 1]!;
        } else {
          for (; i > 0 && s[i - 1]! > arriving; i--) s[i] = s[i - 1]!;
        }
        s[i] = arriving;
        this.at = i;
        return;
      }
      for (; i < n - 1; i++) s[i] = s[i + 1]!;
      this.n = n - 1;
      this.at = -1;
    } else if (inn) {
      let i = n;
      for (; i > 0 && s[i - 1]! > arriving; i--) s[i] = s[i - 1]!;
      s[i] = arriving;
      this.n = n + 1;
      this.at = i;
    } else {
      this.at = -1;
    }
  }

  /** Number of held values < v plus number <= v, for the value just inserted (at >= 0): scans its ties only. */
  lessPlusLessEqualAtInserted(): number {
    const s = this.values, v = s[this.at]!;
    let a = this.at, b = this.at;
    while (a > 0 && s[a - 1] === v) a--;
    while (b + 1 < this.n && s[b + 1] === v) b++;
    return a + b + 1;
  }
}
