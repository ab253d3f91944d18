/**
 * The opt-out matrix in each report format, from a fixed matrix: the text table and its notes,
 * one JUnit case per scenario (failing only where the scenario failed or could not conclude),
 * the Markdown table, and the JSON and SARIF reports carrying the matrix as data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OptoutMatrix } from '../../src/optout/matrix.js';
import { DEMO_MATRIX as matrix } from '../helpers/optout-matrix.js';
import { optoutCases, optoutMarkdown, optoutText } from '../../src/report/optout-report.js';
import { jsonReporter } from '../../src/report/json-report.js';
import { sarifReporter } from '../../src/report/sarif-report.js';
import { PLAIN } from '../../src/report/style.js';
import { SummaryBuilder } from '../../src/engine/summary.js';
import type { ReportContext } from '../../src/report/reporter.js';

const ctx: ReportContext = { toolVersion: '0.0.0', policy: { name: 'p', title: 'P' }, inputs: ['demo.yaml'], showEvidence: false, quiet: false, style: PLAIN };

describe('the opt-out matrix in every format', () => {
  it('text: a row per scenario, a note under each one that is not a plain pass, the proxy-only mark explained', () => {
    const text = optoutText(matrix, PLAIN);
    assert.match(text, /^✓ {2}control +send \(control\) +2 +0 {2}sent +1 warning: schema\/undocumented-field$/m);
    assert.match(text, /^✓ {2}env-off +suppress +0 +0 {2}suppressed\*$/m);
    assert.match(text, /^✗ {2}flag-off +suppress +1 +0 {2}sent +1 error: term\/canary\n {5}LEAK: 1 request/m);
    assert.match(text, /^· {2}dnt +suppress \(info\) +1 +0 {2}sent +clean\n {5}1 request$/m);
    assert.match(text, /^\* suppressed as far as the proxy can tell/m);
    assert.match(text, /no tracer \(tracing was turned off \(--no-trace\)\)/);
    assert.match(text, /Opt-out verdict: FAIL: 1 opt-out path leaked \(flag-off\)$/m);
  });

  it('JUnit: one case per scenario, only the failing one with a failure', () => {
    const cases = optoutCases(matrix);
    assert.deepEqual(cases.map((c) => [c.classname, c.name, c.failure?.type ?? null]), [
      ['telemetry-audit.optout.demo', 'control', null],
      ['telemetry-audit.optout.demo', 'env-off', null],
      ['telemetry-audit.optout.demo', 'flag-off', 'optout/failed'],
      ['telemetry-audit.optout.demo', 'dnt', null],
    ]);
    assert.equal(cases[2]!.failure!.message, 'not as expected: expected suppress, sent');
    assert.match(cases[3]!.output!, /expected: suppress \(info\); outcome: sent/);
  });

  it('Markdown: a table row per scenario with its verdict in the heading', () => {
    const md = optoutMarkdown(matrix);
    assert.match(md, /^#### Opt-out matrix: Demo tool — FAIL$/m);
    assert.match(md, /^\| ✗ `flag-off` \| suppress \| 1 \| 0 \| sent \| 1 error: term\/canary \| LEAK: 1 request \(stopped at the first one\) \|$/m);
  });

  it('JSON and SARIF carry the matrix as data', () => {
    const summary = new SummaryBuilder().build();
    const json = jsonReporter(ctx);
    const doc = JSON.parse(json.begin() + json.end(summary, 1, matrix.verdict.conclusion, matrix)) as { optout: OptoutMatrix; exitCode: number };
    assert.deepEqual(doc.optout, matrix);
    const sarif = sarifReporter({ ...ctx, rules: [] });
    const log = JSON.parse(sarif.begin() + sarif.end(summary, 1, undefined, matrix)) as { runs: Array<{ properties: { optout: OptoutMatrix }; invocations: Array<{ executionSuccessful: boolean }> }> };
    assert.deepEqual(log.runs[0]!.properties.optout.verdict, matrix.verdict);
    assert.equal(log.runs[0]!.invocations[0]!.executionSuccessful, true);
  });
});
