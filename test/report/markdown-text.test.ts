import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mdCell, mdCode, mdTable } from '../../src/report/markdown-text.js';

// Split a GFM table row on unescaped pipes, as GitHub does before rendering the cells.
const cells = (row: string) => row.slice(2, -2).split(/(?<!\\)\|/).map((c) => c.trim());

describe('markdown escaping', () => {
  const hostile = ['a | b', 'x\ny', '<img src=x onerror=alert(1)>', '**bold** _em_ [link](http://x) `code`', 'back\\slash |'];

  it('a cell never splits a table row or carries markup', () => {
    for (const s of hostile) {
      const row = mdTable(['h1', 'h2'], ['l', 'l'], [[mdCell(s), 'end']]).split('\n')[2]!;
      assert.equal(cells(row).length, 2, row);
      assert.ok(!/<[a-z]/i.test(row), row);
      assert.ok(!row.includes('\n'));
    }
    assert.equal(mdCell('**x**'), '\\*\\*x\\*\\*');
  });

  it('inline code survives backticks and pipes', () => {
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('`x'), '`` `x ``');
    const row = mdTable(['h1', 'h2'], ['l', 'l'], [[mdCode('$.a | b'), 'end']]).split('\n')[2]!;
    assert.equal(cells(row).length, 2, row);
  });
});
