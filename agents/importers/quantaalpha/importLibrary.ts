/**
 * A whole QuantaAlpha library through the translator: one result per factor
 * (translated, unsupported with every reason, failed to parse with the
 * position, duplicate of an earlier translation, or an invalid entry), and
 * the counts a user reads first: by status, exactness, reason, function and
 * field.
 */
import type { CompiledFactor, CompileOptions } from '../../../operators/index.js';
import { EXACTNESS, type Exactness } from './exactness.js';
import { importExpression } from './expression.js';
import { QA_FUNCTIONS, type ProblemCode } from './functions.js';
import type { QaFactorRecord, QaLibraryFile } from './libraryFile.js';

export const FACTOR_STATUSES = ['translated', 'unsupported', 'parse_error', 'duplicate', 'invalid'] as const;
export type FactorStatus = (typeof FACTOR_STATUSES)[number];

export interface FactorProblem {
  readonly code: ProblemCode;
  readonly subject: string;
  /** One line, `at N: ...` with N the 1-based position in their expression. */
  readonly message: string;
}

export interface ImportedFactor {
  readonly id: string;
  readonly name: string;
  /** Their expression, as written. */
  readonly source: string;
  readonly status: FactorStatus;
  /** Our canonical expression (translated and duplicate factors). */
  readonly expression: string | null;
  readonly exactness: Exactness | null;
  /** What differs from their computation, one sentence per rule used. */
  readonly notes: readonly string[];
  readonly problems: readonly FactorProblem[];
  /** For a duplicate: the id of the first factor with the same translation. */
  readonly duplicateOf: string | null;
  readonly functions: readonly string[];
  readonly fields: readonly string[];
  /** The library record (absent for invalid entries). */
  readonly record: QaFactorRecord | null;
  /** Our compiled factor (translated factors only). */
  readonly compiled: CompiledFactor | null;
}

export interface NameUse {
  readonly name: string;
  /** Factors whose expression uses it. */
  readonly factors: number;
  /** Of those, how many were translated (duplicates included). */
  readonly translated: number;
  /** Factors where it was the subject of a problem. */
  readonly problems: number;
  /** How the importer handles it: the table's translation, or the reason it cannot. */
  readonly handling: string;
}

export interface ImportSummary {
  readonly factors: number;
  readonly byStatus: Readonly<Record<FactorStatus, number>>;
  /** Translated factors (not duplicates) by their weakest rule. */
  readonly byExactness: Readonly<Record<Exactness, number>>;
  /** Factors per problem code (a factor with two unknown fields counts once). */
  readonly byReason: Readonly<Partial<Record<ProblemCode, number>>>;
  /** Every function name their expressions call, known or not, most used first. */
  readonly byFunction: readonly NameUse[];
  /** Every field their expressions read, most used first. */
  readonly byField: readonly NameUse[];
}

export interface ImportReport {
  readonly format: 'quantaalpha';
  readonly factors: readonly ImportedFactor[];
  readonly summary: ImportSummary;
}

function base(record: QaFactorRecord): Pick<ImportedFactor, 'id' | 'name' | 'source' | 'record'> {
  return { id: record.id, name: record.name, source: record.expression, record };
}

function importRecord(record: QaFactorRecord, options: CompileOptions, seen: Map<string, string>): ImportedFactor {
  const result = importExpression(record.expression, options);
  const none = { expression: null, exactness: null, notes: [], duplicateOf: null, compiled: null };
  const problems = (list: readonly FactorProblem[]): FactorProblem[] => list.map((p) => ({ code: p.code, subject: p.subject, message: p.message }));
  switch (result.status) {
    case 'parse_error':
      return { ...base(record), ...none, status: 'parse_error', problems: problems([result.problem]), functions: [], fields: [] };
    case 'unsupported':
      return { ...base(record), ...none, status: 'unsupported', problems: problems(result.problems), functions: result.functions, fields: result.fields };
    case 'translated': {
      const first = seen.get(result.compiled.canonical);
      if (first === undefined) seen.set(result.compiled.canonical, record.id);
      return {
        ...base(record),
        status: first === undefined ? 'translated' : 'duplicate',
        expression: result.compiled.canonical,
        exactness: result.exactness,
        notes: result.notes,
        problems: [],
        duplicateOf: first ?? null,
        functions: result.functions,
        fields: result.fields,
        compiled: first === undefined ? result.compiled : null,
      };
    }
  }
}

function fieldHandling(field: string): string {
  if (field === '$return') return 'mapped: $close/Ref($close,1)-1 (present)';
  return ['$open', '$high', '$low', '$close', '$volume'].includes(field) ? 'mapped: same field' : 'not in the data';
}

function functionHandling(name: string): string {
  const spec = QA_FUNCTIONS.get(name);
  if (!spec) return "not a function of QuantaAlpha's library";
  return spec.translate === null ? spec.ours : `mapped: ${spec.ours}`;
}

function uses(factors: readonly ImportedFactor[], namesOf: (f: ImportedFactor) => readonly string[], handling: (name: string) => string): NameUse[] {
  const table = new Map<string, { factors: number; translated: number; problems: number }>();
  for (const f of factors) {
    const subjects = new Set(f.problems.map((p) => p.subject));
    for (const name of new Set(namesOf(f))) {
      const row = table.get(name) ?? { factors: 0, translated: 0, problems: 0 };
      row.factors++;
      if (f.status === 'translated' || f.status === 'duplicate') row.translated++;
      if (subjects.has(name)) row.problems++;
      table.set(name, row);
    }
  }
  return [...table]
    .map(([name, row]) => ({ name, ...row, handling: handling(name) }))
    .sort((a, b) => b.factors - a.factors || a.name.localeCompare(b.name));
}

export function summarise(factors: readonly ImportedFactor[]): ImportSummary {
  const byStatus = Object.fromEntries(FACTOR_STATUSES.map((s) => [s, 0])) as Record<FactorStatus, number>;
  const byExactness = Object.fromEntries(EXACTNESS.map((e) => [e, 0])) as Record<Exactness, number>;
  const byReason: Partial<Record<ProblemCode, number>> = {};
  for (const f of factors) {
    byStatus[f.status]++;
    if (f.status === 'translated' && f.exactness) byExactness[f.exactness]++;
    for (const code of new Set(f.problems.map((p) => p.code))) byReason[code] = (byReason[code] ?? 0) + 1;
  }
  return {
    factors: factors.length,
    byStatus,
    byExactness,
    byReason,
    byFunction: uses(factors, (f) => f.functions, functionHandling),
    byField: uses(factors, (f) => f.fields, fieldHandling),
  };
}

/**
 * Translates every factor of a library. `options` are our compiler's
 * (the fields the target data has; default limits apply, so every
 * translated expression is one any part of the swarm accepts).
 */
export function importQuantaAlphaLibrary(library: QaLibraryFile, options: CompileOptions = {}): ImportReport {
  const seen = new Map<string, string>();
  const factors: ImportedFactor[] = library.records.map((record) => importRecord(record, options, seen));
  for (const entry of library.invalid) {
    factors.push({
      id: entry.id,
      name: entry.id,
      source: '',
      status: 'invalid',
      expression: null,
      exactness: null,
      notes: [],
      problems: [{ code: 'invalid_entry', subject: 'entry', message: `invalid entry: ${entry.reason}` }],
      duplicateOf: null,
      functions: [],
      fields: [],
      record: null,
      compiled: null,
    });
  }
  return { format: 'quantaalpha', factors, summary: summarise(factors) };
}
