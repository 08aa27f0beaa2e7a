/**
 * A batch of factor trees as a plan of steps: the engine's unit of work.
 *
 * 1. Hash-consing: a node's identity is its operator plus its arguments'
 *    identities, so `Ref($close, 1)` in forty Alpha158 factors is one node.
 * 2. Fusion: a maximal tree of element-wise, pair and conditional operators
 *    whose inner nodes have a single consumer becomes one step, a generated
 *    loop (fusion.ts) computing `(a-b)/(c+1e-12)` in one pass with no
 *    intermediate arrays. A node with several consumers is computed once
 *    and read by each (common subexpressions are never recomputed).
 * 3. Families: operators that share one window structure over the same
 *    series and window (Quantile/Rank/Med, Slope/Rsquare/Resi, Mean/Std/...)
 *    become one multi-output step (operators/kernels/families.ts); Max/IdxMax
 *    and Min/IdxMin share their series only, so all windows are one step
 *    (larger windows are joined from smaller ones).
 * 4. Everything else is one kernel call.
 *
 * Arguments that do not fit an operator's signature are left to its kernel,
 * which rejects them with its usual message: the plan never changes what
 * is an error.
 */

import type { Node } from '../../operators/ast.js';
import { CELL_EXPRESSIONS } from '../../operators/kernels/cellExpressions.js';
import { familyOf, type KernelFamily } from '../../operators/kernels/families.js';
import type { KernelArg, KernelContext } from '../../operators/kernels/types.js';
import { operator } from '../../operators/registry.js';
import type { OperatorSpec } from '../../operators/spec.js';
import { compileRegion, type RegionNode } from './fusion.js';

export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

/** What a step reads: a panel field, a literal, or another step's output. */
export type Operand =
  | { readonly kind: 'field'; readonly name: string; readonly values: Float64Array }
  | { readonly kind: 'number'; readonly value: number }
  | Value;

/** One output series of a step. */
export interface Value {
  readonly kind: 'value';
  readonly id: number;
  readonly step: Step;
  readonly slot: number;
}

/** Writes `outs[slot]` for every non-null slot; `outs` never alias `inputs`. */
export type StepRun = (ctx: KernelContext, inputs: readonly KernelArg[], outs: readonly (Float64Array | null)[]) => void;

export type StepKind = 'kernel' | 'fused' | 'family';

export interface Step {
  readonly id: number;
  readonly kind: StepKind;
  /** Operator names, for statistics: one for a kernel, the fused or grouped operators otherwise. */
  readonly ops: readonly string[];
  readonly inputs: readonly Operand[];
  readonly outputs: readonly Value[];
  /** Cross-sectional: computed over the whole panel at once, then read like a field. */
  readonly wholePanel: boolean;
  readonly run: StepRun;
}

export interface Plan {
  /** One operand per root, in order; never a number. */
  readonly roots: readonly Operand[];
  readonly steps: readonly Step[];
}

// ---- hash-consed trees ----

type DagNode =
  | { readonly kind: 'field'; readonly id: number; readonly name: string; readonly values: Float64Array }
  | { readonly kind: 'number'; readonly id: number; readonly value: number }
  | CallDag;

interface CallDag {
  readonly kind: 'call';
  readonly id: number;
  readonly spec: OperatorSpec;
  readonly args: readonly DagNode[];
}

const FUSABLE = new Set(['elementwise', 'pair', 'conditional']);

export function buildPlan(roots: readonly Node[], fields: Readonly<Record<string, Float64Array>>): Plan {
  const interned = new Map<string, DagNode>();
  const intern = (node: Node): DagNode => {
    let key: string;
    if (node.kind === 'number') key = `n${Object.is(node.value, -0) ? '-0' : node.value}`;
    else if (node.kind === 'field') key = `f${node.name}`;
    else {
      const spec = operator(node.op);
      if (!spec) throw new EvaluationError(`unknown operator ${node.op}`);
      const args = node.args.map(intern);
      key = `${node.op}(${args.map((a) => a.id).join(',')})`;
      const found = interned.get(key);
      if (found) return found;
      const call: CallDag = { kind: 'call', id: interned.size, spec, args };
      interned.set(key, call);
      return call;
    }
    const found = interned.get(key);
    if (found) return found;
    let made: DagNode;
    if (node.kind === 'number') made = { kind: 'number', id: interned.size, value: node.value };
    else {
      const values = fields[node.name];
      if (!values) {
        const available = Object.keys(fields).map((f) => `$${f}`).join(' ');
        throw new EvaluationError(`field $${node.name} is not in this data (fields: ${available})`);
      }
      made = { kind: 'field', id: interned.size, name: node.name, values };
    }
    interned.set(key, made);
    return made;
  };
  const dagRoots = roots.map((root, index) => {
    const dag = intern(root);
    if (dag.kind === 'number') throw new EvaluationError(`factor ${index} is a constant, not a series`);
    return dag;
  });
  return new Planner(dagRoots).plan();
}

class Planner {
  /** Distinct consumers of each call node. */
  private readonly parents = new Map<CallDag, Set<CallDag>>();
  private readonly isRoot = new Set<DagNode>();
  private readonly operands = new Map<DagNode, Operand>();
  private readonly groups = new Map<string, CallDag[]>();
  private readonly steps: Step[] = [];
  private values = 0;

  constructor(private readonly roots: readonly DagNode[]) {}

  plan(): Plan {
    const seen = new Set<DagNode>();
    const visit = (node: DagNode): void => {
      if (node.kind !== 'call' || seen.has(node)) return;
      seen.add(node);
      for (const arg of node.args) {
        if (arg.kind !== 'call') continue;
        let set = this.parents.get(arg);
        if (!set) this.parents.set(arg, (set = new Set()));
        set.add(node);
        visit(arg);
      }
      const key = this.familyKey(node);
      if (key !== null) {
        const members = this.groups.get(key);
        if (members) members.push(node);
        else this.groups.set(key, [node]);
      }
    };
    for (const root of this.roots) {
      this.isRoot.add(root);
      visit(root);
    }
    return { roots: this.roots.map((root) => this.operand(root)), steps: this.steps };
  }

  private operand(node: DagNode): Operand {
    const done = this.operands.get(node);
    if (done) return done;
    let made: Operand;
    if (node.kind === 'number') made = { kind: 'number', value: node.value };
    else if (node.kind === 'field') made = { kind: 'field', name: node.name, values: node.values };
    else if (fusable(node)) made = this.fusedStep(node);
    else if (this.familyKey(node) !== null) made = this.familyStep(node);
    else made = this.kernelStep(node);
    this.operands.set(node, made);
    return made;
  }

  private addStep(kind: StepKind, ops: string[], inputs: Operand[], outputs: number, wholePanel: boolean, run: StepRun): Step {
    const values: Value[] = [];
    const step: Step = { id: this.steps.length, kind, ops, inputs, outputs: values, wholePanel, run };
    for (let slot = 0; slot < outputs; slot++) values.push({ kind: 'value', id: this.values++, step, slot });
    this.steps.push(step);
    return step;
  }

  private kernelStep(node: CallDag): Value {
    const inputs = node.args.map((a) => this.operand(a));
    const kernel = node.spec.kernel;
    const step = this.addStep('kernel', [node.spec.name], inputs, 1, node.spec.category === 'crossSectional', (ctx, args, outs) =>
      kernel(ctx, args, outs[0]!),
    );
    return step.outputs[0]!;
  }

  /** Inlined into its consumer's loop: fusable, not a root, and read by exactly one (fusable) node. */
  private inlined(node: DagNode): node is CallDag {
    if (node.kind !== 'call' || this.isRoot.has(node) || !fusable(node)) return false;
    const parents = this.parents.get(node);
    return parents !== undefined && parents.size === 1;
  }

  private fusedStep(root: CallDag): Value {
    const leaves: Operand[] = [];
    const leafIndex = new Map<DagNode, number>();
    const ops: string[] = [];
    const regionNodes = new Map<DagNode, RegionNode>();
    const region = (node: DagNode): RegionNode => {
      const done = regionNodes.get(node);
      if (done) return done;
      let made: RegionNode;
      if (node.kind === 'number') made = { kind: 'literal', value: node.value };
      else if (node !== root && !this.inlined(node)) {
        let index = leafIndex.get(node);
        if (index === undefined) {
          index = leaves.length;
          leafIndex.set(node, index);
          leaves.push(this.operand(node));
        }
        made = { kind: 'input', index };
      } else {
        const call = node as CallDag;
        ops.push(call.spec.name);
        made = { kind: 'op', op: call.spec.name, args: call.args.map(region) };
      }
      regionNodes.set(node, made);
      return made;
    };
    const tree = region(root);
    const loop = compileRegion(tree, leaves.length);
    const step = this.addStep('fused', ops, leaves, 1, false, (ctx, inputs, outs) => loop(ctx, inputs as Float64Array[], outs[0]!));
    return step.outputs[0]!;
  }

  /** Family and shared arguments, e.g. `order(3,7)` for Quantile($close, 20, q) and Rank($close, 20); null when not grouped. */
  private familyKey(node: CallDag): string | null {
    const family = familyOf(node.spec.name);
    if (!family) return null;
    const shared = family.shared[node.spec.name]!;
    // Own parameters must be literals (a series there is an argument error the kernel reports).
    if (node.args.slice(shared).some((a) => a.kind !== 'number')) return null;
    if (node.args.length !== node.spec.args.length) return null;
    return `${family.name}(${node.args.slice(0, shared).map((a) => a.id).join(',')})`;
  }

  private familyStep(node: CallDag): Value {
    const family = familyOf(node.spec.name)!;
    const members = this.groups.get(this.familyKey(node)!)!;
    const shared = family.shared[node.spec.name]!;
    const inputs = node.args.slice(0, shared).map((a) => this.operand(a));
    const requests = members.map((m) => ({
      op: m.spec.name,
      params: m.args.slice(family.shared[m.spec.name]!).map((a) => (a as { value: number }).value),
    }));
    const step = this.addStep('family', members.map((m) => m.spec.name), inputs, members.length, false, familyRun(family, requests));
    members.forEach((m, slot) => this.operands.set(m, step.outputs[slot]!));
    return step.outputs[members.indexOf(node)]!;
  }
}

function familyRun(family: KernelFamily, requests: readonly { op: string; params: readonly number[] }[]): StepRun {
  return (ctx, inputs, outs) => {
    const wanted = [];
    for (let k = 0; k < requests.length; k++) {
      const out = outs[k];
      if (out) wanted.push({ op: requests[k]!.op, params: requests[k]!.params, out });
    }
    family.kernel(ctx, inputs, wanted);
  };
}

/**
 * Whether the fused loop computes exactly what the kernel would: the
 * operator has a cell expression and its arguments fit the signature
 * (series where a series belongs, a finite literal where a number does,
 * not only constants). Anything else goes to the kernel, which throws.
 */
function fusable(node: CallDag): boolean {
  const { spec, args } = node;
  if (!FUSABLE.has(spec.category) || !CELL_EXPRESSIONS[spec.name] || args.length !== spec.args.length) return false;
  let series = 0;
  for (let k = 0; k < args.length; k++) {
    const kind = spec.args[k]!.kind;
    const arg = args[k]!;
    if (arg.kind !== 'number') series++;
    if (kind === 'series' && arg.kind === 'number') return false;
    if (kind === 'number' && (arg.kind !== 'number' || !Number.isFinite(arg.value))) return false;
    if (kind !== 'series' && kind !== 'operand' && kind !== 'number') return false;
  }
  return series > 0;
}
