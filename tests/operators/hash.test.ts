import { describe, expect, it } from 'vitest';
import { compileFactor } from '../../operators/compile.js';
import { factorHash, subtreeKey } from '../../operators/hash.js';

function compiled(source: string) {
  const result = compileFactor(source);
  if (!result.ok) throw result.error;
  return result;
}

describe('factor hash', () => {
  it('is sha256 of the canonical text, 16 hex digits, the same in every process', () => {
    // printf '%s' '$close / Ref($close, 1) - 1' | sha256sum  ->  f5a601e5846893e7...
    expect(compiled('$close/Ref($close,1)-1').hash).toBe('f5a601e5846893e7');
    // printf '%s' 'Mean($close, 5)' | sha256sum  ->  02b4aeead2b3c0be...
    expect(factorHash(compiled('Mean( $Close , 5 )').ast)).toBe('02b4aeead2b3c0be');
  });

  it('ignores spelling that does not change the tree and separates trees that differ', () => {
    const hash = compiled('$close / Ref($close, 1) - 1').hash;
    for (const same of ['($Close) / Ref($close, 1) - (1)', '$close/Ref($close,1)-1', '$close / Ref($close, 0 + 1) - 1']) {
      expect(compiled(same).hash, same).toBe(hash);
    }
    for (const other of ['$close / Ref($close, 2) - 1', '$close / (Ref($close, 1) - 1)', '$open / Ref($close, 1) - 1']) {
      expect(compiled(other).hash, other).not.toBe(hash);
    }
  });
});

describe('subtree key', () => {
  it('gives equal subtrees of different factors the same key and different subtrees different keys', () => {
    const a = compiled('Mean($close, 5) / $open').ast;
    const b = compiled('Std($volume, 5) - Mean($close, 5)').ast;
    if (a.kind !== 'call' || b.kind !== 'call') throw new Error('expected calls');
    expect(subtreeKey(a.args[0]!)).toBe('Mean($close, 5)');
    expect(subtreeKey(a.args[0]!)).toBe(subtreeKey(b.args[1]!));
    expect(subtreeKey(b.args[0]!)).not.toBe(subtreeKey(b.args[1]!));
    expect(subtreeKey(a)).toBe('Mean($close, 5) / $open');
  });
});
