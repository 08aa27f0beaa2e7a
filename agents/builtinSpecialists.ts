/**
 * CogAlpha's 21 specialists as SpecialistDefinitions ready to host: each
 * carries the catalog's name, level, guidance, version and capabilities, and
 * proposes with the default LLM-backed behaviour (agents/specialistBehaviour.ts),
 * exactly as an attached module without propose() would.
 */
import type { ModelAccess } from './modelCall.js';
import { defaultSpecialistBehaviour } from './specialistBehaviour.js';
import { SPECIALISTS } from './specialists/catalog.js';
import { specialistIdentity, specialistMachine, type SpecialistDefinition } from './specialistDefinition.js';

export const BUILTIN_SPECIALISTS: readonly SpecialistDefinition[] = SPECIALISTS.map((s) => ({
  name: s.name,
  level: s.level,
  guidance: s.guidance,
  version: s.version,
  capabilities: [...s.capabilities],
}));

export const BUILTIN_SPECIALIST_NAMES: ReadonlySet<string> = new Set(BUILTIN_SPECIALISTS.map((s) => s.name));

/** Each built-in specialist's machine (with the default behaviour over `model`) and identity. */
export function builtinSpecialistAgents(model: ModelAccess) {
  const behaviour = defaultSpecialistBehaviour(model);
  return BUILTIN_SPECIALISTS.map((definition) => ({
    definition,
    machine: specialistMachine(definition, behaviour(definition)),
    identity: specialistIdentity(definition),
  }));
}
