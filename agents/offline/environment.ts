/** What the offline model knows about the data: the fields and limits every expression it writes must compile under. */
import { compileFactor, DEFAULT_FIELDS, type CompileResult, type FactorLimits } from '../../operators/index.js';

export interface OfflineEnvironment {
  readonly fields: ReadonlySet<string>;
  readonly limits: Partial<FactorLimits>;
}

export const DEFAULT_ENVIRONMENT: OfflineEnvironment = { fields: DEFAULT_FIELDS, limits: {} };

export function compileIn(env: OfflineEnvironment, source: string): CompileResult {
  return compileFactor(source, { fields: env.fields, limits: env.limits });
}
