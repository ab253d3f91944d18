/**
 * A failure inside one request's checks is a finding on that request (engine/check-failed,
 * error), never the end of the audit: the other parts of the request are still scanned, and
 * the next request is audited as if nothing happened. The built CLI's side of this (a 6 MB
 * value through `audit` and `run`) is in test/cli/hostile-values.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detector } from '../../src/detectors/detector.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { auditRequest, type TextScanner } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { cliEnveloped, httpRequest } from '../helpers/requests.js';

/** A detector that fails on one marker, the way a regex that exhausts the stack fails. */
const fragile: Detector = {
  id: 'test/fragile',
  severity: 'error',
  title: 'Fragile test detector',
  description: 'Throws a RangeError on texts containing the marker, finds nothing elsewhere.',
  detect(text) {
    if (text.includes('BOOM-marker')) throw new RangeError('Maximum call stack size exceeded');
    return [];
  },
};
const detectors = [...DEFAULT_DETECTORS, fragile];
const policy = compilePolicy(hasuraPolicy, detectorRules(detectors));

describe('engine/check-failed', () => {
  it('a part whose scan throws is an error finding at that part; the other parts are still scanned', () => {
    const request = httpRequest(cliEnveloped({ command: 'hasura version BOOM-marker' }), {
      headers: [['user-agent', 'Go-http-client/1.1'], ['x-debug', 'mail jane.doe@acme-corp.example']],
    });
    const r = auditRequest(request, policy, { detectors });
    const failed = r.findings.filter((f) => f.rule === 'engine/check-failed');
    assert.ok(failed.length >= 1, JSON.stringify(r.findings));
    assert.equal(failed[0]!.severity, 'error');
    assert.match(failed[0]!.message, /RangeError/);
    assert.equal(failed[0]!.evidence, 'Maximum call stack size exceeded');
    assert.ok(failed.every((f) => f.location.part === 'body'), 'reported where the failing text is');
    // The e-mail in a header and the policy's own checks still report.
    assert.ok(r.findings.some((f) => f.rule === 'pii/email' && f.location.part === 'header'));
    assert.ok(r.findings.some((f) => f.rule === 'hasura/cli-command-args'));
    assert.equal(r.verdict, 'fail');
  });

  it('a failure outside the scan (a scanner that throws on every part) still yields a result, and the next request is clean', () => {
    const broken: TextScanner = {
      scan() {
        throw new Error('scanner broke');
      },
    };
    const bad = auditRequest(httpRequest(cliEnveloped()), policy, { detectors: DEFAULT_DETECTORS, scanners: [broken] });
    assert.equal(bad.verdict, 'fail');
    assert.ok(bad.findings.length > 0 && bad.findings.every((f) => f.rule === 'engine/check-failed'));
    const good = auditRequest(httpRequest(cliEnveloped(), { headers: [['user-agent', 'Go-http-client/1.1']] }), policy, { detectors: DEFAULT_DETECTORS });
    assert.equal(good.verdict, 'pass');
  });

  it('a throw outside any part (a broken request object) is one finding on the request', () => {
    const request = httpRequest(cliEnveloped());
    Object.defineProperty(request, 'headers', {
      get() {
        throw new TypeError('headers unreadable');
      },
    });
    const r = auditRequest(request, policy, { detectors: DEFAULT_DETECTORS });
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.location.part, f.evidence]),
      [['engine/check-failed', 'request', 'headers unreadable']],
    );
    assert.equal(r.verdict, 'fail');
  });
});
