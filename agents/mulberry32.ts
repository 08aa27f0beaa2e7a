/**
 * mulberry32: a small seeded generator of uniforms in [0, 1), the same on
 * every machine, for everything that needs reproducible draws outside the
 * synthetic market (the offline research model, temperatures, parent
 * picking, benchmarks and tests). It sits here, not in evaluator/, because
 * the offline model may not import the evaluator (tests/offline/model.test.ts).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
