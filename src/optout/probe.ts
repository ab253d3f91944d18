/**
 * A pack probe: fetch a page the running target serves (on loopback, never through the proxy)
 * and check its body, e.g. that the console a server hosts is told telemetry is off. The target
 * may still be starting, so the probe retries until it answers or the scenario ends.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';

/** Opens a connection to a loopback port the target serves (sealed runs have no other way in); null: connect directly. */
export type Connector = (port: number) => Socket | null;
import type { ProbeResult } from './matrix.js';

export interface ProbeSpec {
  url: string;
  matches?: string;
  notMatches?: string;
  description?: string;
}

const MAX_BODY = 1024 * 1024;

/** One GET; resolves with the body, or an error message when nothing answered. */
export function fetchOnce(url: string, timeoutMs = 2000, connect?: Connector): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const parsed = new URL(url);
    const secure = parsed.protocol === 'https:';
    const get = secure ? https.get : http.get;
    const port = Number(parsed.port) || (secure ? 443 : 80);
    const inside = connect?.(port) ?? null;
    const createConnection = inside ? () => (secure ? tls.connect({ socket: inside, servername: parsed.hostname, rejectUnauthorized: false }) : inside) : undefined;
    // The target's own certificate on loopback; the probe checks content, not identity. No agent
    // with a connector: an agent (even `agent: false`, a fresh one) opens its own TCP connection
    // and ignores `createConnection`, which made every sealed probe knock on the host's loopback.
    const req = get(url, { timeout: timeoutMs, ...(createConnection ? { createConnection } : { agent: false }), ...(secure ? { rejectUnauthorized: false } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size <= MAX_BODY) chunks.push(d);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

export function checkBody(spec: ProbeSpec, status: number, body: string): ProbeResult {
  const base = { url: spec.url, ...(spec.description ? { description: spec.description } : {}) };
  const what = spec.description ?? `GET ${spec.url}`;
  if (status < 200 || status >= 300) return { ...base, ok: false, detail: `${what}: HTTP ${status}` };
  if (spec.matches !== undefined && !new RegExp(spec.matches).test(body)) return { ...base, ok: false, detail: `${what}: the page does not match /${spec.matches}/` };
  if (spec.notMatches !== undefined && new RegExp(spec.notMatches).test(body)) return { ...base, ok: false, detail: `${what}: the page matches /${spec.notMatches}/` };
  return { ...base, ok: true, detail: `${what}: yes` };
}

/** Retry until the target answers (then judge the body) or `stopped()` says the scenario is over. */
export async function runProbe(spec: ProbeSpec, stopped: () => boolean, intervalMs = 200, connect?: Connector): Promise<ProbeResult> {
  let last = 'no answer';
  while (!stopped()) {
    const got = await fetchOnce(spec.url, 2000, connect);
    if ('status' in got) return checkBody(spec, got.status, got.body);
    last = got.error;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return { url: spec.url, ...(spec.description ? { description: spec.description } : {}), ok: null, detail: `${spec.description ?? `GET ${spec.url}`}: the target never answered (${last})` };
}

/**
 * Poll `url` until it answers (any HTTP status: the server is up) or `stopped()` says the
 * scenario is over. True when it answered.
 */
export async function waitUntilReady(url: string, stopped: () => boolean, intervalMs = 200, connect?: Connector): Promise<boolean> {
  while (!stopped()) {
    if ('status' in (await fetchOnce(url, 1000, connect))) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
