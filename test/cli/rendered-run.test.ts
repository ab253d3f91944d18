import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { auditRequest, type RequestResult } from '../../src/engine/audit-request.js';
import { SummaryBuilder } from '../../src/engine/summary.js';
import { cookRecipe, type AuditRecipe, type RenderPlan } from '../../src/cli/parallel/audit-recipe.js';
import { AuditPool } from '../../src/cli/parallel/audit-pool.js';
import { packFullOfBatch, renderedOfBatch, RunRenderer } from '../../src/cli/parallel/rendered-run.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { BASELINE_RULES } from '../../src/baseline/rules.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { FIXTURES } from '../helpers/paths.js';

const recipe: AuditRecipe = { policy: hasuraPolicy, extraRules: [...detectorRules(DEFAULT_DETECTORS), ...BASELINE_RULES], terms: [] };
const plan: RenderPlan = {
  targets: [{ format: 'json', showEvidence: false, quiet: false, color: false }, null, { format: 'text', showEvidence: true, quiet: false, color: true }],
  findings: true,
};

async function fixtureResults(): Promise<{ requests: CapturedRequest[]; results: RequestResult[] }> {
  const requests: CapturedRequest[] = [];
  for await (const r of readInputs(await resolveInputs([path.join(FIXTURES, 'hasura', 'wire'), path.join(FIXTURES, 'hasura', 'leaky')]))) requests.push(r);
  const { compiled, options } = cookRecipe(recipe);
  return { requests, results: requests.map((r) => auditRequest(r, compiled, options)) };
}

describe('rendered runs', () => {
  it('summaries merged part by part, in order, are those of adding every result, key order included', async () => {
    const { results } = await fixtureResults();
    assert.ok(results.some((r) => r.verdict === 'fail') && results.some((r) => r.verdict === 'pass'));
    const whole = new SummaryBuilder();
    for (const r of results) whole.add(r);
    for (const size of [1, 3, 7, results.length]) {
      const merged = new SummaryBuilder();
      for (let i = 0; i < results.length; i += size) {
        const part = new SummaryBuilder();
        for (const r of results.slice(i, i + size)) part.add(r);
        merged.merge(part.build());
      }
      assert.equal(JSON.stringify(merged.build()), JSON.stringify(whole.build()), `parts of ${size}`);
    }
  });

  it('a reply that does not add up is an error, never a shorter report', async () => {
    const { requests, results } = await fixtureResults();
    const renderer = await RunRenderer.load(plan);
    const good = () => renderer.render(results, packFullOfBatch(results)).wire;
    const run = renderedOfBatch(requests, good(), plan);
    assert.equal(run.count, requests.length);
    assert.deepEqual(run.full.map((r) => r.request), requests.filter((_, i) => results[i]!.findings.length > 0));
    assert.ok(run.full.length > 0 && run.full.length < requests.length);
    const broken: Array<[string, (w: ReturnType<typeof good>) => void, RegExp]> = [
      ['a result short', (w) => void (w.count = w.summary.requests = requests.length - 1), /returned \d+ results for \d+ requests/],
      ['totals off', (w) => void (w.summary.requests = 1), /totals do not count/],
      ['a report missing', (w) => void w.pieces.pop(), /not one text per report/],
      ['text for a report that takes results', (w) => void (w.pieces[1] = ''), /wrong kind of text/],
      ['results with findings missing', (w) => void delete w.full, /results with findings missing/],
      ['results out of order', (w) => void (w.full as Array<[number, unknown]>).reverse(), /out of order/],
      ['a result without findings', (w) => void (w.full as Array<[number, { findings: unknown[] }]>)[0]![1].findings.splice(0), /out of order/],
    ];
    for (const [what, spoil, message] of broken) {
      const wire = good();
      spoil(wire);
      assert.throws(() => renderedOfBatch(requests, wire, plan), message, what);
    }
  });

  it('a worker that cannot render fails every piece of work it was given', async () => {
    const { requests } = await fixtureResults();
    // JUnit is not rendered in pieces: the worker fails to start, and the work sent to it fails.
    const pool = new AuditPool({ ...recipe, render: { targets: [{ format: 'junit', showEvidence: false, quiet: false, color: false }], findings: false } }, 1);
    try {
      await assert.rejects(pool.renderBatch(requests), /not rendered in pieces/);
      await assert.rejects(pool.renderBatch(requests), /not rendered in pieces/);
    } finally {
      await pool.close();
    }
  });
});
