import { describe, expect, it } from 'vitest';
import { compileFactor } from '../../operators/compile.js';
import { dslSpecification } from '../../operators/dslSpec.js';
import { OPERATORS } from '../../operators/registry.js';

describe('DSL specification', () => {
  const text = dslSpecification();

  it('lists every registry operator with its signature, doc and example, under its category', () => {
    for (const spec of OPERATORS.values()) {
      const line = text.split('\n').find((l) => l.startsWith(`- \`${spec.name}(`));
      expect(line, spec.name).toBeDefined();
      for (const arg of spec.args) expect(line).toContain(`${arg.name}: ${arg.kind}`);
      expect(line).toContain(`Example: \`${spec.example}\``);
      // the doc is there, possibly without the shared closing note printed once above the list
      const firstSentence = spec.doc.split(/(?<=\.)\s+/)[0]!;
      expect(line).toContain(firstSentence);
      if (spec.infix) expect(line).toContain(`\`a ${spec.infix} b\``);
    }
    expect(text.indexOf('### Element-wise')).toBeLessThan(text.indexOf('`Abs('));
    expect(text.indexOf('### Cross-sectional')).toBeLessThan(text.indexOf('`CSRank('));
  });

  it('prints the note the rolling docs share once, and marks the operators it applies to', () => {
    const note = text.split('\n').find((l) => l.startsWith('(*) '))!;
    expect(note).toContain('N=0 is an expanding window');
    const mean = OPERATORS.get('Mean')!;
    expect(mean.doc.endsWith(note.slice(4))).toBe(true);
    expect(text).toContain('- `Mean(x: series, N: window)` (*): Mean of the finite values in the window. Example:');
    expect(text).not.toContain('`Delta(x: series, N: window)` (*)');
  });

  it('shows the fields given, vwap only when given, and the limits given', () => {
    expect(text).toContain('- `$close`: closing price');
    expect(text).not.toContain('$vwap');
    const custom = dslSpecification({ fields: new Set(['close', 'vwap', 'amount']), limits: { maxDepth: 9, maxWindow: 250 } });
    expect(custom).toContain('- `$vwap`: volume-weighted');
    expect(custom).toContain('- `$amount`\n');
    expect(custom).not.toContain('`$open`');
    expect(custom).toContain('nesting depth at most 9');
    expect(custom).toContain('windows and lags at most 250 days');
    expect(custom).toContain('at most 128 nodes');
  });

  it('states the precedence and the look-ahead rule the compiler enforces', () => {
    expect(text).toContain('1. `==` `!=` `>` `>=` `<` `<=`\n2. `|`\n3. `&`\n4. `+` `-`\n5. `*` `/`\n6. unary `-`');
    expect(text).toContain('negative lag (`Ref($close, -1)`)');
    const wrong = compileFactor('$close > $open & $volume > 0');
    expect(!wrong.ok && wrong.error.code).toBe('syntax');
    expect(compileFactor('($close > $open) & ($volume > 0)').ok).toBe(true);
  });
});
