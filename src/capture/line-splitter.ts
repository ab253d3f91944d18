/**
 * Split a stream of byte chunks into lines without holding more than one line in memory:
 * NDJSON captures can be far larger than memory, and their size must not matter.
 *
 * Two views of the same cut: `splitLineBlocks` gives runs of whole lines as they were read
 * (an audit worker can take a block raw and split it itself), and `splitLines` gives the
 * lines one by one. Both apply the same line cap at the same line.
 */

export interface Line {
  /** 1-based line number. */
  number: number;
  bytes: Buffer;
}

/**
 * Whole lines as read: every line but the last ends with "\n" (the last may not, at the end of
 * the input). `firstLine` is the 1-based number of its first line; `lines` how many it holds.
 */
export interface LineBlock {
  firstLine: number;
  lines: number;
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

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export async function* splitLineBlocks(chunks: AsyncIterable<Buffer>, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LineBlock> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      pendingBytes += chunk.length;
      if (pendingBytes > maxLineBytes) throw new LineTooLongError(number + 1, maxLineBytes);
      // Copy: the caller may reuse the chunk's memory.
      pending.push(Buffer.from(chunk));
      continue;
    }
    // Lines are counted (and measured) here, so a block's numbers are known before anyone
    // splits it; a line over the cap ends the input where it starts, after the lines before it.
    const firstLine = number + 1;
    let lines = 0;
    let lineStart = 0;
    let tooLong = false;
    for (let nl = chunk.indexOf(10); nl !== -1 && nl <= last; nl = chunk.indexOf(10, nl + 1)) {
      if (nl - lineStart + (lines === 0 ? pendingBytes : 0) > maxLineBytes) {
        tooLong = true;
        break;
      }
      lines++;
      lineStart = nl + 1;
    }
    if (lines > 0) {
      const head = chunk.subarray(0, lineStart);
      yield { firstLine, lines, bytes: pending.length > 0 ? Buffer.concat([...pending, head]) : head };
      pending = [];
      pendingBytes = 0;
      number += lines;
    }
    if (tooLong) throw new LineTooLongError(number + 1, maxLineBytes);
    if (last + 1 < chunk.length) {
      const rest = chunk.subarray(last + 1);
      pendingBytes = rest.length;
      if (pendingBytes > maxLineBytes) throw new LineTooLongError(number + 1, maxLineBytes);
      pending.push(Buffer.from(rest));
    }
  }
  if (pending.length > 0) yield { firstLine: number + 1, lines: 1, bytes: Buffer.concat(pending) };
}

/** The lines of a block, numbered, each without its "\n" or a "\r" before it. */
export function* linesOfBlock(block: LineBlock): Generator<Line> {
  const { bytes } = block;
  let number = block.firstLine;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    yield { number: number++, bytes: stripCr(bytes.subarray(start, end)) };
    start = end + 1;
  }
}

export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<Line> {
  for await (const block of splitLineBlocks(chunks, maxLineBytes)) yield* linesOfBlock(block);
}

function stripCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === 13 ? b.subarray(0, b.length - 1) : b;
}
