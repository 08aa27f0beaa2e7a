/**
 * Follows the relative runtime imports of TypeScript sources (static
 * `import`/`export ... from`, side-effect imports, `import()`, `require()`;
 * `import type`/`export type` are erased and skipped) to find whether any
 * file under some roots can load a given module.
 */

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const STATIC = /(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]/g;
const DYNAMIC = /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

export function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(STATIC)) if (!m[1]) found.push(m[2]!);
  for (const m of text.matchAll(DYNAMIC)) found.push(m[1]!);
  return found.filter((s) => s.startsWith('.')).flatMap((s) => resolveSource(dirname(file), s) ?? []);
}

function resolveSource(from: string, specifier: string): string | null {
  const base = resolve(from, specifier);
  const candidates = [base, base.replace(/\.(m|c)?js$/, '.$1ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** An import chain from one of `roots` to `target`, or null if none exists. */
export function importChain(roots: readonly string[], target: string): string[] | null {
  const previous = new Map<string, string | null>(roots.map((r) => [r, null]));
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (file === target) {
      const chain = [file];
      for (let p = previous.get(file); p; p = previous.get(p)) chain.unshift(p);
      return chain;
    }
    for (const next of runtimeImports(file)) {
      if (previous.has(next)) continue;
      previous.set(next, file);
      queue.push(next);
    }
  }
  return null;
}
