import { DataError, quote } from './errors.js';

/** What to load from a data directory; every reader takes the same options. */
export interface LoadOptions {
  /**
   * Universe to load: the instruments that were ever members of it, and its
   * point-in-time mask on the panel. Default: every instrument with data.
   */
  readonly universe?: string;
  /** Fields to load (`close` or `$close`). Default: every field present. */
  readonly fields?: readonly string[];
  /** Explicit instrument codes (case-insensitive). Default: decided by `universe`. */
  readonly instruments?: readonly string[];
}

/** `$Close` -> `close`: field names are the lower-case file names of the data. */
export function fieldName(field: string): string {
  const name = field.trim().replace(/^\$/, '').toLowerCase();
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new DataError(`field ${quote(field)} is not a field name (letters, digits, _)`);
  return name;
}

/** The `fields` option as field names, without duplicates; an empty list is a mistake, not "no fields". */
export function requestedFields(fields: readonly string[]): string[] {
  if (fields.length === 0) throw new DataError('the list of fields to load is empty');
  return [...new Set(fields.map(fieldName))];
}
