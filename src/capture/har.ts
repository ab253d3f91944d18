/**
 * HAR 1.2 → captured requests. Request bodies come from postData.text (base64 when a writer
 * marks it so); Chrome records WebSocket traffic in `_webSocketMessages`, and each frame the
 * page sent becomes its own request (the Hasura console reports over a WebSocket).
 */
import type { CaptureOrigin, CapturedRequest } from './captured-request.js';

export class HarError extends Error {}

interface HarHeader {
  name: string;
  value: string;
}

export function isHar(value: unknown): boolean {
  const log = (value as { log?: { entries?: unknown } } | null)?.log;
  return typeof value === 'object' && value !== null && typeof log === 'object' && log !== null && Array.isArray(log.entries);
}

function asString(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new HarError(`${what} is not a string`);
  return v;
}

function headersOf(v: unknown, what: string): Array<[string, string]> {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new HarError(`${what} is not an array`);
  return v.map((h: HarHeader, i) => [asString(h?.name, `${what}[${i}].name`), asString(h?.value, `${what}[${i}].value`)]);
}

function decodeText(text: string, encoding: unknown, what: string, bytesOf: (s: string) => Buffer): Uint8Array {
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text)) throw new HarError(`${what} is marked base64 but is not`);
    return Buffer.from(text, 'base64');
  }
  return bytesOf(text);
}

function frameTime(t: unknown, fallback: string): string {
  // Chrome writes frame times as seconds since the epoch (a float).
  if (typeof t === 'number' && Number.isFinite(t)) return new Date(t * 1000).toISOString();
  return fallback;
}

function isWebSocketEntry(entry: Record<string, unknown>, headers: Array<[string, string]>): boolean {
  if (entry._resourceType === 'websocket' || Array.isArray(entry._webSocketMessages)) return true;
  return headers.some(([n, v]) => n.toLowerCase() === 'upgrade' && v.toLowerCase() === 'websocket');
}

/** `bytesOf` turns a body string of the file back into its bytes (see container-text.ts). */
export function harToRequests(
  har: unknown,
  makeOrigin: (entry: number, frame?: number) => CaptureOrigin,
  makeId: (entry: number, frame?: number) => string,
  bytesOf: (s: string) => Buffer = (s) => Buffer.from(s, 'utf8'),
): CapturedRequest[] {
  if (!isHar(har)) throw new HarError('not a HAR file: no log.entries array');
  const entries = (har as { log: { entries: unknown[] } }).log.entries;
  const out: CapturedRequest[] = [];
  entries.forEach((raw, index) => {
    const n = index + 1;
    const where = `log.entries[${index}]`;
    if (typeof raw !== 'object' || raw === null) throw new HarError(`${where} is not an object`);
    const entry = raw as Record<string, unknown>;
    const req = entry.request as Record<string, unknown> | undefined;
    if (typeof req !== 'object' || req === null) throw new HarError(`${where}.request is missing`);
    const method = asString(req.method, `${where}.request.method`);
    const url = asString(req.url, `${where}.request.url`);
    const headers = headersOf(req.headers, `${where}.request.headers`);
    const time = typeof entry.startedDateTime === 'string' ? entry.startedDateTime : new Date(0).toISOString();

    if (isWebSocketEntry(entry, headers)) {
      const messages = Array.isArray(entry._webSocketMessages) ? (entry._webSocketMessages as Array<Record<string, unknown>>) : [];
      let frame = 0;
      messages.forEach((m, mi) => {
        // Only what the client sent leaves the machine; received frames are the server's.
        if (m?.type !== 'send') return;
        frame++;
        const data = asString(m.data, `${where}._webSocketMessages[${mi}].data`);
        const body = m.opcode === 2 ? decodeText(data, 'base64', `${where}._webSocketMessages[${mi}].data`, bytesOf) : bytesOf(data);
        out.push({
          id: makeId(n, frame),
          time: frameTime(m.time, time),
          method: 'WS',
          url,
          headers,
          body,
          transport: 'websocket',
          origin: makeOrigin(n, frame),
        });
      });
      // A handshake with no frames still sends its URL and headers: audit it as such.
      if (frame === 0) {
        out.push({ id: makeId(n), time, method, url, headers, body: new Uint8Array(), transport: 'websocket', origin: makeOrigin(n) });
      }
      return;
    }

    const postData = req.postData as Record<string, unknown> | undefined;
    let body: Uint8Array = new Uint8Array();
    if (postData && typeof postData === 'object') {
      if (typeof postData.text === 'string') {
        body = decodeText(postData.text, postData.encoding ?? postData._encoding, `${where}.request.postData.text`, bytesOf);
      } else if (Array.isArray(postData.params)) {
        // Form posts recorded as params only: rebuild the urlencoded body that was sent.
        const params = postData.params as Array<{ name?: unknown; value?: unknown }>;
        body = Buffer.from(params.map((p) => `${encodeURIComponent(String(p.name ?? ''))}=${encodeURIComponent(String(p.value ?? ''))}`).join('&'));
      }
    }
    out.push({ id: makeId(n), time, method, url, headers, body, transport: 'http', origin: makeOrigin(n) });
  });
  return out;
}
