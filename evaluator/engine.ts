/**
 * The evaluation engine: computes typed factor ASTs over a panel with the
 * registry's kernels, sharing common subexpressions across a batch.
 *
 * A batch becomes a plan of steps (engine/plan.ts): hash-consed nodes,
 * element-wise trees fused into one generated loop, operators that share a
 * window structure computed together, everything else one kernel call.
 *
 * Every step except the cross-sectional ones works per instrument, so the
 * engine runs the plan one block of instruments at a time: a block's
 * intermediates (a few hundred KB each) stay in cache while a dozen steps
 * run over them, instead of streaming 17 MB arrays through memory for every
 * operator. Cross-sectional steps need whole days, so they are materialised
 * over the full panel first and read by the blocks like fields.
 *
 * Roots are evaluated in chunks sized to a memory budget: each chunk's
 * results are full N*T arrays handed to the caller, then recycled.
 *
 * `lastDay` clips every instrument's range: nothing on or after that day is
 * read or written. The agent-side evaluator clips at the end of the
 * validation period, so test-period data is never touched.
 */

import type { Node } from '../operators/ast.js';
import type { KernelArg, KernelContext } from '../operators/kernels/types.js';
import { buildPlan, EvaluationError, type Operand, type Plan, type Step, type StepKind, type Value } from './engine/plan.js';
import type { Panel } from './panel.js';

export { EvaluationError };

export interface EngineOptions {
  /** Universe membership (N*T) for cross-sectional operators; null = every instrument with data. */
  readonly universe?: Uint8Array | null;
  /** Exclusive day index: compute nothing on or after this day. Default: the whole calendar. */
  readonly lastDay?: number;
  /** Bytes of result arrays a batch may hold at once (sets the chunk size). Default 512 MiB. */
  readonly resultBudgetBytes?: number;
  /** Target bytes of one block intermediate (sets instruments per block). Default 128 KiB. */
  readonly blockBytes?: number;
}

/**
 * Instruments per block: as many as fit `blockBytes`, and once two fit,
 * rounded to the nearest even number. The WASM kernels take instruments two
 * at a time within a block, and an odd block runs one of them twice: 5
 * instruments a block (128 KiB of cn_csi300's 2917 days) made Alpha158 ~8 %
 * slower than 4 or 6.
 */
export function instrumentsPerBlock(blockBytes: number, N: number, T: number): number {
  const fit = blockBytes / (8 * Math.max(T, 1));
  return Math.max(1, Math.min(N, fit < 2 ? Math.floor(fit) : 2 * Math.round(fit / 2)));
}

/** How a batch was planned: distinct steps by kind, and the operators they cover. */
export interface PlanSummary {
  readonly roots: number;
  readonly steps: Readonly<Record<StepKind, number>>;
  /** Operator applications after common-subexpression sharing. */
  readonly operators: number;
}

/** A free list of equally sized buffers. */
class BufferPool {
  private readonly free: Float64Array[] = [];
  constructor(readonly length: number) {}
  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.length);
  }
  give(buffer: Float64Array): void {
    this.free.push(buffer);
  }
}

export class FactorEngine {
  readonly context: KernelContext;
  private readonly panelPool: BufferPool;
  private readonly blockPool: BufferPool;
  private readonly instrumentsPerBlock: number;
  private readonly rootsPerChunk: number;

  constructor(
    private readonly panel: Panel,
    options: EngineOptions = {},
  ) {
    const lastDay = Math.min(options.lastDay ?? panel.T, panel.T);
    const end = lastDay >= panel.T ? panel.end : panel.end.map((e) => Math.min(e, lastDay));
    this.context = { T: panel.T, N: panel.N, start: panel.start, end, universe: options.universe ?? null };
    const cells = panel.N * panel.T;
    this.panelPool = new BufferPool(cells);
    this.instrumentsPerBlock = instrumentsPerBlock(options.blockBytes ?? 128 * 1024, panel.N, panel.T);
    this.blockPool = new BufferPool(this.instrumentsPerBlock * panel.T);
    this.rootsPerChunk = Math.max(1, Math.floor((options.resultBudgetBytes ?? 512 * 1024 * 1024) / (8 * Math.max(cells, 1))));
  }

  /** Evaluates one factor; the returned buffer belongs to the caller. */
  evaluate(root: Node): Float64Array {
    const out = new Float64Array(this.context.N * this.context.T);
    this.evaluateInto([root], [out]);
    return out;
  }

  /**
   * Evaluates every root into the caller's buffers, one N*T array per root
   * (distinct, not a panel field): no result budget, no copies, so a worker
   * writes straight into shared memory.
   */
  evaluateInto(roots: readonly Node[], outputs: readonly Float64Array[]): void {
    const cells = this.context.N * this.context.T;
    if (outputs.length !== roots.length) throw new EvaluationError(`${roots.length} factors but ${outputs.length} output arrays`);
    for (const out of outputs) if (out.length !== cells) throw new EvaluationError(`an output array has length ${out.length}, expected N*T = ${cells}`);
    const plan = buildPlan(roots, this.panel.fields);
    new BatchRun(plan, this.context, this.panelPool, this.blockPool, this.instrumentsPerBlock, this.rootsPerChunk).into(outputs);
  }

  /** The plan a batch would run, summarised (nothing is computed). */
  summarize(roots: readonly Node[]): PlanSummary {
    const plan = buildPlan(roots, this.panel.fields);
    const steps: Record<StepKind, number> = { kernel: 0, fused: 0, family: 0 };
    let operators = 0;
    for (const step of plan.steps) {
      steps[step.kind]++;
      operators += step.ops.length;
    }
    return { roots: roots.length, steps, operators };
  }

  /**
   * Evaluates many factors, sharing common subexpressions, and hands each
   * result to `onResult` in order. A result buffer is only valid during its
   * callback (it is recycled afterwards): copy what must outlive it.
   */
  evaluateBatch(roots: readonly Node[], onResult: (index: number, values: Float64Array) => void): void {
    const plan = buildPlan(roots, this.panel.fields);
    new BatchRun(plan, this.context, this.panelPool, this.blockPool, this.instrumentsPerBlock, this.rootsPerChunk).run(onResult);
  }

  /**
   * Evaluates many factors one block of instruments at a time, every factor
   * in one pass (no chunks, so nothing is computed twice), and hands each
   * root's values for the block to `onResult` as soon as they are computed:
   * `values` holds root `index`'s values for instruments [first, end),
   * instrument-major (T cells each) as in the panel; it is read-only (later
   * steps and duplicate roots may read the same buffer) and only valid during
   * the callback. Results never exist as whole-panel arrays, so a consumer
   * that reduces them (counts, sums) reads them while they are in cache.
   * Cross-sectional steps are still computed over whole days first.
   */
  evaluateByBlock(roots: readonly Node[], onResult: (index: number, first: number, end: number, values: Float64Array) => void): void {
    const plan = buildPlan(roots, this.panel.fields);
    new BatchRun(plan, this.context, this.panelPool, this.blockPool, this.instrumentsPerBlock, this.rootsPerChunk).stream(onResult);
  }
}

/** One evaluateBatch call: the plan's chunks, and the cross-sectional values materialised for them. */
class BatchRun {
  private readonly full = new Map<Step, Float64Array>();
  /** Per-instrument values computed in an earlier chunk and kept whole for later ones (see planCarries). */
  private readonly carried = new Map<Value, Float64Array>();
  /** Cross-sectional roots computed straight into their result buffer (not a pool buffer, so not recycled on release). */
  private readonly direct = new Map<Step, Float64Array>();

  constructor(
    private readonly plan: Plan,
    private readonly ctx: KernelContext,
    private readonly panelPool: BufferPool,
    private readonly blockPool: BufferPool,
    /** Instruments per block. */
    private readonly B: number,
    private readonly rootsPerChunk: number,
  ) {}

  run(onResult: (index: number, values: Float64Array) => void): void {
    const chunks: Operand[][] = [];
    for (let c = 0; c < this.plan.roots.length; c += this.rootsPerChunk) chunks.push(this.plan.roots.slice(c, c + this.rootsPerChunk));
    const carries = planCarries(chunks, this.rootsPerChunk);
    const pending = new Map<Step, number>();
    chunks.forEach((chunk, c) => {
      for (const step of wholePanelStepsUnder(chunk, carries.live[c])) pending.set(step, (pending.get(step) ?? 0) + 1);
    });

    let index = 0;
    chunks.forEach((chunk, c) => {
      const outs = chunk.map(() => this.panelPool.take());
      const carryOut = new Map<Value, Float64Array>();
      for (const value of carries.made[c]!) carryOut.set(value, this.panelPool.take());
      // A root's buffer is recycled after its callback: only a step no later chunk reads may be computed into it.
      this.evaluateChunk(chunk, outs, carries.live[c], carryOut, (step) => pending.get(step) === 1);
      for (const [value, buffer] of carryOut) this.carried.set(value, buffer);
      for (const values of outs) onResult(index++, values);
      for (const step of wholePanelStepsUnder(chunk, carries.live[c])) {
        const left = pending.get(step)! - 1;
        pending.set(step, left);
        if (left === 0) this.release(step);
      }
      for (const value of carries.dropped[c]!) {
        this.panelPool.give(this.carried.get(value)!);
        this.carried.delete(value);
      }
      for (const buffer of outs) this.panelPool.give(buffer);
    });
  }

  /** Every root, block by block (see FactorEngine.evaluateByBlock). */
  stream(onResult: (index: number, first: number, end: number, values: Float64Array) => void): void {
    const roots = this.plan.roots;
    for (const step of wholePanelStepsUnder(roots)) this.materialise(step);
    // Per-instrument roots are delivered by evaluateBlocked as each is computed; the others at the start of each block.
    const indices = new Map<Value, number[]>();
    const others: number[] = [];
    roots.forEach((root, k) => {
      if (root.kind === 'value' && !root.step.wholePanel) indices.set(root, [...(indices.get(root) ?? []), k]);
      else if (root.kind === 'number') throw new EvaluationError('a constant is not a factor');
      else others.push(k);
    });
    const { T } = this.ctx;
    // A whole-panel root's block is copied out (it could otherwise be written through the subarray).
    const copy = others.length > 0 ? this.blockPool.take() : null;
    this.evaluateBlocked([...indices.keys()], new Map(), {
      start: (i0, i1) => {
        const values = copy?.subarray(0, (i1 - i0) * T);
        for (const k of others) {
          const root = roots[k]!;
          if (root.kind === 'field') this.clipFieldBlock(root.values, i0, i1, values!);
          else values!.set(this.whole(root as Value)!.subarray(i0 * T, i1 * T));
          onResult(k, i0, i1, values!);
        }
      },
      deliver: (value, i0, i1, values) => {
        for (const k of indices.get(value)!) onResult(k, i0, i1, values);
      },
    });
    if (copy) this.blockPool.give(copy);
    for (const step of [...this.full.keys()]) this.release(step);
  }

  /** Every root at once into the caller's buffers. */
  into(outputs: readonly Float64Array[]): void {
    this.evaluateChunk(this.plan.roots, outputs);
    for (const step of [...this.full.keys()]) this.release(step);
  }

  /**
   * Evaluates `roots` into `outs` (one N*T buffer each); cross-sectional values stay materialised.
   * `carryIn` are the carried values this chunk reads; `carryOut` the values it keeps for later chunks, with their buffers.
   */
  private evaluateChunk(
    roots: readonly Operand[], outs: readonly Float64Array[], carryIn: ReadonlySet<Value> = new Set(), carryOut: ReadonlyMap<Value, Float64Array> = new Map(),
    mayComputeInto: (step: Step) => boolean = () => true,
  ): void {
    // A cross-sectional root is computed into its result buffer, which saves copying a whole panel.
    roots.forEach((root, k) => {
      if (root.kind !== 'value' || !root.step.wholePanel) return;
      if (!this.full.has(root.step) && !this.direct.has(root.step) && mayComputeInto(root.step)) this.direct.set(root.step, outs[k]!);
    });
    for (const step of wholePanelStepsUnder(roots, carryIn)) this.materialise(step);
    // Values later chunks read are written to their own whole-panel buffers (a root's buffer is recycled after its callback).
    const targets = new Map<Value, Float64Array>(carryOut);
    roots.forEach((root, k) => {
      if (root.kind === 'value' && !root.step.wholePanel && !targets.has(root) && !this.carried.has(root)) targets.set(root, outs[k]!);
    });
    this.evaluateBlocked([...targets.keys()], targets);
    roots.forEach((root, k) => {
      const out = outs[k]!;
      if (root.kind === 'field') this.clipField(root.values, out);
      else if (root.kind === 'value') {
        const computed = this.whole(root) ?? targets.get(root)!;
        if (computed !== out) out.set(computed);
      } else throw new EvaluationError('a constant is not a factor');
    });
  }

  /** A value already computed over the whole panel: a cross-sectional step's, or one carried from an earlier chunk. */
  private whole(value: Value): Float64Array | undefined {
    return value.step.wholePanel ? this.full.get(value.step) : this.carried.get(value);
  }

  private release(step: Step): void {
    if (!this.direct.delete(step)) this.panelPool.give(this.full.get(step)!);
    this.full.delete(step);
  }

  /** Computes a cross-sectional step over the whole panel (its inputs first). */
  private materialise(step: Step): void {
    if (this.full.has(step)) return;
    const perInstrument: Value[] = [];
    for (const input of step.inputs) {
      if (input.kind !== 'value') continue;
      if (input.step.wholePanel) this.materialise(input.step);
      else if (!this.carried.has(input) && !perInstrument.includes(input)) perInstrument.push(input);
    }
    const computed = new Map<Value, Float64Array>(perInstrument.map((v) => [v, this.panelPool.take()]));
    this.evaluateBlocked(perInstrument, computed);
    const args: KernelArg[] = step.inputs.map((input) => {
      if (input.kind === 'number') return input.value;
      if (input.kind === 'field') return input.values;
      return this.whole(input) ?? computed.get(input)!;
    });
    const out = this.direct.get(step) ?? this.panelPool.take();
    step.run(this.ctx, args, [out]);
    this.full.set(step, out);
    for (const buffer of computed.values()) this.panelPool.give(buffer);
  }

  /**
   * Evaluates per-instrument targets block by block, writing each target's
   * values into its full-panel output. Whole-panel steps below the targets
   * must already be materialised.
   */
  private evaluateBlocked(
    targets: readonly Value[], outputs: ReadonlyMap<Value, Float64Array>,
    stream?: BlockStream,
  ): void {
    if (targets.length === 0 && !stream) return;
    // The steps this evaluation runs, and how many of them read each value (so block buffers are recycled at last use).
    const consumers = new Map<Value, number>();
    const needed = new Set<Value>(targets);
    const steps = new Set<Step>();
    const visit = (step: Step): void => {
      if (steps.has(step)) return;
      steps.add(step);
      for (const input of distinctValues(step)) {
        if (this.whole(input)) continue;
        needed.add(input);
        consumers.set(input, (consumers.get(input) ?? 0) + 1);
        visit(input.step);
      }
    };
    for (const t of targets) visit(t.step);

    // A streamed target lives in a block buffer, kept until it is delivered and no later step reads it.
    const undelivered = new Set<Value>();
    const { T, N, start, end } = this.ctx;
    const B = this.B;
    const remaining = new Map<Value, number>();
    const blockValues = new Map<Value, Float64Array>();
    const fieldBlocks = new Map<Float64Array, Float64Array>();
    for (let i0 = 0; i0 < N; i0 += B) {
      const i1 = Math.min(N, i0 + B);
      const cells = (i1 - i0) * T;
      const ctx: KernelContext = { T, N: i1 - i0, start: start.subarray(i0, i1), end: end.subarray(i0, i1), universe: null };
      for (const [value, count] of consumers) remaining.set(value, count);
      blockValues.clear();
      for (const copy of fieldBlocks.values()) this.blockPool.give(copy);
      fieldBlocks.clear();
      // A field's block is copied once out of the panel's SharedArrayBuffer: every WASM kernel copies its
      // inputs into its own memory, and copies out of shared memory run ~3x slower than out of plain memory.
      const fieldBlock = (values: Float64Array): Float64Array => {
        let copy = fieldBlocks.get(values);
        if (!copy) {
          copy = this.blockPool.take();
          copy.set(values.subarray(i0 * T, i1 * T));
          fieldBlocks.set(values, copy);
        }
        return copy.subarray(0, cells);
      };

      const argOf = (input: Operand): KernelArg => {
        if (input.kind === 'number') return input.value;
        if (input.kind === 'field') return fieldBlock(input.values);
        const whole = this.whole(input);
        if (whole) return whole.subarray(i0 * T, i1 * T);
        return compute(input);
      };
      const compute = (value: Value): Float64Array => {
        const done = blockValues.get(value);
        if (done) return done;
        const step = value.step;
        const args = step.inputs.map(argOf);
        const outs = step.outputs.map((v) => {
          if (!needed.has(v)) return null;
          const target = outputs.get(v);
          return target ? target.subarray(i0 * T, i1 * T) : this.blockPool.take().subarray(0, cells);
        });
        step.run(ctx, args, outs);
        step.outputs.forEach((v, slot) => {
          if (outs[slot]) blockValues.set(v, outs[slot]!);
        });
        for (const input of distinctValues(step)) {
          if (this.whole(input)) continue;
          const left = remaining.get(input)! - 1;
          remaining.set(input, left);
          if (left === 0 && !outputs.has(input) && !undelivered.has(input)) this.blockPool.give(new Float64Array(blockValues.get(input)!.buffer));
        }
        return blockValues.get(value)!;
      };
      if (!stream) {
        for (const t of targets) compute(t);
        continue;
      }
      stream.start(i0, i1);
      for (const t of targets) undelivered.add(t);
      for (const t of targets) {
        stream.deliver(t, i0, i1, compute(t));
        undelivered.delete(t);
        if (!remaining.get(t)) this.blockPool.give(new Float64Array(blockValues.get(t)!.buffer));
      }
    }
    for (const copy of fieldBlocks.values()) this.blockPool.give(copy);
  }

  /** clipField for instruments [i0, i1) into a block buffer. */
  private clipFieldBlock(values: Float64Array, i0: number, i1: number, out: Float64Array): void {
    const { T, start, end } = this.ctx;
    out.fill(NaN);
    for (let i = i0; i < i1; i++) {
      const base = (i - i0) * T;
      if (end[i]! > start[i]!) out.set(values.subarray(i * T + start[i]!, i * T + end[i]!), base + start[i]!);
    }
  }

  /** A bare field as a factor: its values inside each instrument's (clipped) range, NaN elsewhere. */
  private clipField(values: Float64Array, out: Float64Array): void {
    const { T, N, start, end } = this.ctx;
    out.fill(NaN);
    for (let i = 0; i < N; i++) {
      const base = i * T;
      if (end[i]! > start[i]!) out.set(values.subarray(base + start[i]!, base + end[i]!), base + start[i]!);
    }
  }
}

/** How evaluateBlocked hands out streamed targets: `start` once per block, then `deliver` for each target as soon as it is computed. */
interface BlockStream {
  start(i0: number, i1: number): void;
  deliver(value: Value, i0: number, i1: number, values: Float64Array): void;
}

/** A step's inputs that are step outputs, each once. */
function distinctValues(step: Step): Value[] {
  const values: Value[] = [];
  for (const input of step.inputs) if (input.kind === 'value' && !values.includes(input)) values.push(input);
  return values;
}

/** Cross-sectional steps reachable from the roots (not through `stop` values), deepest first. */
function wholePanelStepsUnder(roots: readonly Operand[], stop: ReadonlySet<Value> = new Set()): Step[] {
  const found: Step[] = [];
  const seen = new Set<Step>();
  const visit = (step: Step): void => {
    if (seen.has(step)) return;
    seen.add(step);
    for (const input of step.inputs) if (input.kind === 'value' && !stop.has(input)) visit(input.step);
    if (step.wholePanel) found.push(step);
  };
  for (const root of roots) if (root.kind === 'value' && !stop.has(root)) visit(root.step);
  return found;
}

/** Which per-instrument values evaluateBatch keeps whole from one chunk for later chunks. */
interface Carries {
  /** made[c]: values chunk c computes into their own whole-panel buffers. */
  readonly made: readonly Value[][];
  /** live[c]: values carried into chunk c (read like fields, not recomputed). */
  readonly live: readonly Set<Value>[];
  /** dropped[c]: carried values no chunk after c reads. */
  readonly dropped: readonly Value[][];
}

/** The per-instrument steps chunk `roots` runs in its blocks: everything under them except cross-sectional steps and `stop` values. */
function blockStepsUnder(roots: readonly Operand[], stop: ReadonlySet<Value>): Set<Step> {
  const steps = new Set<Step>();
  const visit = (value: Value): void => {
    if (stop.has(value) || value.step.wholePanel || steps.has(value.step)) return;
    steps.add(value.step);
    for (const input of value.step.inputs) if (input.kind === 'value') visit(input);
  };
  for (const root of roots) if (root.kind === 'value') visit(root);
  return steps;
}

/**
 * Roots are evaluated in chunks (to bound result memory), and a node shared
 * by factors in different chunks (Alpha158's Slope family serves BETA in one
 * chunk and RSQR/RESI in the next; MAX and IMAX, MA and CNTD...) would be
 * computed again in each. Instead the first chunk that runs its step also
 * writes the value whole-panel, and later chunks read it like a field: the
 * highest such value on every path, so its inputs are not kept too. At most
 * `cap` carried buffers are alive at once (a second result budget); beyond
 * that, values are recomputed as before. Results are the same bits either
 * way: every step computes each instrument independently.
 */
function planCarries(chunks: readonly (readonly Operand[])[], cap: number): Carries {
  const made: Value[][] = chunks.map(() => []);
  const lastUse = new Map<Value, number>();
  const available = new Set<Value>();
  chunks.forEach((roots, c) => {
    const steps = blockStepsUnder(roots, available);
    let alive = 0;
    for (const [, last] of lastUse) if (last >= c) alive++;
    for (let later = c + 1; later < chunks.length; later++) {
      const seen = new Set<Value>();
      const visit = (value: Value): void => {
        if (seen.has(value) || available.has(value) || value.step.wholePanel) return;
        seen.add(value);
        if (steps.has(value.step)) {
          if (lastUse.has(value)) { lastUse.set(value, later); return; }
          if (alive < cap) { made[c]!.push(value); lastUse.set(value, later); alive++; return; }
        }
        for (const input of value.step.inputs) if (input.kind === 'value') visit(input);
      };
      for (const root of chunks[later]!) if (root.kind === 'value') visit(root);
    }
    for (const value of made[c]!) available.add(value);
  });
  // What each chunk actually reads once every carry is known (a value may be shadowed by one carried later).
  const live: Set<Value>[] = chunks.map(() => new Set());
  const lastRead = new Map<Value, number>();
  const carriedSoFar = new Set<Value>();
  chunks.forEach((roots, c) => {
    const seen = new Set<Value>();
    const visit = (value: Value): void => {
      if (seen.has(value) || value.step.wholePanel) return;
      seen.add(value);
      if (carriedSoFar.has(value)) { live[c]!.add(value); lastRead.set(value, c); return; }
      for (const input of value.step.inputs) if (input.kind === 'value') visit(input);
    };
    for (const root of roots) if (root.kind === 'value') visit(root);
    for (const value of made[c]!) { carriedSoFar.add(value); lastRead.set(value, Math.max(lastRead.get(value) ?? c, c)); }
  });
  const dropped: Value[][] = chunks.map(() => []);
  for (const [value, c] of lastRead) dropped[c]!.push(value);
  return { made, live, dropped };
}
