/**
 * The contract between the evaluation engine and operator kernels.
 *
 * A series is a Float64Array of length N*T laid out instrument-major:
 * the value of instrument i on day t is at `i * T + t`, so each
 * instrument's history is contiguous and rolling kernels stream through it.
 *
 * qlib computes every operator per instrument over that instrument's own
 * dates; here those are the days `start[i] <= t < end[i]`. Kernels read and
 * write only inside that range and must leave NaN everywhere else.
 */

export interface SeriesLayout {
  /** Number of calendar days. */
  readonly T: number;
  /** Number of instruments. */
  readonly N: number;
  /** First day (inclusive) of each instrument's own series. */
  readonly start: Int32Array;
  /** Day after the last day (exclusive) of each instrument's own series; start[i] >= end[i] means no data. */
  readonly end: Int32Array;
}

export interface KernelContext extends SeriesLayout {
  /**
   * Point-in-time universe membership, N*T in the same layout (1 = member
   * that day). Cross-sectional operators rank, demean, ... over members only;
   * null means every instrument with data that day.
   */
  readonly universe: Uint8Array | null;
}

/** A kernel argument: a series (N*T) or a scalar literal (window, exponent, quantile, constant operand). */
export type KernelArg = Float64Array | number;

/**
 * Computes one operator. `out` has length N*T, may hold garbage on entry,
 * and must be completely written (NaN outside each instrument's range).
 * `out` never aliases an argument.
 */
export type Kernel = (ctx: KernelContext, args: readonly KernelArg[], out: Float64Array) => void;

/** One output asked of a kernel family: the operator, its own literal parameters (after the shared arguments) and where to write. */
export interface FamilyRequest {
  readonly op: string;
  readonly params: readonly KernelArg[];
  readonly out: Float64Array;
}

/**
 * Operators that share one pass over the same series and window (e.g. the
 * sorted window of Quantile, Rank and Med): computing several of them
 * together costs about as much as one. Each request's output equals, bit
 * for bit, what the operator's own kernel writes (the kernel is the family
 * with one request).
 */
export interface KernelFamily {
  readonly name: string;
  /** Member operators and how many leading arguments they share (series and window; series only for families over any windows). */
  readonly shared: Readonly<Record<string, number>>;
  readonly kernel: (ctx: KernelContext, shared: readonly KernelArg[], requests: readonly FamilyRequest[]) => void;
}
