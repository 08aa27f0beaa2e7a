import { describe, expect, it } from 'vitest';
import { parseExprFile } from '../../bin/exprFile.js';

describe('parseExprFile', () => {
  it('reads the three line forms, skips comments and blank lines, and keeps each expression column', () => {
    const text = ['# header', '', 'MA5 = Mean($close, 5)', 'VOL\tStd($volume,10)', '  $close>$open   # inline comment', 'a.b-c=$high', '\r'].join('\n');
    expect(parseExprFile(text, 'f.txt')).toEqual([
      { line: 3, name: 'MA5', expression: 'Mean($close, 5)', column: 6 },
      { line: 4, name: 'VOL', expression: 'Std($volume,10)', column: 4 },
      { line: 5, name: 'line5', expression: '$close>$open', column: 2 },
      { line: 6, name: 'a.b-c', expression: '$high', column: 6 },
    ]);
  });

  it('does not take a comparison for a name', () => {
    expect(parseExprFile('Abs == $close', 'f')).toEqual([{ line: 1, name: 'line1', expression: 'Abs == $close', column: 0 }]);
  });

  it('takes a tab inside an expression as whitespace when what precedes it is not a name', () => {
    expect(parseExprFile('Mean($close,\t5)', 'f')[0]).toEqual({ line: 1, name: 'line1', expression: 'Mean($close,\t5)', column: 0 });
  });

  it('rejects an empty file, a name without expression, and a repeated name, naming the line', () => {
    expect(() => parseExprFile('# only\n\n  \n', 'f.txt')).toThrow('f.txt has no expressions (only blank lines and # comments)');
    expect(() => parseExprFile('$close\nX = ', 'f.txt')).toThrow("f.txt line 2: factor 'X' has no expression");
    expect(() => parseExprFile('X = $close\nY = $open\nX\t$high', 'f.txt')).toThrow("f.txt line 3: factor name 'X' is already used on line 1");
  });
});
