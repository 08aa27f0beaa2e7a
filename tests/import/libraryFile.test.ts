/**
 * Reading QuantaAlpha's library file: a file of another shape is refused as
 * a whole, a malformed entry is listed with its reason and the rest go on.
 */
import { describe, expect, it } from 'vitest';
import { ImportError, readQuantaAlphaLibrary } from '../../agents/importers/index.js';

describe('readQuantaAlphaLibrary', () => {
  it('refuses text that is not a library, in one line', () => {
    for (const [text, message] of [
      ['not json', /^not JSON \(.*\): a QuantaAlpha library is \{"factors"/],
      ['{"metadata": {}}', /^not a QuantaAlpha library: no "factors" object/],
      ['{"factors": []}', /^not a QuantaAlpha library: no "factors" object/],
      ['{"factors": {"a": {"expression": "RANK($close)"}}}', /^not a QuantaAlpha library: no entry of "factors" has a "factor_expression"/],
    ] as const) {
      expect(() => readQuantaAlphaLibrary(text), text).toThrow(ImportError);
      expect(() => readQuantaAlphaLibrary(text), text).toThrow(message);
    }
  });

  it('reads the fields it uses, with their defaults, and lists malformed entries', () => {
    const library = readQuantaAlphaLibrary(
      JSON.stringify({
        factors: {
          k1: { factor_id: 'f1', factor_name: 'one', factor_expression: 'RANK($close)', metadata: { hypothesis: 'h', trajectory_id: 't1', parent_trajectory_ids: ['t0'], round_number: 3, evolution_phase: 'mutation' } },
          k2: { factor_expression: 'TS_MEAN($close, 5)' },
          k3: { factor_id: 'f1', factor_expression: 'DELAY($close, 1)' },
          k4: { factor_expression: null },
          k5: { factor_expression: 'RANK($open)', metadata: { round_number: -1 } },
        },
      }),
    );
    expect(library.records).toEqual([
      { id: 'f1', name: 'one', expression: 'RANK($close)', description: '', hypothesis: 'h', trajectoryId: 't1', parentTrajectoryIds: ['t0'], round: 3, phase: 'mutation' },
      { id: 'k2', name: 'k2', expression: 'TS_MEAN($close, 5)', description: '', hypothesis: '', trajectoryId: '', parentTrajectoryIds: [], round: 0, phase: null },
    ]);
    expect(library.invalid.map((e) => e.id)).toEqual(['f1', 'k4', 'k5']);
    expect(library.invalid[0]!.reason).toBe('factor_id f1 is used by an earlier entry too');
    expect(library.invalid[1]!.reason).toMatch(/^factor_expression: /);
    expect(library.invalid[2]!.reason).toMatch(/^metadata\.round_number: /);
  });
});
