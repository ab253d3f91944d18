import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineTooLongError, linesOfBlock, splitLineBlocks, splitLines, type LineBlock } from '../../src/capture/line-splitter.js';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

async function collect<T>(it: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const x of it) items.push(x);
  } catch (error) {
    return { items, error };
  }
  return { items, error: null };
}

describe('line splitter', () => {
  it('blocks hold whole lines across chunk edges, numbered, with the last line unterminated at the end', async () => {
    const { items, error } = await collect(splitLineBlocks(chunks('a\nbb', 'b\nc', 'cc', '\r\nd\n\ne')));
    assert.equal(error, null);
    assert.deepEqual(
      items.map((b) => [b.firstLine, b.lines, b.bytes.toString()]),
      [
        [1, 1, 'a\n'],
        [2, 1, 'bbb\n'],
        [3, 3, 'ccc\r\nd\n\n'],
        [6, 1, 'e'],
      ],
    );
    const lines = items.flatMap((b: LineBlock) => [...linesOfBlock(b)].map((l) => [l.number, l.bytes.toString()]));
    assert.deepEqual(lines, [
      [1, 'a'],
      [2, 'bbb'],
      [3, 'ccc'],
      [4, 'd'],
      [5, ''],
      [6, 'e'],
    ]);
  });

  it('a line over the cap ends the input at that line, after every line before it (in the same chunk too)', async () => {
    const { items, error } = await collect(splitLines(chunks('ok\nfine\n' + 'x'.repeat(20) + '\nnever\n'), 10));
    assert.deepEqual(
      items.map((l) => l.bytes.toString()),
      ['ok', 'fine'],
    );
    assert.ok(error instanceof LineTooLongError);
    assert.equal(error.lineNumber, 3);
    // Spread over chunks with no newline: caught before the whole line is held.
    const spread = await collect(splitLines(chunks('a\n', 'x'.repeat(8), 'x'.repeat(8), 'x\n'), 10));
    assert.deepEqual(
      spread.items.map((l) => l.number),
      [1],
    );
    assert.equal((spread.error as LineTooLongError).lineNumber, 2);
    // A pending start plus the rest of the line in the next chunk.
    const joined = await collect(splitLines(chunks('a\nxxxxxx', 'xxxxxx\nb\n'), 10));
    assert.deepEqual(
      joined.items.map((l) => l.number),
      [1],
    );
    assert.equal((joined.error as LineTooLongError).lineNumber, 2);
    // Exactly at the cap is fine.
    const exact = await collect(splitLines(chunks('x'.repeat(10) + '\n' + 'y'.repeat(10)), 10));
    assert.equal(exact.error, null);
    assert.deepEqual(
      exact.items.map((l) => l.bytes.length),
      [10, 10],
    );
  });
});
