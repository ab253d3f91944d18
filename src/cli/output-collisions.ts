/**
 * A file a command writes must not be one it reads: `audit X -o X` opened the report (and so
 * truncated X) before X was read, and `--save` over the policy file destroyed the policy. Any
 * such overlap, or two outputs naming one file, is a usage error before anything is opened.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { CliIO, ParsedArgs } from './command.js';
import { UsageError } from './errors.js';
import { reportSettings } from './options/report-options.js';
import { stringOpt } from './parse-args.js';

interface Named {
  /** How the user named it, e.g. `--output report.json` or `input capture.ndjson`. */
  what: string;
  path: string;
}

/** The same file, through links and relative paths alike: device and inode when it exists. */
function identityOf(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `inode ${st.dev}:${st.ino}` : `path ${path.resolve(file)}`;
}

/** The files a command reads besides its inputs: the policy file and the baselines. */
function optionReads(args: ParsedArgs, io: Pick<CliIO, 'cwd'>): Named[] {
  const out: Named[] = [];
  for (const name of ['policy', 'baseline', 'shape-baseline']) {
    const value = stringOpt(args, name);
    if (value === undefined) continue;
    const abs = path.resolve(io.cwd, value);
    // A built-in policy name is not a file; only a path that exists can be overwritten.
    if (statSync(abs, { throwIfNoEntry: false })?.isFile()) out.push({ what: `--${name} ${value}`, path: abs });
  }
  return out;
}

function optionWrites(args: ParsedArgs, io: Pick<CliIO, 'cwd' | 'env'>): Named[] {
  const out: Named[] = [];
  if (args.values.output !== undefined) {
    for (const t of reportSettings(args, io).targets) if (t.path !== null && !t.append) out.push({ what: `--output ${t.display}`, path: t.path });
  }
  for (const name of ['save', 'har']) {
    const value = stringOpt(args, name);
    if (value !== undefined) out.push({ what: `--${name} ${value}`, path: path.resolve(io.cwd, value) });
  }
  return out;
}

export function refuseWritesOverReads(args: ParsedArgs, io: Pick<CliIO, 'cwd' | 'env'>, inputs: ReadonlyArray<{ display: string; path: string | null }> = []): void {
  const reads: Named[] = [...inputs.flatMap((s) => (s.path === null ? [] : [{ what: `input ${s.display}`, path: s.path }])), ...optionReads(args, io)];
  const readBy = new Map<string, Named>();
  for (const r of reads) readBy.set(identityOf(r.path), r);
  const writtenBy = new Map<string, Named>();
  for (const w of optionWrites(args, io)) {
    const id = identityOf(w.path);
    const read = readBy.get(id);
    if (read) throw new UsageError(`${w.what} would overwrite ${read.what}: write the output to another file`);
    const other = writtenBy.get(id);
    if (other) throw new UsageError(`${w.what} and ${other.what} name the same file`);
    writtenBy.set(id, w);
  }
}
