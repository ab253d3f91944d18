import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/live/ca.js';
import { buildChildEnv, writeCaBundle } from '../../src/live/child-env.js';
import { startProxy, type InterceptingProxy } from '../../src/live/proxy.js';
import { EventLog, startCountingUpstream } from '../helpers/live.js';

/**
 * The Node preload, end to end: real child processes with the environment `run` gives them,
 * each sending with a different API, all of which must arrive at the proxy.
 */
describe('Node preload routes every API through the proxy', () => {
  let ca: CertificateAuthority;
  let proxy: InterceptingProxy;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let upstream: Awaited<ReturnType<typeof startCountingUpstream>>;
  const log = new EventLog();

  before(async () => {
    ca = await createCertificateAuthority();
    proxy = await startProxy({ ca, emit: log.push });
    upstream = await startCountingUpstream();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ta-preload-'));
    env = buildChildEnv({ PATH: process.env.PATH, HOME: dir }, { proxyHost: '127.0.0.1', proxyPort: proxy.port, caCertPath: ca.certPath, caBundlePath: writeCaBundle(ca.certPem, ca.dir) });
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
    ca.dispose();
  });

  function node(file: string, body: string): Promise<{ pid: number; stdout: string }> {
    const script = path.join(dir, file);
    writeFileSync(script, body);
    return new Promise((resolve, reject) => {
      const child = execFile(process.execPath, [script], { env, timeout: 20_000 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${file} failed: ${err.message}\n${stderr}`));
        resolve({ pid: child.pid!, stdout });
      });
    });
  }

  const bodiesTo = (url: string): string[] => log.requests().filter((r) => r.url === url).map((r) => Buffer.from(r.body).toString());

  it('global fetch (undici) to an https URL', async () => {
    const { pid } = await node('fetch.mjs', `const r = await fetch('https://telemetry.hasura.io/v1/http', { method: 'POST', body: 'fetch' }); console.log(r.status, await r.text());`);
    await log.waitFor('fetch', () => bodiesTo('https://telemetry.hasura.io/v1/http').includes('fetch'));
    assert.equal(log.requests().find((r) => Buffer.from(r.body).toString() === 'fetch')!.origin.kind, 'process');
    assert.deepEqual((log.requests().find((r) => Buffer.from(r.body).toString() === 'fetch')!.origin as { pid?: number }).pid, pid);
  });

  it('CommonJS https.request with its own keep-alive agent', async () => {
    await node(
      'agent.cjs',
      `const https = require('https'); const agent = new https.Agent({ keepAlive: true });
       const req = https.request('https://telemetry.hasura.io/v1/http', { method: 'POST', agent }, (res) => { res.resume(); res.on('end', () => agent.destroy()); });
       req.end('cjs-agent');`,
    );
    await log.waitFor('https.request', () => bodiesTo('https://telemetry.hasura.io/v1/http').includes('cjs-agent'));
  });

  it('an ES module importing a builtin named export (import { request } from "node:https")', async () => {
    await node('named.mjs', `import { request } from 'node:https'; const req = request('https://telemetry.hasura.io/v1/http', { method: 'POST' }, (res) => res.resume()); req.end('esm-named');`);
    await log.waitFor('named import', () => bodiesTo('https://telemetry.hasura.io/v1/http').includes('esm-named'));
  });

  it('plain http to a loopback server: answered by the proxy, the server is never reached', async () => {
    const url = `http://127.0.0.1:${upstream.port}/v1/http`;
    const { stdout } = await node('plain.mjs', `import http from 'node:http'; http.request('${url}', { method: 'POST' }, (res) => { let b=''; res.on('data', d => b += d); res.on('end', () => console.log(res.statusCode, b)); }).end('plain');`);
    assert.equal(stdout.trim(), '200 {}');
    assert.deepEqual(bodiesTo(url), ['plain']);
    assert.equal(upstream.hits(), 0);
  });

  it('forked and detached children inherit it', async () => {
    writeFileSync(path.join(dir, 'send.mjs'), `await fetch('https://telemetry.hasura.io/v1/http', { method: 'POST', body: process.argv[2] });`);
    await node(
      'parent.mjs',
      `import { fork, spawn } from 'node:child_process';
       const f = fork(new URL('./send.mjs', import.meta.url).pathname, ['forked']);
       await new Promise((r) => f.on('exit', r));
       const d = spawn(process.execPath, [new URL('./send.mjs', import.meta.url).pathname, 'detached'], { detached: true, stdio: 'ignore' });
       d.unref();`,
    );
    await log.waitFor('forked and detached sends', () => ['forked', 'detached'].every((b) => bodiesTo('https://telemetry.hasura.io/v1/http').includes(b)));
  });

  it('raw net.connect traffic that is not HTTP reaches the proxy too, and is reported', async () => {
    await node('raw.cjs', `const s = require('net').connect(5432, 'db.example.internal', () => { s.end(Buffer.from([0,0,0,8,4,210,22,47,0,1])); }); s.on('error', () => {});`);
    await log.waitFor('a finding for the raw connection', () => log.connections().some((c) => c.host === 'db.example.internal' && c.rule === 'live/unreadable-traffic'));
  });
});
