/**
 * Kernel families by member operator: operators the engine computes
 * together when a batch applies several of them to the same series and
 * window (see KernelFamily in types.ts).
 */

import { MAX_FAMILY, MIN_FAMILY } from './rolling/extremes.js';
import { MOMENTS_FAMILY } from './rolling/moments.js';
import { ORDER_FAMILY } from './rolling/orderStatistics.js';
import { REGRESSION_FAMILY } from './rolling/regression.js';
import type { KernelFamily } from './types.js';

const FAMILIES: readonly KernelFamily[] = [MOMENTS_FAMILY, REGRESSION_FAMILY, ORDER_FAMILY, MAX_FAMILY, MIN_FAMILY];

const BY_MEMBER: ReadonlyMap<string, KernelFamily> = new Map(
  FAMILIES.flatMap((family) => Object.keys(family.shared).map((op) => [op, family] as const)),
);

/** The family operator `op` belongs to, if any. */
export function familyOf(op: string): KernelFamily | undefined {
  return BY_MEMBER.get(op);
}

export type { FamilyRequest, KernelFamily } from './types.js';
