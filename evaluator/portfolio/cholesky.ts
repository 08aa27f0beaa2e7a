/**
 * Solves A x = b for a symmetric positive-definite n x n matrix (row-major,
 * float64) by Cholesky factorisation A = L L'. Returns null when A is not
 * numerically positive definite (a pivot at or below `tolerance` times the
 * largest diagonal entry), so callers can skip a singular system.
 */
export function solveCholesky(A: Float64Array, b: Float64Array, n: number, tolerance = 1e-12): Float64Array | null {
  let largest = 0;
  for (let k = 0; k < n; k++) largest = Math.max(largest, Math.abs(A[k * n + k]!));
  const floor = tolerance * (largest > 0 ? largest : 1);
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = A[j * n + j]!;
    for (let k = 0; k < j; k++) diagonal -= L[j * n + k]! * L[j * n + k]!;
    if (!(diagonal > floor)) return null;
    const pivot = Math.sqrt(diagonal);
    L[j * n + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / pivot;
    }
  }
  // L y = b, then L' x = y.
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}
