/**
 * Baselines an audit run honours: approved findings (`--baseline`, written by
 * `--update-baseline`) and an approved payload shape (`--shape-baseline`, written by the
 * `shape` command). Files are read before anything is audited, so a missing or malformed
 * baseline is exit 2, never a silent pass.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BaselineEntry, BaselineMatcher } from '../../baseline/finding-baseline.js';
import type { ShapeSet } from '../../baseline/shape.js';
import { stableJson } from '../../baseline/stable-json.js';
import { verdictOf, type RequestResult } from '../../engine/audit-request.js';
import type { CompiledPolicy } from '../../engine/compiled-policy.js';
import { fingerprintOf, type Finding } from '../../engine/finding.js';
import type { AuditSummary } from '../../engine/summary.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { boolOpt, stringOpt } from '../parse-args.js';

export const BASELINE_OPTIONS: OptionSpec[] = [
  { name: 'baseline', type: 'string', value: 'FILE', description: 'approved findings: those listed in FILE are reported as approved and do not fail the run' },
  { name: 'update-baseline', type: 'boolean', description: 'write every finding of this run to the --baseline FILE (approving them all)' },
  { name: 'shape-baseline', type: 'string', value: 'FILE', description: 'fail on a payload kind, field or value type not recorded in FILE (see the shape command)' },
];

async function readBaseline(file: string, io: CliIO, what: string): Promise<{ abs: string; text: string }> {
  const abs = path.resolve(io.cwd, file);
  try {
    return { abs, text: await readFile(abs, 'utf8') };
  } catch (err) {
    throw new ConfigError(`${what} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

// The baseline modules (and the file schemas they build on load) are imported only when a run
// has a baseline: most runs have none, and their start-up should not pay for it.
type FindingBaselineLib = typeof import('../../baseline/finding-baseline.js');
type ShapeLib = typeof import('../../baseline/shape.js') & typeof import('../../baseline/shape-check.js');

export class Baselines {
  private readonly recorded = new Map<string, BaselineEntry>();

  private constructor(
    private readonly findings: { file: string; abs: string; matcher: BaselineMatcher | null; update: boolean; lib: FindingBaselineLib } | null,
    private readonly shape: { set: ShapeSet; lib: ShapeLib } | null,
  ) {}

  static async fromArgs(args: ParsedArgs, io: CliIO): Promise<Baselines> {
    const file = stringOpt(args, 'baseline');
    const update = boolOpt(args, 'update-baseline');
    if (update && file === undefined) throw new UsageError('--update-baseline needs --baseline FILE to write');
    let findings: Baselines['findings'] = null;
    if (file !== undefined) {
      const lib = await import('../../baseline/finding-baseline.js');
      if (update) {
        findings = { file, abs: path.resolve(io.cwd, file), matcher: null, update, lib };
      } else {
        const { abs, text } = await readBaseline(file, io, 'baseline');
        const parsed = lib.parseBaselineFile(text);
        if (!parsed.ok) throw new ConfigError(`baseline ${file}: ${parsed.error}`);
        findings = { file, abs, matcher: new lib.BaselineMatcher(parsed.value.findings), update, lib };
      }
    }
    let shape: Baselines['shape'] = null;
    const shapeFile = stringOpt(args, 'shape-baseline');
    if (shapeFile !== undefined) {
      const lib = { ...(await import('../../baseline/shape.js')), ...(await import('../../baseline/shape-check.js')) };
      const { text } = await readBaseline(shapeFile, io, 'shape baseline');
      const parsed = lib.parseShapeFile(text);
      if (!parsed.ok) throw new ConfigError(`shape baseline ${shapeFile}: ${parsed.error}`);
      shape = { set: parsed.value, lib };
    }
    return new Baselines(findings, shape);
  }

  /** Whether any baseline changes results (or records them): then every result passes through apply(). */
  get active(): boolean {
    return this.findings !== null || this.shape !== null;
  }

  /** The shape check reads the parsed payload. */
  get needsPayload(): boolean {
    return this.shape !== null;
  }

  /** Add shape findings, mark approved ones, and drop the payload unless the caller keeps it. */
  apply(result: RequestResult, compiled: CompiledPolicy, keepPayload: boolean): RequestResult {
    let out = result;
    if (this.shape && result.kind !== null && result.payload !== undefined) out = this.checkShape(out, result.kind, compiled);
    if (!keepPayload && (out.payload !== undefined || out.bodyText !== undefined)) {
      const { payload: _p, bodyText: _b, ...rest } = out;
      out = rest;
    }
    if (this.findings) {
      if (this.findings.update) {
        for (const f of out.findings) this.recorded.set(f.fingerprint, this.findings.lib.baselineEntry(f));
        out = this.findings.lib.approveAll(out);
      } else if (this.findings.matcher) {
        out = this.findings.matcher.apply(out);
      }
    }
    return out;
  }

  private checkShape(result: RequestResult, kind: string, compiled: CompiledPolicy): RequestResult {
    const { set, lib } = this.shape!;
    const issues = lib.shapeIssues(kind, lib.shapeOf(result.payload), set);
    const added: Finding[] = [];
    for (const issue of issues) {
      const severity = compiled.severityOf(issue.rule);
      if (severity === null) continue;
      const location = { part: 'body' as const, path: issue.path };
      added.push({ rule: issue.rule, severity, message: issue.message, requestId: result.request.id, kind, location, fingerprint: fingerprintOf({ rule: issue.rule, kind, location }) });
    }
    if (added.length === 0) return result;
    const findings = [...result.findings, ...added];
    return { ...result, findings, verdict: verdictOf(findings.filter((f) => !f.approved)) };
  }

  /** Write the updated baseline, or point out approvals no finding used any more. */
  async finish(summary: AuditSummary, io: CliIO, policyName: string): Promise<void> {
    const b = this.findings;
    if (!b) return;
    if (b.update) {
      // A run that audited nothing must not replace a reviewed baseline with an empty one.
      if (summary.audited === 0) return;
      try {
        await writeFile(b.abs, stableJson(b.lib.baselineFile(this.recorded.values(), policyName)));
      } catch (err) {
        throw new ConfigError(`baseline ${b.file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      io.stderr.write(`telemetry-audit: wrote ${this.recorded.size} approved finding${this.recorded.size === 1 ? '' : 's'} to ${b.file}\n`);
      return;
    }
    const stale = b.matcher?.stale() ?? [];
    if (stale.length > 0) {
      io.stderr.write(
        `telemetry-audit: baseline ${b.file}: ${stale.length} approved finding${stale.length === 1 ? '' : 's'} no longer occur${stale.length === 1 ? 's' : ''} (--update-baseline prunes them)\n`,
      );
    }
  }
}
