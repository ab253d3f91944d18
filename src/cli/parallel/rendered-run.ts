/**
 * A worker's share of a run's reports. Handing every result back to the thread that writes the
 * reports costs that thread more than the audit saves: it parses each request and result again,
 * renders it and collects the garbage, and a second core stops paying. So a worker renders what
 * it audited itself: per report, the text the report's result() would give (for reports whose
 * text depends on the request alone), the run's totals for the summary and exit code, and,
 * only for reports that keep state across requests (SARIF, Markdown, HTML), the few results
 * with findings. The writing thread checks the reply and concatenates in input order.
 */
import type { CaptureLines } from '../../capture/capture-lines.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import type { RequestResult } from '../../engine/audit-request.js';
import { SummaryBuilder, type AuditSummary } from '../../engine/summary.js';
import { sourceOf } from '../../report/finding-text.js';
import type { PieceRenderer } from '../../report/reporter.js';
import { loadPieces } from '../../report/reporters.js';
import type { RenderPlan } from './audit-recipe.js';
import { joinResult, packLinesReply, slimOf, unpackLinesReply, type AuditedSlim, type RenderedWire } from './batch.js';

/** A run of consecutive results as the writing thread takes them. */
export interface RenderedRun {
  count: number;
  summary: AuditSummary;
  /** Per report target, in the run's order: the run's text, or null for a target that takes results. */
  pieces: Array<string | null>;
  failing: number;
  /** The source of the last request (for the progress line). */
  last?: string;
  /** The results with findings, in input order (empty unless the plan asks for them). */
  full: RequestResult[];
}

/** The worker's side: renders runs of results by a plan. */
export class RunRenderer {
  private constructor(
    private readonly plan: RenderPlan,
    private readonly renderers: Array<PieceRenderer | null>,
  ) {}

  static async load(plan: RenderPlan): Promise<RunRenderer> {
    const renderers = await Promise.all(plan.targets.map(async (t) => (t === null ? null : (await loadPieces(t.format))(t))));
    return new RunRenderer(plan, renderers);
  }

  /**
   * `results` rendered; `full` packs the results with findings (when the plan asks for them)
   * and names the buffers to transfer.
   */
  render(results: readonly RequestResult[], full: (withFindings: number[]) => { full: RenderedWire['full']; transfer: ArrayBuffer[] }): { wire: RenderedWire; transfer: ArrayBuffer[] } {
    const wire: RenderedWire = this.rendered(results);
    if (!this.plan.findings) return { wire, transfer: [] };
    const indices: number[] = [];
    for (const [i, r] of results.entries()) if (r.findings.length > 0) indices.push(i);
    const packed = full(indices);
    wire.full = packed.full;
    return { wire, transfer: packed.transfer };
  }

  /** Results audited on the writing thread itself, rendered the same way (nothing to pack). */
  renderHere(results: readonly RequestResult[]): RenderedRun {
    return runOf(this.rendered(results), this.plan.findings ? results.filter((r) => r.findings.length > 0) : []);
  }

  private rendered(results: readonly RequestResult[]): RenderedWire {
    const summary = new SummaryBuilder();
    let failing = 0;
    for (const r of results) {
      summary.add(r);
      if (r.verdict === 'fail') failing++;
    }
    const wire: RenderedWire = { count: results.length, summary: summary.build(), pieces: this.renderers.map((render) => (render === null ? null : render(results))), failing };
    if (results.length > 0) wire.last = sourceOf(results[results.length - 1]!.request.origin);
    return wire;
  }
}

/** The results with findings of capture lines, packed as a lines reply is. */
export function packFullOfLines(unit: CaptureLines, results: readonly RequestResult[]): (indices: number[]) => { full: RenderedWire['full']; transfer: ArrayBuffer[] } {
  return (indices) => {
    const { reply, transfer } = packLinesReply(0, unit, indices.map((i) => results[i]!));
    return { full: { text: reply.text, bodies: reply.bodies, ends: reply.ends }, transfer };
  };
}

/** The results with findings of a batch: only what the writing thread cannot recompute, by index. */
export function packFullOfBatch(results: readonly RequestResult[]): (indices: number[]) => { full: RenderedWire['full']; transfer: ArrayBuffer[] } {
  return (indices) => ({ full: indices.map((i): [number, AuditedSlim] => [i, slimOf(results[i]!)]), transfer: [] });
}

/**
 * The writing thread's side: a reply checked against what was sent and the plan. A reply that
 * does not add up is an error, never a shorter report.
 */
function checked(wire: RenderedWire, plan: RenderPlan, most: number): RenderedWire {
  const bad = (why: string) => new Error(`audit worker sent a bad report reply: ${why}`);
  if (!Number.isInteger(wire.count) || wire.count < 0 || wire.count > most) throw bad(`${String(wire.count)} results for at most ${most} requests`);
  if (wire.summary?.requests !== wire.count) throw bad('its totals do not count its results');
  if (!Array.isArray(wire.pieces) || wire.pieces.length !== plan.targets.length) throw bad('not one text per report');
  for (const [i, t] of plan.targets.entries()) {
    if ((t === null) !== (wire.pieces[i] === null) || (t !== null && typeof wire.pieces[i] !== 'string')) throw bad(`report ${i + 1} has the wrong kind of text`);
  }
  if (plan.findings !== (wire.full !== undefined)) throw bad('results with findings missing or unasked for');
  return wire;
}

export function renderedOfLines(unit: CaptureLines, wire: RenderedWire, plan: RenderPlan): RenderedRun {
  checked(wire, plan, unit.block.lines);
  let full: RequestResult[] = [];
  if (wire.full !== undefined) {
    if (Array.isArray(wire.full)) throw new Error('audit worker sent a bad report reply: results of lines packed as a batch');
    full = unpackLinesReply(unit, wire.full);
    const lines = unit.block;
    if (full.some((r) => r.findings.length === 0 || (r.request.origin as { line: number }).line < lines.firstLine || (r.request.origin as { line: number }).line >= lines.firstLine + lines.lines)) {
      throw new Error('audit worker sent a bad report reply: a result that is not one of its lines with findings');
    }
  }
  return runOf(wire, full);
}

export function renderedOfBatch(requests: readonly CapturedRequest[], wire: RenderedWire, plan: RenderPlan): RenderedRun {
  checked(wire, plan, requests.length);
  if (wire.count !== requests.length) throw new Error(`audit worker returned ${wire.count} results for ${requests.length} requests`);
  let full: RequestResult[] = [];
  if (wire.full !== undefined) {
    if (!Array.isArray(wire.full)) throw new Error('audit worker sent a bad report reply: results of a batch packed as lines');
    let previous = -1;
    full = wire.full.map(([i, slim]) => {
      if (!Number.isInteger(i) || i <= previous || i >= requests.length || slim.findings.length === 0) throw new Error('audit worker sent a bad report reply: results with findings out of order');
      previous = i;
      return joinResult(requests[i]!, slim);
    });
  }
  return runOf(wire, full);
}

function runOf(wire: RenderedWire, full: RequestResult[]): RenderedRun {
  const run: RenderedRun = { count: wire.count, summary: wire.summary, pieces: wire.pieces, failing: wire.failing, full };
  if (wire.last !== undefined) run.last = wire.last;
  return run;
}
