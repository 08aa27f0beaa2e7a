/**
 * A file of factor expressions, one a line: `#` starts a comment, blank
 * lines are skipped, and a line may name its factor as `name = expr` or
 * `name<TAB>expr`. Unnamed factors are called `line<N>`.
 */
import { CommandError } from './command.js';

export interface ExprLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly name: string;
  readonly expression: string;
  /** 0-based column of the expression's first character in its line, to place compiler errors. */
  readonly column: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** `name = expr`, but not the comparison `name == ...`. */
const NAMED = /^(\s*)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=(?!=)\s*)/;

/** The expressions of `text` (the file's content); `file` names it in errors. */
export function parseExprFile(text: string, file: string): ExprLine[] {
  const entries: ExprLine[] = [];
  const lineOfName = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const hash = raw.indexOf('#');
    const content = hash === -1 ? raw : raw.slice(0, hash);
    if (content.trim() === '') return;
    const { name, column } = splitName(content, line);
    const expression = content.slice(column).trimEnd();
    if (expression.trim() === '') throw new CommandError(`${file} line ${line}: factor '${name}' has no expression`);
    const previous = lineOfName.get(name);
    if (previous !== undefined) throw new CommandError(`${file} line ${line}: factor name '${name}' is already used on line ${previous}`);
    lineOfName.set(name, line);
    entries.push({ line, name, expression, column });
  });
  if (entries.length === 0) throw new CommandError(`${file} has no expressions (only blank lines and # comments)`);
  return entries;
}

function splitName(content: string, line: number): { name: string; column: number } {
  const tab = content.indexOf('\t');
  if (tab !== -1 && NAME.test(content.slice(0, tab).trim())) {
    let column = tab + 1;
    while (column < content.length && /\s/.test(content[column]!)) column++;
    return { name: content.slice(0, tab).trim(), column };
  }
  const named = NAMED.exec(content);
  if (named) return { name: named[2]!, column: named[0].length };
  const column = content.length - content.trimStart().length;
  return { name: `line${line}`, column };
}
