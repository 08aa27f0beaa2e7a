/**
 * Two instruments per f64x2: lane 0 reads and writes series at x0, lane 1 at x1.
 */

// @ts-ignore: decorator
@inline export function load2(x0: usize, x1: usize, t: i32): v128 {
  const at = <usize>t << 3;
  return v128.load64_lane(x1 + at, v128.load64_zero(x0 + at), 1);
}

// @ts-ignore: decorator
@inline export function store2(y0: usize, y1: usize, t: i32, v: v128): void {
  const at = <usize>t << 3;
  v128.store64_lane(y0 + at, v, 0);
  v128.store64_lane(y1 + at, v, 1);
}
