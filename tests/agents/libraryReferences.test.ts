import { describe, expect, it } from 'vitest';
import { ReferenceTable, referenceName } from '../../agents/libraryReferences.js';
import { DEFAULT_FIELDS } from '../../operators/fields.js';

const library = [
  { name: 'pv_corr_10', expression: 'Corr($close, Log($volume + 1), 10)' },
  { name: 'mom_5', expression: '$close / Ref($close, 5) - 1' },
];

describe('library references', () => {
  const table = new ReferenceTable(library);

  it('substitutes each reference by the referenced factor’s tree and compiles the result', () => {
    const compiled = table.compile('$MOM_5 * $pv_corr_10 / Std($close, 20)');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.canonical).toBe('($close / Ref($close, 5) - 1) * Corr($close, Log($volume + 1), 10) / Std($close, 20)');
    expect(compiled.references).toEqual(['mom_5', 'pv_corr_10']);
    // The same as writing the expansion by hand.
    const byHand = table.compile('($close/Ref($close,5)-1) * Corr($close, Log($volume+1), 10) / Std($close, 20)');
    expect(byHand.ok && byHand.hash).toBe(compiled.hash);
    expect(byHand.references).toEqual([]);
  });

  it('applies limits and look-ahead to the expanded expression', () => {
    const tight = new ReferenceTable(library, { limits: { maxNodes: 8 } });
    const over = tight.compile('$mom_5 * 2');
    expect(over).toMatchObject({ ok: false, error: { code: 'limit_nodes' } });
    expect(table.compile('$mom_5 + Ref($close, -1)')).toMatchObject({ ok: false, error: { code: 'lookahead' } });
  });

  it('leaves data fields alone and reports unknown names as the compiler does', () => {
    expect(table.expandText('$close / Ref($close, 1)')).toBeNull();
    expect(table.compile('$nope_1 + $close')).toMatchObject({ ok: false, error: { code: 'unknown_field' } });
  });

  it('ignores library names that are not reference names or collide with fields', () => {
    const odd = new ReferenceTable([
      { name: 'close', expression: 'Mean($close, 5)' },
      { name: 'Has Spaces', expression: 'Mean($close, 5)' },
      { name: 'ok_name', expression: 'Mean($close, 5)' },
    ]);
    expect(odd.names).toEqual(['ok_name']);
    expect(odd.compile('$close')).toMatchObject({ ok: true, canonical: '$close' });
  });
});

describe('referenceName', () => {
  it('makes snake-case names that are neither data fields nor taken', () => {
    expect(referenceName('Volume-confirmed Momentum (20d)', new Set())).toBe('volume_confirmed_momentum_20d');
    expect(referenceName('20-day reversal', new Set())).toBe('f_20_day_reversal');
    expect(referenceName('Close', new Set())).toBe('close_2');
    expect(referenceName('mom', new Set(['mom', 'mom_2']))).toBe('mom_3');
    // 'factor' is a data field too (the price adjustment factor).
    expect(DEFAULT_FIELDS.has('factor')).toBe(true);
    expect(referenceName('!!!', new Set())).toBe('factor_2');
  });
});
