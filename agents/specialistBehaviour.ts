/**
 * The default, LLM-backed behaviour of a specialist (the seam
 * provideDefaultSpecialistBehaviour in specialistDefinition.ts): from a
 * `specialist.task` it builds the specialist role's input (CogAlpha's
 * guidance in the requested paraphrase mode, the direction, Hubble's positive
 * and negative retrieval, the analyst's feedback, a person's comments), asks
 * the model, and returns the proposals as {hypothesis, expression?}.
 *
 * Built-in specialists take their layer, remit and five paraphrases from the
 * catalog; an attached module's own guidance serves every mode and its level
 * names its layer. The structured `brief` is what the swarm sends; a task
 * without one (sent by hand) gets the light mode, its direction text, and its
 * context text as feedback.
 */
import { askModel, type ModelAccess } from './modelCall.js';
import { directionFromText } from './planner.js';
import type { GuidanceMode, RoleInput } from './roles.js';
import { LAYERS, builtInSpecialist } from './specialists/catalog.js';
import {
  provideDefaultSpecialistBehaviour,
  type Proposal,
  type Propose,
  type SpecialistBrief,
  type SpecialistDefinition,
  type SpecialistTask,
} from './specialistDefinition.js';

/** Proposals asked for when a task has no brief. */
export const DEFAULT_PROPOSALS = 3;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** The specialist's guidance in a paraphrase mode (an attached module's single guidance serves every mode). */
export function guidanceFor(definition: SpecialistDefinition, mode: GuidanceMode): string {
  return builtInSpecialist(definition.name)?.paraphrases[mode] ?? definition.guidance;
}

/** The specialist role's input for a task. */
export function specialistRoleInput(definition: SpecialistDefinition, task: SpecialistTask): RoleInput<'specialist'> {
  const builtIn = builtInSpecialist(definition.name);
  const brief = task.brief;
  const mode: GuidanceMode = brief?.guidanceMode ?? 'light';
  return {
    specialist: {
      name: definition.name,
      level: definition.level,
      layer: builtIn?.layer ?? LAYERS[definition.level - 1]!.name,
      remit: cut(builtIn?.remit ?? definition.guidance, 2000),
    },
    guidanceMode: mode,
    guidance: cut(guidanceFor(definition, mode), 4000),
    direction: brief ? brief.direction : directionFromText(task.direction, task.direction),
    positives: brief?.positives ?? [],
    negatives: brief?.negatives ?? [],
    feedback: brief?.feedback ?? (task.context.trim() === '' ? [] : [cut(task.context.trim(), 2000)]),
    humanComments: brief?.humanComments ?? [],
    count: brief?.count ?? DEFAULT_PROPOSALS,
  };
}

/** A proposal for the builder: the hypothesis (with the model's rationale when it fits) and the sketch, if any. */
function toProposal(p: { hypothesis: string; rationale?: string | undefined; expression?: string | undefined }): Proposal {
  const why = p.rationale?.trim();
  const hypothesis = why && p.hypothesis.length + why.length + 6 <= 4000 ? `${p.hypothesis}\nWhy: ${why}` : p.hypothesis;
  return p.expression === undefined ? { hypothesis } : { hypothesis, expression: p.expression };
}

export function defaultSpecialistBehaviour(model: ModelAccess): (definition: SpecialistDefinition) => Propose {
  return (definition) => async (task) => {
    const reply = await askModel(model, 'specialist', definition.name, specialistRoleInput(definition, task));
    return reply.proposals.map(toProposal);
  };
}

/** Plugs the default behaviour into the seam, for modules loaded without a propose(). */
export function installDefaultSpecialistBehaviour(model: ModelAccess): void {
  provideDefaultSpecialistBehaviour(defaultSpecialistBehaviour(model));
}

/**
 * The brief as text, for the task's `context` (what a module with its own
 * propose() reads when it does not look at `brief`).
 */
export function briefContext(brief: SpecialistBrief): string {
  const lines: string[] = [`Guidance mode: ${brief.guidanceMode}. Proposals wanted: ${brief.count}.`];
  if (brief.direction) {
    const d = brief.direction;
    lines.push(`Direction: ${d.title} (${d.signalSource}, ${d.timeScale}-term, ${d.mechanism}). ${d.rationale}`);
    if (d.seeds.length > 0) lines.push(`Seed factors: ${d.seeds.join(', ')}.`);
  }
  const examples = (title: string, list: SpecialistBrief['positives']): void => {
    if (list.length === 0) return;
    lines.push(title);
    for (const e of list) lines.push(`- ${e.expression} (${e.note})${e.hypothesis ? `: ${e.hypothesis}` : ''}`);
  };
  examples('Accepted factors near your remit:', brief.positives);
  examples('Rejected attempts to avoid:', brief.negatives);
  if (brief.feedback.length > 0) lines.push('Feedback on the last generation:', ...brief.feedback.map((f) => `- ${f}`));
  if (brief.humanComments.length > 0) lines.push('Comments from a person:', ...brief.humanComments.map((c) => `- ${c}`));
  return cut(lines.join('\n'), 20_000);
}

/** A `specialist.task` payload carrying the brief both ways. */
export function specialistTask(brief: SpecialistBrief): SpecialistTask {
  const direction = brief.direction ? `${brief.direction.title}: ${brief.direction.rationale}` : 'Explore your remit freely.';
  return { direction: cut(direction, 2000), context: briefContext(brief), brief };
}
