/** Read a canaries file: one term a line; blank lines and lines starting with "#" are skipped. */
import { readFile } from 'node:fs/promises';

export async function readCanaryFile(file: string): Promise<Array<{ value: string; line: number }>> {
  const text = await readFile(file, 'utf8');
  const out: Array<{ value: string; line: number }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const value = raw.trim();
    if (value === '' || value.startsWith('#')) return;
    out.push({ value, line: i + 1 });
  });
  return out;
}
