/**
 * The streamed JUnit report: cases are spooled as requests arrive (to a private temp file past
 * a memory limit) and the document is the same bytes whether the spool stayed in memory or not,
 * with suites in the order of their first case even when capture files interleave.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { auditRequest, type RequestResult } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { SummaryBuilder } from '../../src/engine/summary.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { junitReporter } from '../../src/report/junit-report.js';
import { endPieces, type ReportContext } from '../../src/report/reporter.js';
import { PLAIN } from '../../src/report/style.js';
import { TextSpool } from '../../src/report/text-spool.js';
import { FIXTURES } from '../helpers/paths.js';

const ctx: ReportContext = { toolVersion: 't', policy: hasuraPolicy, inputs: ['x'], showEvidence: false, quiet: false, style: PLAIN };

async function results(): Promise<RequestResult[]> {
  const compiled = compilePolicy(hasuraPolicy);
  const out: RequestResult[] = [];
  for await (const r of readInputs(await resolveInputs([path.join(FIXTURES, 'hasura')]))) out.push(auditRequest(r, compiled));
  // Interleave: alternate between the first and second half, so each file's cases arrive in several runs.
  const half = Math.ceil(out.length / 2);
  return out.slice(0, half).flatMap((r, i) => (out[half + i] ? [r, out[half + i]!] : [r]));
}

function render(rs: readonly RequestResult[], spoolMemoryBytes?: number): { xml: string; spoolSeen: string | null } {
  const reporter = junitReporter(ctx, spoolMemoryBytes === undefined ? {} : { spoolMemoryBytes });
  const summary = new SummaryBuilder();
  let xml = reporter.begin();
  for (const r of rs) {
    summary.add(r);
    xml += reporter.result(r);
  }
  let spoolSeen: string | null = null;
  for (const piece of endPieces(reporter.end(summary.build(), 1))) {
    xml += piece;
    // While the document is written, the spool file is there (and private).
    spoolSeen ??= findSpool();
  }
  return { xml, spoolSeen };
}

function findSpool(): string | null {
  const dir = readdirSync(os.tmpdir()).find((d) => d.startsWith('telemetry-audit-spool-'));
  return dir === undefined ? null : path.join(os.tmpdir(), dir);
}

describe('streamed JUnit', () => {
  it('is the same document whether the spool stays in memory or goes to disk', async () => {
    const rs = await results();
    assert.ok(rs.length > 20);
    const memory = render(rs);
    const disk = render(rs, 1);
    assert.equal(disk.xml, memory.xml);
    assert.equal(memory.spoolSeen, null, 'a small report stays in memory');
    assert.ok(disk.spoolSeen, 'past its memory limit the spool is on disk');
    assert.equal(existsSync(disk.spoolSeen), false, 'and removed once the document is written');
    assert.equal(memory.xml.match(/<testcase /g)?.length, rs.length);
    // Suites in the order of their first case, each suite's cases together.
    const suites = [...memory.xml.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(suites).size, suites.length);
    assert.ok(suites.length > 3);
  });

  it('a disk spool is private, read back across multi-byte characters, and removed on close', () => {
    const spool = new TextSpool(10);
    const pieces = Array.from({ length: 300 }, (_, i) => `case ${i} é€😀 `.repeat(1 + (i % 7)));
    const indexes = pieces.map((p) => spool.append(p));
    assert.deepEqual(indexes, pieces.map((_, i) => i));
    const file = spool.path;
    assert.ok(file && existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const bytes = (s: string) => Buffer.byteLength(s);
    const startOf = (i: number) => pieces.slice(0, i).reduce((n, p) => n + bytes(p), 0);
    const range = { firstPiece: 17, endPiece: 250, start: startOf(17), end: startOf(250) };
    assert.equal([...spool.read(range)].join(''), pieces.slice(17, 250).join(''));
    spool.close();
    assert.equal(existsSync(file), false);
  });
});
