/**
 * Read captures from files, directories, globs and stdin, choosing the reader by content:
 * the tool's NDJSON capture format (streamed, line by line), HAR 1.2, or bare JSON payloads
 * (an object, an array of them, or one per line). Input that fits none of these is not
 * skipped: it becomes a request whose body the engine reports as unparseable.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureFormat, CaptureOrigin, CapturedRequest } from './captured-request.js';
import { fromCaptureRecord, isCaptureRecord, MAX_CAPTURE_LINE_BYTES } from './capture-record.js';
import { bareRequest as bareAt, idAt, isCaptureLines, originAt, requestsOfCaptureLines, type CaptureLines, type ReadPlace, type Where } from './capture-lines.js';
import { InputError } from './input-error.js';
import { withContainerProblems } from './container-problems.js';
import { decodeContainer } from './container-text.js';
import { harToRequests, HarError, isHar } from './har.js';
import { linesOfBlock, splitLineBlocks, LineTooLongError, type Line, type LineBlock } from './line-splitter.js';
import { parseJson } from '../json/json-parse.js';

export { InputError };

export interface InputSource {
  /** Path as the user will recognise it (relative to the working directory), or "-". */
  display: string;
  path: string | null;
}

const CAPTURE_EXTENSIONS = ['ndjson', 'jsonl', 'json', 'har'];
const MAX_WHOLE_FILE_BYTES = 512 * 1024 * 1024;

/** Expand inputs into concrete sources, failing early (exit 2) on anything that is not there. */
export async function resolveInputs(inputs: readonly string[], cwd = process.cwd()): Promise<InputSource[]> {
  return (await resolveInputSet(inputs, cwd)).sources;
}

/**
 * Inputs as sources, plus notes on what a directory held that is not read (files without a
 * capture extension, broken links, links back into a directory already read), for the report:
 * a directory is never skipped in part without saying so.
 */
export async function resolveInputSet(inputs: readonly string[], cwd = process.cwd()): Promise<{ sources: InputSource[]; notes: string[] }> {
  const out: InputSource[] = [];
  const notes: string[] = [];
  const seenPaths = new Set<string>();
  // The same file reached twice (a symlink, a directory named twice) is read once.
  const seenFiles = new Set<string>();
  const add = async (abs: string): Promise<void> => {
    if (seenPaths.has(abs)) return;
    seenPaths.add(abs);
    const st = await stat(abs).catch(() => null);
    const identity = st ? `${st.dev}:${st.ino}` : abs;
    if (seenFiles.has(identity)) return;
    seenFiles.add(identity);
    out.push({ display: displayPath(abs, cwd), path: abs });
  };
  let stdinUsed = false;
  for (const input of inputs) {
    if (input === '-') {
      if (stdinUsed) throw new InputError('"-" (stdin) can be given only once');
      stdinUsed = true;
      out.push({ display: '-', path: null });
      continue;
    }
    const abs = path.resolve(cwd, input);
    const st = await stat(abs).catch(() => null);
    if (st?.isFile()) {
      await add(abs);
    } else if (st?.isDirectory()) {
      const listing = await walkDirectory(abs);
      if (listing.files.length === 0) {
        throw new InputError(`${input}: directory holds no capture files (${CAPTURE_EXTENSIONS.map((e) => '*.' + e).join(', ')})${listing.skipped.length > 0 ? `; not read: ${listing.skipped.slice(0, 5).map((s) => `${displayPath(s.path, cwd)} (${s.reason})`).join(', ')}` : ''}`);
      }
      for (const f of listing.files) await add(f);
      for (const [reason, paths] of groupBy(listing.skipped)) {
        const shown = paths.slice(0, 5).map((p) => displayPath(p, cwd));
        notes.push(`${input}: ${paths.length} not read (${reason}): ${shown.join(', ')}${paths.length > shown.length ? `, and ${paths.length - shown.length} more` : ''}`);
      }
    } else if ((await fastGlob()).isDynamicPattern(input)) {
      const files = await (await fastGlob())(input.replace(/\\/g, '/'), { cwd, absolute: true, onlyFiles: true });
      if (files.length === 0) throw new InputError(`${input}: the pattern matches no file`);
      for (const f of files.sort()) await add(path.normalize(f));
    } else {
      throw new InputError(`${input}: no such file or directory`);
    }
  }
  return { sources: out, notes };
}

const CAPTURE_NAME = new RegExp(`\\.(${CAPTURE_EXTENSIONS.join('|')})$`, 'i');

/**
 * Every capture file under a directory: dotfiles and dot-directories included, extensions in
 * any case, symlinks followed but each real directory entered once (a link loop ends).
 */
async function walkDirectory(root: string): Promise<{ files: string[]; skipped: Array<{ path: string; reason: string }> }> {
  const files: string[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  const entered = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const st = await stat(dir);
    const identity = `${st.dev}:${st.ino}`;
    if (entered.has(identity)) {
      skipped.push({ path: dir, reason: 'a link to a directory already read' });
      return;
    }
    entered.add(identity);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (err) {
      throw new InputError(`${dir}: cannot read the directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    for (const name of names) {
      const p = path.join(dir, name);
      const target = await stat(p).catch(() => null);
      if (!target) skipped.push({ path: p, reason: 'a broken link or unreadable entry' });
      else if (target.isDirectory()) await walk(p);
      else if (!target.isFile()) skipped.push({ path: p, reason: 'not a regular file' });
      else if (CAPTURE_NAME.test(name)) files.push(p);
      else skipped.push({ path: p, reason: `no capture extension: ${CAPTURE_EXTENSIONS.map((e) => '.' + e).join(', ')}` });
    }
  };
  await walk(root);
  return { files, skipped };
}

function groupBy(items: ReadonlyArray<{ path: string; reason: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { path: p, reason } of items) out.set(reason, [...(out.get(reason) ?? []), p]);
  return out;
}

/** fast-glob is loaded only for patterns (and names that are neither file nor directory): a CI run over one file starts faster without it. */
async function fastGlob(): Promise<typeof import('fast-glob')> {
  return (await import('fast-glob')).default;
}

function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

/**
 * Read size, and so the most a block of capture lines handed to an audit worker holds (plus one
 * line). Kept under the size at which memory comes fresh from the kernel (128 KiB for malloc,
 * and V8's large-object space): page faults on every larger buffer and string sent between
 * threads cost more than the audit of the lines in them on a virtual machine.
 */
const READ_CHUNK_BYTES = 64 * 1024;

async function* chunksOf(source: InputSource, stdin: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const stream = source.path === null ? stdin : createReadStream(source.path, { highWaterMark: READ_CHUNK_BYTES });
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}

/** Read one source, yielding requests as they are read (NDJSON never sits whole in memory). */
export async function* readSource(source: InputSource, stdin: NodeJS.ReadableStream = process.stdin): AsyncGenerator<CapturedRequest> {
  for await (const unit of readSourceUnits(source, stdin)) {
    if (!isCaptureLines(unit)) {
      yield unit;
      continue;
    }
    try {
      yield* requestsOfCaptureLines(unit);
    } catch (err) {
      throw asInputError(source, err);
    }
  }
}

/**
 * Read one source as units: requests, or (the NDJSON capture format) runs of raw capture lines
 * that whoever audits them turns into requests with `requestsOfCaptureLines`, on this thread
 * or on a worker's.
 */
export async function* readSourceUnits(source: InputSource, stdin: NodeJS.ReadableStream = process.stdin): AsyncGenerator<CapturedRequest | CaptureLines> {
  const blocks = splitLineBlocks(chunksOf(source, stdin), MAX_CAPTURE_LINE_BYTES);
  const head: LineBlock[] = [];
  let first: Line | undefined;
  try {
    // Pull blocks by hand: leaving a for-await loop early would close the generator.
    while (!first) {
      const next = await blocks.next();
      if (next.done) break;
      head.push(next.value);
      for (const line of linesOfBlock(next.value)) {
        if (line.bytes.toString('utf8').trim() !== '') {
          first = line;
          break;
        }
      }
    }
  } catch (err) {
    throw asInputError(source, err);
  }
  if (!first) {
    throw new InputError(`${source.display}: empty input`);
  }
  const firstText = first.bytes.toString('utf8').replace(/^\uFEFF/, '');
  let firstValue: unknown;
  try {
    firstValue = JSON.parse(firstText);
  } catch {
    firstValue = undefined;
  }

  const place = placeOf(source);
  if (isCaptureRecord(firstValue)) {
    const readAt = fileTime();
    try {
      for (const block of head) yield { place, readAt, block };
      for await (const block of blocks) yield { place, readAt, block };
    } catch (err) {
      throw asInputError(source, err);
    }
    return;
  }

  // Not the capture format: the whole input is one JSON document, JSON lines, or garbage.
  const tooLarge = new InputError(`${source.display}: larger than ${MAX_WHOLE_FILE_BYTES} bytes and not in the streamed NDJSON capture format`);
  let whole: Buffer;
  if (source.path !== null) {
    await blocks.return(undefined);
    if ((await stat(source.path)).size > MAX_WHOLE_FILE_BYTES) throw tooLarge;
    whole = await readFile(source.path);
  } else {
    const rest: Buffer[] = [];
    let total = 0;
    const keep = (line: Line) => {
      total += line.bytes.length + 1;
      if (total > MAX_WHOLE_FILE_BYTES) throw tooLarge;
      rest.push(line.bytes);
    };
    try {
      for (const block of head) for (const line of linesOfBlock(block)) keep(line);
      for await (const block of blocks) for (const line of linesOfBlock(block)) keep(line);
    } catch (err) {
      throw asInputError(source, err);
    }
    whole = Buffer.concat(rest.flatMap((b, i) => (i === 0 ? [b] : [Buffer.from('\n'), b])));
  }
  yield* readWhole(source, whole, firstValue !== undefined);
}

function asInputError(source: InputSource, err: unknown): Error {
  if (err instanceof InputError) return err;
  if (err instanceof LineTooLongError) return new InputError(`${source.display}: ${err.message}`);
  const e = err as NodeJS.ErrnoException;
  if (e?.code) return new InputError(`${source.display}: cannot read (${e.code}: ${e.message})`);
  return err as Error;
}

function placeOf(source: InputSource): ReadPlace {
  return { display: source.display, stdin: source.path === null };
}

function origin(source: InputSource, format: CaptureFormat, where: Where): CaptureOrigin {
  return originAt(placeOf(source), format, where);
}

function idOf(source: InputSource, where: Where): string {
  return idAt(placeOf(source), where);
}

function fileTime(): string {
  return new Date().toISOString();
}

function bareRequest(source: InputSource, body: Uint8Array, where: Where, format: CaptureFormat, time: string): CapturedRequest {
  return bareAt(placeOf(source), body, where, format, time);
}

function* readWhole(source: InputSource, bytes: Buffer, firstLineWasJson: boolean): Generator<CapturedRequest> {
  const readAt = fileTime();
  // Decoded so that a body's invalid bytes survive into the request (see container-text.ts).
  const decoded = decodeContainer(bytes);
  const text = decoded.text;
  const parsed = parseJson(text, { elementSpans: true });
  if (parsed.ok) {
    // Duplicate keys of the container, by the top-level element or HAR entry they sit in.
    const checked = (request: CapturedRequest, index: number | null, prefix: RegExp): CapturedRequest =>
      withContainerProblems(request, decoded, parsed.duplicates.filter((d) => index === null || prefix.exec(d.objectPath)?.[1] === String(index)));
    if (isHar(parsed.value)) {
      const entryOf = /^\$\.log\.entries\[(\d+)\]/;
      // A duplicate above the entries ("entries" twice in "log") can hide whole requests.
      const above = parsed.duplicates.find((d) => d.objectPath === '$' || d.objectPath === '$.log');
      if (above) throw new InputError(`${source.display}: malformed HAR: key ${JSON.stringify(above.key)} appears twice in ${above.objectPath} (line ${above.position.line}, column ${above.position.column}); requests may be hidden behind it`);
      let requests: CapturedRequest[];
      try {
        requests = harToRequests(
          parsed.value,
          (entry, frame) => origin(source, 'har', frame === undefined ? { entry } : { entry, frame }),
          (entry, frame) => idOf(source, frame === undefined ? { entry } : { entry, frame }),
          decoded.bytesOf,
        );
      } catch (err) {
        if (err instanceof HarError) throw new InputError(`${source.display}: malformed HAR: ${err.message}`);
        throw err;
      }
      for (const r of requests) yield checked(r, (r.origin as { entry: number }).entry - 1, entryOf);
      return;
    }
    if (Array.isArray(parsed.value) && parsed.elementSpans) {
      if (parsed.value.length === 0) throw new InputError(`${source.display}: an empty JSON array holds no payload`);
      for (const [i, [start, end]] of parsed.elementSpans.entries()) {
        const el = parsed.value[i];
        const where = { entry: i + 1 };
        if (isCaptureRecord(el)) {
          yield checked(fromCaptureRecord(el, { id: idOf(source, where), time: readAt, origin: origin(source, 'json', where) }, decoded.bytesOf), i, /^\$\[(\d+)\]/);
        } else {
          // A bare payload: the engine parses it again and reports its duplicates itself.
          yield bareRequest(source, decoded.bytesOf(text.slice(start, end)), where, 'json', readAt);
        }
      }
      return;
    }
    if (isCaptureRecord(parsed.value)) {
      yield checked(fromCaptureRecord(parsed.value, { id: idOf(source, {}), time: readAt, origin: origin(source, 'json', {}) }, decoded.bytesOf), null, /$^/);
      return;
    }
    yield bareRequest(source, bytes, {}, 'json', readAt);
    return;
  }
  // Several JSON values, one per line: each line is a payload.
  if (firstLineWasJson) {
    const lines = text.split('\n');
    const nonEmpty = lines.filter((l) => l.trim() !== '');
    if (nonEmpty.length > 1 && nonEmpty.every((l) => parseJson(l).ok || l.trim().startsWith('{'))) {
      for (const [i, line] of lines.entries()) {
        if (line.trim() === '') continue;
        yield bareRequest(source, decoded.bytesOf(line.replace(/\r$/, '')), { line: i + 1 }, 'json-lines', readAt);
      }
      return;
    }
  }
  // Malformed: the engine reports where parsing failed.
  yield bareRequest(source, bytes, {}, 'json', readAt);
}

/** All requests of all sources, in order. */
export async function* readInputs(sources: readonly InputSource[], stdin?: NodeJS.ReadableStream): AsyncGenerator<CapturedRequest> {
  for (const source of sources) yield* readSource(source, stdin);
}

/** All sources as units (see readSourceUnits), in order. */
export async function* readInputUnits(sources: readonly InputSource[], stdin?: NodeJS.ReadableStream): AsyncGenerator<CapturedRequest | CaptureLines> {
  for (const source of sources) yield* readSourceUnits(source, stdin);
}

