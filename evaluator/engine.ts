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
    this.instrumentsPerBlock = Math.max(1, Math.min(panel.N, Math.floor((options.blockBytes ?? 128 * 1024) / (8 * panel.T))));
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
}

/** One evaluateBatch call: the plan's chunks, and the cross-sectional values materialised for them. */
class BatchRun {
  private readonly full = new Map<Step, Float64Array>();

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
    const pending = new Map<Step, number>();
    for (const chunk of chunks) for (const step of wholePanelStepsUnder(chunk)) pending.set(step, (pending.get(step) ?? 0) + 1);

    let index = 0;
    for (const chunk of chunks) {
      const outs = chunk.map(() => this.panelPool.take());
      this.evaluateChunk(chunk, outs);
      for (const values of outs) onResult(index++, values);
      for (const step of wholePanelStepsUnder(chunk)) {
        const left = pending.get(step)! - 1;
        pending.set(step, left);
        if (left === 0) this.release(step);
      }
      for (const buffer of outs) this.panelPool.give(buffer);
    }
  }

  /** Every root at once into the caller's buffers. */
  into(outputs: readonly Float64Array[]): void {
    this.evaluateChunk(this.plan.roots, outputs);
    for (const step of [...this.full.keys()]) this.release(step);
  }

  /** Evaluates `roots` into `outs` (one N*T buffer each); cross-sectional values stay materialised. */
  private evaluateChunk(roots: readonly Operand[], outs: readonly Float64Array[]): void {
    for (const step of wholePanelStepsUnder(roots)) this.materialise(step);
    const targets = new Map<Value, Float64Array>();
    roots.forEach((root, k) => {
      if (root.kind === 'value' && !root.step.wholePanel && !targets.has(root)) targets.set(root, outs[k]!);
    });
    this.evaluateBlocked([...targets.keys()], targets);
    roots.forEach((root, k) => {
      const out = outs[k]!;
      if (root.kind === 'field') this.clipField(root.values, out);
      else if (root.kind === 'value') {
        const computed = root.step.wholePanel ? this.full.get(root.step)! : targets.get(root)!;
        if (computed !== out) out.set(computed);
      } else throw new EvaluationError('a constant is not a factor');
    });
  }

  private release(step: Step): void {
    this.panelPool.give(this.full.get(step)!);
    this.full.delete(step);
  }

  /** Computes a cross-sectional step over the whole panel (its inputs first). */
  private materialise(step: Step): void {
    if (this.full.has(step)) return;
    const perInstrument: Value[] = [];
    for (const input of step.inputs) {
      if (input.kind !== 'value') continue;
      if (input.step.wholePanel) this.materialise(input.step);
      else if (!perInstrument.includes(input)) perInstrument.push(input);
    }
    const computed = new Map<Value, Float64Array>(perInstrument.map((v) => [v, this.panelPool.take()]));
    this.evaluateBlocked(perInstrument, computed);
    const args: KernelArg[] = step.inputs.map((input) => {
      if (input.kind === 'number') return input.value;
      if (input.kind === 'field') return input.values;
      return input.step.wholePanel ? this.full.get(input.step)! : computed.get(input)!;
    });
    const out = this.panelPool.take();
    step.run(this.ctx, args, [out]);
    this.full.set(step, out);
    for (const buffer of computed.values()) this.panelPool.give(buffer);
  }

  /**
   * Evaluates per-instrument targets block by block, writing each target's
   * values into its full-panel output. Whole-panel steps below the targets
   * must already be materialised.
   */
  private evaluateBlocked(targets: readonly Value[], outputs: ReadonlyMap<Value, Float64Array>): void {
    if (targets.length === 0) return;
    // The steps this evaluation runs, and how many of them read each value (so block buffers are recycled at last use).
    const consumers = new Map<Value, number>();
    const needed = new Set<Value>(targets);
    const steps = new Set<Step>();
    const visit = (step: Step): void => {
      if (steps.has(step)) return;
      steps.add(step);
      for (const input of distinctValues(step)) {
        if (input.step.wholePanel) continue;
        needed.add(input);
        consumers.set(input, (consumers.get(input) ?? 0) + 1);
        visit(input.step);
      }
    };
    for (const t of targets) visit(t.step);

    const { T, N, start, end } = this.ctx;
    const B = this.B;
    const remaining = new Map<Value, number>();
    const blockValues = new Map<Value, Float64Array>();
    for (let i0 = 0; i0 < N; i0 += B) {
      const i1 = Math.min(N, i0 + B);
      const cells = (i1 - i0) * T;
      const ctx: KernelContext = { T, N: i1 - i0, start: start.subarray(i0, i1), end: end.subarray(i0, i1), universe: null };
      for (const [value, count] of consumers) remaining.set(value, count);
      blockValues.clear();

      const argOf = (input: Operand): KernelArg => {
        if (input.kind === 'number') return input.value;
        if (input.kind === 'field') return input.values.subarray(i0 * T, i1 * T);
        if (input.step.wholePanel) return this.full.get(input.step)!.subarray(i0 * T, i1 * T);
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
          if (input.step.wholePanel) continue;
          const left = remaining.get(input)! - 1;
          remaining.set(input, left);
          if (left === 0 && !outputs.has(input)) this.blockPool.give(new Float64Array(blockValues.get(input)!.buffer));
        }
        return blockValues.get(value)!;
      };
      for (const t of targets) compute(t);
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

/** A step's inputs that are step outputs, each once. */
function distinctValues(step: Step): Value[] {
  const values: Value[] = [];
  for (const input of step.inputs) if (input.kind === 'value' && !values.includes(input)) values.push(input);
  return values;
}

/** Cross-sectional steps reachable from the roots, deepest first. */
function wholePanelStepsUnder(roots: readonly Operand[]): Step[] {
  const found: Step[] = [];
  const seen = new Set<Step>();
  const visit = (step: Step): void => {
    if (seen.has(step)) return;
    seen.add(step);
    for (const input of step.inputs) if (input.kind === 'value') visit(input.step);
    if (step.wholePanel) found.push(step);
  };
  for (const root of roots) if (root.kind === 'value') visit(root.step);
  return found;
}
