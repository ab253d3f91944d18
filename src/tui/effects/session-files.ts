/**
 * `s` and `r`: the listed requests saved as an NDJSON capture (readable by `audit` and
 * `inspect`), or written as the JSON report `audit --format json` produces, redacted unless the
 * session was started with --show-evidence.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serializeCaptureLine } from '../../capture/capture-record.js';
import { auditExitCode } from '../../cli/exit-codes.js';
import type { RequestResult } from '../../engine/audit-request.js';
import { SummaryBuilder } from '../../engine/summary.js';
import type { Policy } from '../../policy/policy-schema.js';
import { jsonReporter } from '../../report/json-report.js';
import { endPieces } from '../../report/reporter.js';
import { PLAIN } from '../../report/style.js';
import { stampedName, writePieces } from './write-lines.js';

export interface SessionFilesOptions {
  dir: string;
  policy: Pick<Policy, 'name' | 'title' | 'version'>;
  toolVersion: string;
  inputs: string[];
  showEvidence: boolean;
  maxWarnings: number | undefined;
  notes: string[];
  now?: () => Date;
}

function freshPath(dir: string, prefix: string, ext: string, now: Date): string {
  const base = stampedName(prefix, ext, now);
  let file = path.join(dir, base);
  for (let n = 2; existsSync(file); n++) file = path.join(dir, base.replace(`.${ext}`, `-${n}.${ext}`));
  return file;
}

function shown(dir: string, file: string): string {
  const rel = path.relative(dir, file);
  return rel.startsWith('..') ? file : rel;
}

export function sessionFiles(opts: SessionFilesOptions) {
  const now = opts.now ?? (() => new Date());
  return {
    async save(results: readonly RequestResult[]): Promise<string> {
      if (results.length === 0) return 'nothing to save: no request is listed';
      const file = freshPath(opts.dir, 'telemetry-audit-capture', 'ndjson', now());
      await writePieces(file, (function* () {
        for (const r of results) yield serializeCaptureLine(r.request);
      })());
      return `saved ${results.length} request${results.length === 1 ? '' : 's'} to ${shown(opts.dir, file)}`;
    },
    async report(results: readonly RequestResult[]): Promise<string> {
      if (results.length === 0) return 'nothing to report: no request is listed';
      const file = freshPath(opts.dir, 'telemetry-audit-report', 'json', now());
      const reporter = jsonReporter({
        toolVersion: opts.toolVersion,
        policy: opts.policy,
        inputs: opts.inputs,
        showEvidence: opts.showEvidence,
        quiet: false,
        style: PLAIN,
        notes: opts.notes,
      });
      const summary = new SummaryBuilder();
      for (const r of results) summary.add(r);
      const final = summary.build();
      const code = auditExitCode(final, opts.maxWarnings);
      await writePieces(file, (function* () {
        yield reporter.begin();
        for (const r of results) yield reporter.result(r);
        yield* endPieces(reporter.end(final, code));
      })());
      return `wrote the report of ${results.length} request${results.length === 1 ? '' : 's'} (exit ${code}) to ${shown(opts.dir, file)}`;
    },
  };
}
