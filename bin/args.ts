/**
 * A small, strict option parser for the CLI: `--name value`, `--name=value`,
 * boolean `--flag`, positionals. Unknown options are errors, so a typo never
 * silently falls back to a default.
 */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  /** Takes a value (string) or is a boolean flag. */
  readonly type: 'string' | 'boolean';
  /** May be given several times (values collected in order). */
  readonly multiple?: boolean;
  readonly description: string;
}

export interface ParsedArgs {
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>, command: string): ParsedArgs {
  const options: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const s = spec[name];
    if (!s) {
      const known = Object.keys(spec).map((k) => `--${k}`).join(', ');
      throw new UsageError(`${command}: unknown option --${name} (options: ${known})`);
    }
    let value: string | boolean;
    if (s.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`${command}: --${name} takes no value`);
      value = true;
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${command}: --${name} needs a value`);
      value = next;
      i++;
    }
    if (s.multiple) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(value as string);
      options[name] = list;
    } else {
      if (options[name] !== undefined) throw new UsageError(`${command}: --${name} given twice`);
      options[name] = value;
    }
  }
  return { options, positionals };
}

/** The help text for a command's options. */
export function optionsHelp(spec: Readonly<Record<string, OptionSpec>>): string {
  const rows = Object.entries(spec).map(([k, s]) => [`--${k}${s.type === 'string' ? ' <value>' : ''}`, s.description] as const);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, d]) => `  ${k.padEnd(width)}  ${d}`).join('\n');
}

/** A required string option, or a UsageError naming it. */
export function requireString(args: ParsedArgs, name: string, command: string): string {
  const v = args.options[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`${command}: --${name} is required`);
  return v;
}
