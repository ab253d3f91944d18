import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/live/ca.js';
import { acceptsClient, parseAuthority, parseConnectHead, ProxyStartError, startProxy, type InterceptingProxy } from '../../src/live/proxy.js';
import { EventLog, openTunnel, startCountingUpstream } from '../helpers/live.js';

function proxyRequest(port: number, target: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: target, headers: { host: new URL(target).host, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('intercepting proxy (dry-run)', () => {
  let ca: CertificateAuthority;
  let proxy: InterceptingProxy;
  const log = new EventLog();
  let upstream: Awaited<ReturnType<typeof startCountingUpstream>>;

  before(async () => {
    ca = await createCertificateAuthority();
    proxy = await startProxy({ ca, emit: log.push, origin: (pid) => ({ kind: 'process', command: 'test', ...(pid ? { pid } : {}) }) });
    upstream = await startCountingUpstream();
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
    ca.dispose();
  });

  it('listens on 127.0.0.1 by default', () => {
    assert.equal(proxy.host, '127.0.0.1');
    assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('captures a plain proxy request with its headers in order and its body, answers 200 {}, forwards nothing', async () => {
    const target = `http://127.0.0.1:${upstream.port}/v1/http?x=1`;
    const res = await proxyRequest(proxy.port, target, '{"topic":"cli"}', { 'x-first': 'a', 'content-type': 'application/json' });
    assert.deepEqual(res, { status: 200, body: '{}' });
    const r = log.requests().find((q) => q.url === target);
    assert.ok(r, 'captured');
    assert.equal(r.method, 'POST');
    assert.equal(Buffer.from(r.body).toString(), '{"topic":"cli"}');
    assert.deepEqual(r.headers.slice(0, 3).map(([k]) => k.toLowerCase()), ['host', 'x-first', 'content-type']);
    assert.equal(upstream.hits(), 0, 'the upstream was never contacted');
  });

  it('intercepts TLS in a CONNECT tunnel with a leaf the CA signed, captures the request, forwards nothing', async () => {
    const socket = await openTunnel(proxy.port, `127.0.0.1:${upstream.port}`);
    const secure = tls.connect({ socket, ca: ca.certPem, servername: undefined, host: '127.0.0.1' } as tls.ConnectionOptions);
    await new Promise<void>((r, j) => secure.once('secureConnect', () => r()).once('error', j));
    assert.equal(secure.authorized, true);
    const body = '{"server_metrics":{}}';
    secure.write(`POST /v1/http HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    let reply = '';
    for await (const chunk of secure) reply += chunk;
    assert.match(reply, /^HTTP\/1\.1 200 [^\r]*\r\n[\s\S]*\r\n\r\n\{\}$/);
    const url = `https://127.0.0.1:${upstream.port}/v1/http`;
    await log.waitFor('the TLS request', () => log.requests().some((q) => q.url === url));
    assert.equal(Buffer.from(log.requests().find((q) => q.url === url)!.body).toString(), body);
    assert.equal(upstream.hits(), 0);
  });

  it('follows a WebSocket upgrade and captures each client frame as its own request', async () => {
    const socket = await openTunnel(proxy.port, 'telemetry.hasura.io:443');
    const secure = tls.connect({ socket, ca: ca.certPem, servername: 'telemetry.hasura.io' });
    const ws = new WebSocket('wss://telemetry.hasura.io/v1/ws', { createConnection: () => secure });
    await new Promise<void>((r, j) => ws.once('open', () => r()).once('error', j));
    ws.send('{"data":{"n":1},"topic":"console-v2"}');
    ws.send(Buffer.from([1, 2, 3]));
    ws.close();
    await log.waitFor('two frames', () => log.requests().filter((q) => q.transport === 'websocket').length >= 2);
    const frames = log.requests().filter((q) => q.transport === 'websocket');
    assert.deepEqual(frames.map((f) => [f.method, f.url, Buffer.from(f.body).toString('hex')]), [
      ['WS', 'wss://telemetry.hasura.io/v1/ws', Buffer.from('{"data":{"n":1},"topic":"console-v2"}').toString('hex')],
      ['WS', 'wss://telemetry.hasura.io/v1/ws', '010203'],
    ]);
    assert.equal(frames[0]!.connection, frames[1]!.connection);
  });

  it('reports a client that refuses the CA, with the host it asked for', async () => {
    const socket = await openTunnel(proxy.port, 'telemetry.hasura.io:443');
    const secure = tls.connect({ socket, servername: 'telemetry.hasura.io', ca: tls.rootCertificates as string[] });
    await new Promise<void>((r) => secure.once('error', () => r()));
    await log.waitFor('a refusal', () => log.connections().some((c) => c.rule === 'live/tls-not-intercepted'));
    const refusal = log.connections().find((c) => c.rule === 'live/tls-not-intercepted')!;
    assert.equal(refusal.host, 'telemetry.hasura.io');
    assert.equal(refusal.port, 443);
    assert.equal(refusal.severity, 'error');
    assert.match(refusal.message, /TLS not intercepted/);
  });

  it('a client process that exits mid-handshake (no TLS alert) is not a refusal', async () => {
    // A child opens a tunnel as the preload does (naming its pid), starts TLS over a relay so
    // it sees the proxy's first flight, and exits right then: its sockets close with it.
    const script = `
      const net = require('net'), tls = require('tls'), { Duplex } = require('stream');
      const raw = net.connect(${proxy.port}, '127.0.0.1');
      raw.write('CONNECT exits-mid-handshake.test:443 HTTP/1.1\\r\\nHost: exits-mid-handshake.test:443\\r\\nX-Telemetry-Audit-Pid: ' + process.pid + '\\r\\n\\r\\n');
      raw.once('data', () => {
        raw.once('data', () => process.exit(0));
        const relay = new Duplex({ read() {}, write(c, e, cb) { raw.write(c, cb); } });
        tls.connect({ socket: relay, servername: 'exits-mid-handshake.test', rejectUnauthorized: false }).on('error', () => {});
      });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 0);
    // Readiness: a later request through the proxy is captured after the hang-up was handled.
    const target = `http://127.0.0.1:${upstream.port}/after-hangup`;
    await proxyRequest(proxy.port, target, '{}');
    await log.waitFor('the request after the hang-up', () => log.requests().some((q) => q.url === target));
    assert.deepEqual(log.connections().filter((c) => c.host === 'exits-mid-handshake.test'), []);
  });

  it('Proxy-Connection and Proxy-Authorization are not request headers; proxy credentials are reported on their own', async () => {
    const target = `http://127.0.0.1:${upstream.port}/v1/proxy-headers`;
    await proxyRequest(proxy.port, target, '{}', { 'proxy-connection': 'keep-alive', 'proxy-authorization': 'Basic dXNlcjpwYXNz' });
    await log.waitFor('the request', () => log.requests().some((q) => q.url === target));
    const r = log.requests().find((q) => q.url === target)!;
    assert.deepEqual(r.headers.filter(([k]) => k.toLowerCase().startsWith('proxy-')), []);
    const creds = log.connections().filter((c) => c.rule === 'live/proxy-credentials');
    assert.equal(creds.length, 1);
    assert.equal(creds[0]!.severity, 'warning');
    assert.ok(!creds[0]!.message.includes('dXNlcjpwYXNz'), 'the credentials are not in the message');
  });

  it('reports bytes in a tunnel that are not HTTP', async () => {
    const socket = await openTunnel(proxy.port, 'db.example.internal:5432');
    socket.write(Buffer.from('\x00\x00\x00\x08\x04\xd2\x16\x2f garbage that no HTTP parser accepts\r\n\r\n', 'latin1'));
    await log.waitFor('an unreadable-traffic finding', () => log.connections().some((c) => c.rule === 'live/unreadable-traffic'));
    assert.equal(log.connections().find((c) => c.rule === 'live/unreadable-traffic')!.host, 'db.example.internal');
    socket.destroy();
  });

  it('opens a "silent" tunnel for the preload: no 200 line, the request follows the CONNECT at once', async () => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    const body = '{"silent":true}';
    socket.write(
      'CONNECT silent.example:80 HTTP/1.1\r\nHost: silent.example:80\r\nX-Telemetry-Audit-Tunnel: silent\r\nX-Telemetry-Audit-Pid: 4242\r\n\r\n' +
        `POST /t HTTP/1.1\r\nHost: silent.example\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    let reply = '';
    for await (const chunk of socket) reply += chunk;
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/, 'the first bytes are the answer to the request, not to the CONNECT');
    const r = log.requests().find((q) => q.url === 'http://silent.example/t')!;
    assert.deepEqual(r.origin, { kind: 'process', command: 'test', pid: 4242 });
  });
});

describe('proxy set-up', () => {
  it('answers with the configured response', async () => {
    const ca = await createCertificateAuthority();
    const proxy = await startProxy({ ca, emit: () => {}, respond: { status: 503, body: 'busy', contentType: 'text/plain' } });
    try {
      assert.deepEqual(await proxyRequest(proxy.port, 'http://telemetry.hasura.io/v1/http', '{}'), { status: 503, body: 'busy' });
    } finally {
      await proxy.close();
      ca.dispose();
    }
  });

  it('keeps URLs right across kept-alive requests sent to it directly, and cuts oversized bodies with a finding', async () => {
    const ca = await createCertificateAuthority();
    const log = new EventLog();
    const proxy = await startProxy({ ca, emit: log.push, maxBodyBytes: 64 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (path: string, body: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: proxy.port, path, method: 'POST', agent, headers: { host: 'telemetry.hasura.io' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      assert.equal(await post('/v1/http', '{"a":1}'), 200);
      assert.equal(await post('/v1/other', 'x'.repeat(100)), 200);
      await log.waitFor('two requests', () => log.requests().length === 2);
      assert.deepEqual(log.requests().map((r) => r.url), ['http://telemetry.hasura.io/v1/http', 'http://telemetry.hasura.io/v1/other']);
      assert.equal(log.requests()[0]!.connection, log.requests()[1]!.connection, 'one kept-alive connection');
      assert.equal(log.requests()[1]!.body.length, 64);
      const cut = log.connections().find((c) => c.rule === 'live/unreadable-traffic');
      assert.ok(cut && /over 64 bytes was cut/.test(cut.message) && cut.host === 'telemetry.hasura.io');
    } finally {
      agent.destroy();
      await proxy.close();
      ca.dispose();
    }
  });

  it('reports a WebSocket frame over the size cap', async () => {
    const ca = await createCertificateAuthority();
    const log = new EventLog();
    const proxy = await startProxy({ ca, emit: log.push, maxBodyBytes: 64 });
    try {
      const socket = await openTunnel(proxy.port, 'telemetry.hasura.io:80');
      const ws = new WebSocket('ws://telemetry.hasura.io/v1/ws', { createConnection: () => socket });
      ws.on('error', () => {});
      await new Promise<void>((r, j) => ws.once('open', () => r()).once('error', j));
      ws.send('y'.repeat(100));
      await log.waitFor('a finding for the frame', () => log.connections().some((c) => /WebSocket frame to ws:\/\/telemetry\.hasura\.io\/v1\/ws could not be read/.test(c.message)));
      ws.terminate();
    } finally {
      await proxy.close();
      ca.dispose();
    }
  });

  it('fails clearly when the port is taken', async () => {
    const ca = await createCertificateAuthority();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await assert.rejects(startProxy({ ca, port, emit: () => {} }), (err: Error) => err instanceof ProxyStartError && /already in use/.test(err.message));
    } finally {
      blocker.close();
      ca.dispose();
    }
  });

  it('serves loopback clients only, unless remote clients are allowed', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.equal(acceptsClient(a), true, a);
    for (const a of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', 'fe80::1', '172.17.0.2', undefined]) assert.equal(acceptsClient(a), false, String(a));
    assert.equal(acceptsClient('172.17.0.2', true), true);
  });

  it('parses CONNECT heads and authorities strictly', () => {
    assert.deepEqual(parseAuthority('[::1]:443'), { host: '::1', port: 443 });
    assert.deepEqual(parseAuthority('telemetry.hasura.io:443'), { host: 'telemetry.hasura.io', port: 443 });
    for (const bad of ['telemetry.hasura.io', 'h:0', 'h:70000', 'http://h:80', 'a b:1']) assert.equal(parseAuthority(bad), null, bad);
    assert.deepEqual(parseConnectHead('CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nX-Telemetry-Audit-Pid: 7'), { target: { host: 'h', port: 443 }, headers: { host: 'h:443', 'x-telemetry-audit-pid': '7' } });
    assert.equal(parseConnectHead('CONNECT h:443 HTTP/2\r\n'), null);
    assert.equal(parseConnectHead('CONNECT h:443 HTTP/1.1\r\nno colon'), null);
  });
});
