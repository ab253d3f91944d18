/** The browser pieces that need no browser: flags, trust hash, step scripts, the DevTools pipe framing. */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createCertificateAuthority } from '../../src/live/ca.js';
import { conflictingFlag, interceptionFlags, isChromiumFamily, spkiHash } from '../../src/live/browser/chromium.js';
import { BrowserScriptError, parseBrowserScript } from '../../src/live/browser/browser-script.js';
import { CdpPipe } from '../../src/live/browser/cdp-pipe.js';
import { pageLabel } from '../../src/live/browser/page-driver.js';

describe('chromium flags', () => {
  it('knows the Chromium family by executable name, not by any path that mentions it', () => {
    assert.equal(isChromiumFamily('/usr/bin/chromium'), true);
    assert.equal(isChromiumFamily('google-chrome-stable'), true);
    assert.equal(isChromiumFamily('/opt/chromium/bin/node'), false);
    assert.equal(isChromiumFamily('firefox'), false);
  });

  it('proxy, SPKI trust, fresh profile, QUIC off, names unresolvable except loopback', () => {
    const flags = interceptionFlags({ proxyHost: '::1', proxyPort: 8123, spki: ['a', 'b'], profileDir: '/tmp/p', runningAsRoot: false });
    assert.ok(flags.includes('--proxy-server=http://[::1]:8123'));
    assert.ok(flags.includes('--ignore-certificate-errors-spki-list=a,b'));
    assert.ok(flags.includes('--user-data-dir=/tmp/p'));
    assert.ok(flags.includes('--disable-quic'));
    assert.ok(flags.includes('--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]'));
    assert.ok(!flags.includes('--no-sandbox'));
    assert.ok(interceptionFlags({ proxyHost: '127.0.0.1', proxyPort: 1, spki: [], profileDir: '/p', runningAsRoot: true }).includes('--no-sandbox'));
  });

  it("refuses a user's flag that would undo the interception", () => {
    assert.equal(conflictingFlag(['--headless', '--proxy-server=http://elsewhere:1']), '--proxy-server=http://elsewhere:1');
    assert.equal(conflictingFlag(['--user-data-dir', '/home/me/.config/chromium']), '--user-data-dir');
    assert.equal(conflictingFlag(['--headless', '--disable-gpu']), undefined);
  });

  it("the SPKI hash is base64 SHA-256 of the certificate's public key", async () => {
    const ca = await createCertificateAuthority();
    try {
      const leaf = await ca.leafFor('telemetry.hasura.io');
      const other = await ca.leafFor('example.test');
      const expected = createHash('sha256').update(new X509Certificate(leaf.certPem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
      assert.equal(spkiHash(leaf.certPem), expected);
      // One leaf key for every host: one hash covers them all.
      assert.equal(spkiHash(other.certPem), expected);
      assert.notEqual(spkiHash(ca.certPem), expected);
    } finally {
      ca.dispose();
    }
  });
});

describe('browser step scripts', () => {
  it('reads YAML steps and rejects unknown or doubled step kinds, naming the step', () => {
    const s = parseBrowserScript('timeout: 5\nsteps:\n  - click: "#a"\n  - navigate: /x\n  - waitForText: done\n  - wait: 1\n', 's.yaml');
    assert.equal(s.steps.length, 4);
    assert.throws(() => parseBrowserScript('steps:\n  - hover: "#a"\n', 's.yaml'), (e: Error) => e instanceof BrowserScriptError && /s\.yaml: steps\.0/.test(e.message));
    assert.throws(() => parseBrowserScript('steps:\n  - click: "#a"\n    navigate: /x\n', 's.yaml'), BrowserScriptError);
    assert.throws(() => parseBrowserScript('steps: [', 's.yaml'), /not JSON or YAML/);
  });

  it('labels a page without its query or fragment (they may carry tokens)', () => {
    assert.equal(pageLabel('http://127.0.0.1:9695/console/data?admin_secret=s3cret#x'), 'http://127.0.0.1:9695/console/data');
  });
});

describe('DevTools pipe', () => {
  it('frames commands with NUL, matches replies split across chunks, routes events, fails pending calls when closed', async () => {
    const toBrowser = new PassThrough();
    const fromBrowser = new PassThrough();
    const cdp = new CdpPipe(toBrowser, fromBrowser);
    const written: string[] = [];
    toBrowser.on('data', (d: Buffer) => written.push(d.toString('utf8')));
    const events: unknown[] = [];
    cdp.on('Page.loadEventFired', (p, sid) => events.push([p, sid]));
    const reply = cdp.send<{ product: string }>('Browser.getVersion');
    await new Promise((r) => setImmediate(r));
    assert.equal(written.join(''), `${JSON.stringify({ id: 1, method: 'Browser.getVersion', params: {} })}\0`);
    const msg = `${JSON.stringify({ method: 'Page.loadEventFired', params: { timestamp: 1 }, sessionId: 'S' })}\0${JSON.stringify({ id: 1, result: { product: 'Chrome/1' } })}\0`;
    fromBrowser.write(Buffer.from(msg.slice(0, 20)));
    fromBrowser.write(Buffer.from(msg.slice(20)));
    assert.deepEqual(await reply, { product: 'Chrome/1' });
    assert.deepEqual(events, [[{ timestamp: 1 }, 'S']]);
    const failing = cdp.send('Page.navigate', { url: 'x' });
    fromBrowser.end();
    await assert.rejects(failing, /closed its DevTools pipe/);
    await assert.rejects(cdp.send('Browser.close'), /closed its DevTools pipe/);
  });
});

describe('browser frames in the inspector', () => {
  it('the Raw tab says websocket and names the page as the origin', async () => {
    const { rawLines } = await import('../../src/tui/render/raw-lines.js');
    const frame = {
      id: 'r1', time: '2026-12-01T15:00:00.000Z', method: 'WS', url: 'wss://telemetry.hasura.io/v1/ws', headers: [] as Array<[string, string]>,
      body: Buffer.from('{"topic":"console-v2"}'), transport: 'websocket' as const,
      origin: { kind: 'process' as const, command: '/usr/bin/chromium', pid: 42, page: 'http://127.0.0.1:9695/console' },
    };
    const text = rawLines(frame, undefined, 120).map((l) => l.map((s) => s.text).join('')).join('\n');
    assert.match(text, /^WS wss:\/\/telemetry\.hasura\.io\/v1\/ws/);
    assert.match(text, /websocket · 22 bytes · sent 2026-12-01T15:00:00\.000Z · from page http:\/\/127\.0\.0\.1:9695\/console pid 42/);
  });
});
