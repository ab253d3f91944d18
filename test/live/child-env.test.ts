import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BUNDLE_VARS, buildChildEnv, PROXY_VARS, writeCaBundle } from '../../src/live/child-env.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

describe('child environment', () => {
  const opts = { proxyHost: '127.0.0.1', proxyPort: 41234, caCertPath: '/tmp/x/ca.pem', caBundlePath: '/tmp/x/ca-bundle.pem', runId: 'run-1' };

  it('sets proxy variables in both cases, empties NO_PROXY and points every trust variable at the CA', () => {
    const env = buildChildEnv({ NO_PROXY: 'localhost,.corp', no_proxy: '*', HTTPS_PROXY: 'http://corp:3128', PATH: '/bin' }, opts);
    for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) assert.equal(env[v], 'http://127.0.0.1:41234', v);
    assert.equal(env.NO_PROXY, '');
    assert.equal(env.no_proxy, '');
    for (const v of ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'GIT_SSL_CAINFO', 'DENO_CERT', 'AWS_CA_BUNDLE']) assert.equal(env[v], opts.caBundlePath, v);
    assert.equal(env.NODE_EXTRA_CA_CERTS, opts.caCertPath);
    assert.equal(env.PATH, '/bin');
    assert.equal(env.TELEMETRY_AUDIT_RUN_ID, 'run-1');
    assert.ok(PROXY_VARS.length >= 4 && BUNDLE_VARS.length >= 6);
  });

  it('puts both preloads first in NODE_OPTIONS and keeps the user\'s own options', () => {
    const env = buildChildEnv({ NODE_OPTIONS: '--max-old-space-size=512' }, opts);
    assert.match(env.NODE_OPTIONS!, /^--require \S+route-through-proxy\.cjs --import file:\/\/\S+route-through-proxy-esm\.js --max-old-space-size=512$/);
  });

  it('can leave out the ESM preload (old Node refuses --import in NODE_OPTIONS), or both', () => {
    assert.match(buildChildEnv({}, { ...opts, nodePreload: 'require' }).NODE_OPTIONS!, /^--require \S+route-through-proxy\.cjs$/);
    assert.equal(buildChildEnv({ NODE_OPTIONS: '--inspect' }, { ...opts, nodePreload: 'off' }).NODE_OPTIONS, '--inspect');
  });

  it('writes a bundle with the CA first and system roots after it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bundle-'));
    const text = readFileSync(writeCaBundle(CA, dir), 'utf8');
    assert.ok(text.startsWith(CA.trimEnd()));
    assert.ok((text.match(/BEGIN CERTIFICATE/g) ?? []).length > 20, 'system roots follow the CA');
  });
});
