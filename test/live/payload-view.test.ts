import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { formatWouldBePayload } from '../../src/live/payload-view.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { PLAIN } from '../../src/report/style.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';

describe('would-be payload view', () => {
  const policy = compilePolicy(hasuraPolicy);
  const leaky = httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret --endpoint', error: { Op: 'x', Err: { error: 'mail jane.doe@acme-corp.example now' } } }));
  const result = auditRequest(leaky, policy, { detectors: DEFAULT_DETECTORS, keepPayload: true });

  it('pretty-prints the payload with its destination and kind', () => {
    const text = formatWouldBePayload(result, { showEvidence: true, style: PLAIN });
    assert.match(text, /^▸ would send: POST https:\/\/telemetry\.hasura\.io\/v1\/http · kind cli-flat/);
    assert.match(text, /\n {4}\{\n {6}"uuid": "e462ce20-42dd-40fd-9549-edfb92f80455",/);
    assert.match(text, /jane\.doe@acme-corp\.example/);
  });

  it('masks every value a finding flagged unless evidence is revealed', () => {
    assert.ok(result.findings.some((f) => f.rule === 'pii/email'), JSON.stringify(result.findings.map((f) => f.rule)));
    const text = formatWouldBePayload(result, { showEvidence: false, style: PLAIN });
    assert.doesNotMatch(text, /jane\.doe/);
    assert.doesNotMatch(text, /--admin-secret/);
    assert.match(text, /\[redacted \d+ chars\]/);
    assert.match(text, /"os_platform": "linux"/, 'unflagged values stay');
  });
});
