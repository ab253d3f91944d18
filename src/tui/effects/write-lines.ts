/** Write pieces of text to a new file with backpressure, so a 100,000-request save never sits whole in memory. */
import { createWriteStream } from 'node:fs';

export async function writePieces(file: string, pieces: Iterable<string>): Promise<void> {
  // Private: a saved capture holds Authorization and Cookie values as they were sent.
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  for (const piece of pieces) {
    if (piece === '' || out.write(piece)) continue;
    await Promise.race([new Promise<void>((resolve) => out.once('drain', () => resolve())), failed]);
  }
  await Promise.race([new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))), failed]);
}

/** A file name that does not exist yet: name-<stamp>.ext, numbered if two land in the same second. */
export function stampedName(prefix: string, ext: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${prefix}-${stamp}.${ext}`;
}
