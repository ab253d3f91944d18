import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CaError, createCertificateAuthority } from '../../src/live/ca.js';

describe('per-run CA', () => {
  it('writes its key 0600 in a 0700 directory and removes both on dispose', async () => {
    const ca = await createCertificateAuthority();
    try {
      assert.equal(statSync(ca.keyPath).mode & 0o777, 0o600);
      assert.equal(statSync(ca.dir).mode & 0o777, 0o700);
      assert.match(ca.certPem, /^-----BEGIN CERTIFICATE-----/);
    } finally {
      ca.dispose();
    }
    assert.equal(existsSync(ca.keyPath), false);
    assert.equal(existsSync(ca.dir), false);
    ca.dispose(); // a second call is harmless
  });

  it('is a CA, and signs leaves for names and IP addresses that chain to it', async () => {
    const ca = await createCertificateAuthority();
    try {
      const root = new X509Certificate(ca.certPem);
      assert.equal(root.ca, true);
      const named = await ca.leafFor('Telemetry.Hasura.io');
      const leaf = new X509Certificate(named.certPem);
      assert.equal(leaf.ca, false);
      assert.equal(leaf.checkIssued(root), true);
      assert.equal(leaf.verify(root.publicKey), true);
      assert.equal(leaf.checkHost('telemetry.hasura.io'), 'telemetry.hasura.io');
      assert.equal(leaf.checkHost('evil.example'), undefined);
      const ip = new X509Certificate((await ca.leafFor('127.0.0.1')).certPem);
      assert.equal(ip.checkIP('127.0.0.1'), '127.0.0.1');
      // Cached per host: the same request gets the same certificate.
      assert.equal((await ca.leafFor('telemetry.hasura.io')).certPem, named.certPem);
    } finally {
      ca.dispose();
    }
  });

  it('fails with a CaError when its directory cannot be made', async () => {
    const parent = path.join(mkdtempSync(path.join(os.tmpdir(), 'ta-ca-')), 'missing', 'deeper');
    await assert.rejects(createCertificateAuthority({ parent }), (err: Error) => err instanceof CaError && /cannot create a directory/.test(err.message));
  });
});
