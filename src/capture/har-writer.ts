/**
 * Captured requests → HAR 1.2, in the form the HAR reader (har.ts) and browsers' tools read:
 * one entry per HTTP request, one entry per WebSocket connection with its client frames in
 * `_webSocketMessages` (Chrome's extension). Bodies that are not UTF-8 are written base64.
 */
import type { CapturedRequest } from './captured-request.js';

export interface HarResponse {
  status: number;
  body: string;
  contentType: string;
}

interface HarNameValue {
  name: string;
  value: string;
}

interface HarMessage {
  type: 'send';
  time: number;
  opcode: 1 | 2;
  data: string;
}

interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: HarNameValue[];
    queryString: HarNameValue[];
    cookies: [];
    headersSize: -1;
    bodySize: number;
    postData?: { mimeType: string; text: string; encoding?: 'base64' };
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarNameValue[];
    cookies: [];
    content: { size: number; mimeType: string; text?: string };
    redirectURL: '';
    headersSize: -1;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  _resourceType?: 'websocket';
  _webSocketMessages?: HarMessage[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function asText(body: Uint8Array): { text: string; base64: boolean } {
  try {
    return { text: utf8.decode(body), base64: false };
  } catch {
    return { text: Buffer.from(body).toString('base64'), base64: true };
  }
}

function queryOf(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

export class HarBuilder {
  private readonly entries: HarEntry[] = [];
  private readonly sockets = new Map<string, HarEntry>();

  constructor(
    private readonly response: HarResponse,
    private readonly creator = { name: 'telemetry-audit', version: '0' },
  ) {}

  get size(): number {
    return this.entries.length;
  }

  add(request: CapturedRequest): void {
    if (request.transport === 'websocket') return this.addWebSocket(request);
    const headers = request.headers.map(([name, value]) => ({ name, value }));
    const entry = this.entry(request, request.method, headers, this.response.status);
    if (request.body.length > 0) {
      const { text, base64 } = asText(request.body);
      const mimeType = request.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? 'application/octet-stream';
      entry.request.postData = { mimeType, text, ...(base64 ? { encoding: 'base64' as const } : {}) };
    }
    this.entries.push(entry);
  }

  private addWebSocket(request: CapturedRequest): void {
    const key = request.connection ?? `${request.url}|${request.time}`;
    let entry = this.sockets.get(key);
    if (!entry) {
      entry = this.entry(request, 'GET', request.headers.map(([name, value]) => ({ name, value })), 101);
      entry._resourceType = 'websocket';
      entry._webSocketMessages = [];
      entry.response.content = { size: 0, mimeType: 'x-unknown' };
      entry.response.bodySize = 0;
      this.sockets.set(key, entry);
      this.entries.push(entry);
    }
    // A handshake-only capture carries no frame; its entry is enough.
    if (request.method !== 'WS') return;
    const { text, base64 } = asText(request.body);
    entry._webSocketMessages!.push({ type: 'send', time: Date.parse(request.time) / 1000, opcode: base64 ? 2 : 1, data: text });
  }

  private entry(request: CapturedRequest, method: string, headers: HarNameValue[], status: number): HarEntry {
    const body = status === 101 ? '' : this.response.body;
    return {
      startedDateTime: request.time,
      time: 0,
      request: {
        method,
        url: request.url ?? 'about:blank',
        httpVersion: 'HTTP/1.1',
        headers,
        queryString: request.url ? queryOf(request.url) : [],
        cookies: [],
        headersSize: -1,
        bodySize: request.body.length,
      },
      response: {
        status,
        statusText: status === 101 ? 'Switching Protocols' : 'Dry Run',
        httpVersion: 'HTTP/1.1',
        headers: status === 101 ? [] : [{ name: 'content-type', value: this.response.contentType }],
        cookies: [],
        content: { size: Buffer.byteLength(body), mimeType: this.response.contentType, text: body },
        redirectURL: '',
        headersSize: -1,
        bodySize: Buffer.byteLength(body),
      },
      cache: {},
      timings: { send: 0, wait: 0, receive: 0 },
    };
  }

  toJSON(): unknown {
    return { log: { version: '1.2', creator: this.creator, pages: [], entries: this.entries } };
  }

  toString(): string {
    return JSON.stringify(this.toJSON(), null, 1) + '\n';
  }
}
