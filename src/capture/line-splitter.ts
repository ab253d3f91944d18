/**
 * Split a stream of byte chunks into lines without holding more than one line in memory:
 * NDJSON captures can be far larger than memory, and their size must not matter.
 */

export interface Line {
  /** 1-based line number. */
  number: number;
  bytes: Buffer;
}

export class LineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly limit: number,
  ) {
    super(`line ${lineNumber} is longer than ${limit} bytes`);
  }
}

export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes = 64 * 1024 * 1024): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      let piece = chunk.subarray(start, nl);
      if (pending.length > 0) {
        piece = Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
      }
      number++;
      if (piece.length > maxLineBytes) throw new LineTooLongError(number, maxLineBytes);
      yield { number, bytes: stripCr(piece) };
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes) throw new LineTooLongError(number + 1, maxLineBytes);
      // Copy: the caller may reuse the chunk's memory.
      pending.push(Buffer.from(rest));
    }
  }
  if (pending.length > 0) {
    number++;
    yield { number, bytes: stripCr(Buffer.concat(pending)) };
  }
}

function stripCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === 13 ? b.subarray(0, b.length - 1) : b;
}
