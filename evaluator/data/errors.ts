/**
 * The one error kind every data reader throws for a problem a user can fix
 * (a missing file, a malformed line, an unknown universe, ...).
 *
 * The message is always a single line naming the file and the problem, so
 * the CLI can print it as is and exit non-zero.
 */

export class DataError extends Error {
  override readonly name = 'DataError';

  constructor(message: string) {
    super(oneLine(message));
  }
}

/** Quotes a piece of untrusted text (a file line, a cell) for an error message: one line, bounded length. */
export function quote(text: string, max = 80): string {
  const flat = oneLine(text);
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}...` : flat);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
