/** JetStream API errors worth telling apart. */

/** A stream, consumer or message that does not exist (API error 404). */
export function isNotFound(err: unknown): boolean {
  const e = err as { code?: string | number; api_error?: { code?: number } };
  return e?.api_error?.code === 404 || e?.code === '404' || e?.code === 404;
}

/** A key-value create or update that lost to another writer ("wrong last sequence", 10071). */
export function isWrongRevision(err: unknown): boolean {
  return (err as { api_error?: { err_code?: number } })?.api_error?.err_code === 10071;
}
