/**
 * An order-statistic multiset of numbers: a treap in typed arrays whose nodes
 * carry subtree sizes and sums. Insert, remove, rank, k-th value and
 * "sum of values above m" are O(log n) expected.
 *
 * Subtree sums are recomputed from the children on every change, never
 * updated by adding and subtracting, so no rounding residue survives a
 * removal. Priorities come from a fixed-seed generator, so the tree's shape
 * (hence every rounding) depends only on the operations so far.
 */

export class OrderTree {
  private readonly key: Float64Array;
  private readonly sum: Float64Array;
  private readonly prio: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly size: Int32Array;
  private readonly free: Int32Array;
  private freeTop = 0;
  private root = 0; // node 0 is the empty tree (size 0, sum 0)
  private seed = 0x9e3779b9 | 0;
  private splitLeft = 0;
  private splitRight = 0;
  /** Count found by the last sumAbove/sumBelow call. */
  lastCount = 0;

  constructor(readonly capacity: number) {
    const n = capacity + 1;
    this.key = new Float64Array(n);
    this.sum = new Float64Array(n);
    this.prio = new Int32Array(n);
    this.left = new Int32Array(n);
    this.right = new Int32Array(n);
    this.size = new Int32Array(n);
    this.free = new Int32Array(n);
    this.clear();
  }

  /** Empties the tree and restarts the priority sequence. */
  clear(): void {
    this.root = 0;
    this.seed = 0x9e3779b9 | 0;
    this.freeTop = 0;
    for (let node = this.capacity; node >= 1; node--) this.free[this.freeTop++] = node;
  }

  get count(): number {
    return this.size[this.root]!;
  }

  get total(): number {
    return this.sum[this.root]!;
  }

  insert(v: number): void {
    if (this.freeTop === 0) throw new RangeError('OrderTree: capacity exceeded');
    const node = this.free[--this.freeTop]!;
    let s = this.seed; // xorshift32
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    this.seed = s;
    this.key[node] = v;
    this.prio[node] = s;
    this.left[node] = 0;
    this.right[node] = 0;
    this.size[node] = 1;
    this.sum[node] = v;
    this.root = this.insertAt(this.root, node);
  }

  /** Removes one value equal to v; v must be present. */
  remove(v: number): void {
    this.root = this.removeAt(this.root, v);
  }

  /** Number of values < v. */
  countLess(v: number): number {
    const { key, left, right, size } = this;
    let t = this.root, c = 0;
    while (t !== 0) {
      if (key[t]! < v) { c += size[left[t]!]! + 1; t = right[t]!; }
      else t = left[t]!;
    }
    return c;
  }

  /** Number of values <= v. */
  countLessEqual(v: number): number {
    const { key, left, right, size } = this;
    let t = this.root, c = 0;
    while (t !== 0) {
      if (key[t]! <= v) { c += size[left[t]!]! + 1; t = right[t]!; }
      else t = left[t]!;
    }
    return c;
  }

  /** The k-th smallest value, k = 0 .. count-1. */
  kth(k: number): number {
    const { key, left, right, size } = this;
    let t = this.root;
    for (;;) {
      const ls = size[left[t]!]!;
      if (k < ls) t = left[t]!;
      else if (k === ls) return key[t]!;
      else { k -= ls + 1; t = right[t]!; }
    }
  }

  /** Sum of the values > m; their number is left in lastCount. */
  sumAbove(m: number): number {
    const { key, left, right, size, sum } = this;
    let t = this.root, s = 0, c = 0;
    while (t !== 0) {
      if (key[t]! > m) { s += key[t]! + sum[right[t]!]!; c += 1 + size[right[t]!]!; t = left[t]!; }
      else t = right[t]!;
    }
    this.lastCount = c;
    return s;
  }

  /** Sum of the values < m; their number is left in lastCount. */
  sumBelow(m: number): number {
    const { key, left, right, size, sum } = this;
    let t = this.root, s = 0, c = 0;
    while (t !== 0) {
      if (key[t]! < m) { s += key[t]! + sum[left[t]!]!; c += 1 + size[left[t]!]!; t = right[t]!; }
      else t = left[t]!;
    }
    this.lastCount = c;
    return s;
  }

  private pull(t: number): void {
    const l = this.left[t]!, r = this.right[t]!;
    this.size[t] = this.size[l]! + this.size[r]! + 1;
    this.sum[t] = this.sum[l]! + this.key[t]! + this.sum[r]!;
  }

  private insertAt(t: number, node: number): number {
    if (t === 0) return node;
    if (this.prio[node]! > this.prio[t]!) {
      this.split(t, this.key[node]!);
      this.left[node] = this.splitLeft;
      this.right[node] = this.splitRight;
      this.pull(node);
      return node;
    }
    if (this.key[node]! < this.key[t]!) this.left[t] = this.insertAt(this.left[t]!, node);
    else this.right[t] = this.insertAt(this.right[t]!, node);
    this.pull(t);
    return t;
  }

  /** Splits t into values < v (splitLeft) and >= v (splitRight). */
  private split(t: number, v: number): void {
    if (t === 0) { this.splitLeft = 0; this.splitRight = 0; return; }
    if (this.key[t]! < v) {
      this.split(this.right[t]!, v);
      this.right[t] = this.splitLeft;
      this.pull(t);
      this.splitLeft = t;
    } else {
      this.split(this.left[t]!, v);
      this.left[t] = this.splitRight;
      this.pull(t);
      this.splitRight = t;
    }
  }

  private merge(a: number, b: number): number {
    if (a === 0) return b;
    if (b === 0) return a;
    if (this.prio[a]! > this.prio[b]!) {
      this.right[a] = this.merge(this.right[a]!, b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]!);
    this.pull(b);
    return b;
  }

  private removeAt(t: number, v: number): number {
    if (t === 0) throw new RangeError('OrderTree: removing a value that is not present');
    const k = this.key[t]!;
    if (k === v) {
      const merged = this.merge(this.left[t]!, this.right[t]!);
      this.free[this.freeTop++] = t;
      return merged;
    }
    if (v < k) this.left[t] = this.removeAt(this.left[t]!, v);
    else this.right[t] = this.removeAt(this.right[t]!, v);
    this.pull(t);
    return t;
  }
}
