/**
 * What the proxy answers in place of the real endpoint. Dry-run never forwards, so the target
 * must get a reply that keeps it going: by default what a telemetry endpoint says, 200 `{}`.
 */
export interface FakeResponse {
  status: number;
  body: string;
  contentType: string;
}

export const DEFAULT_FAKE_RESPONSE: FakeResponse = { status: 200, body: '{}', contentType: 'application/json' };

export class FakeResponseError extends Error {}

/** Parse `STATUS[:BODY]`, e.g. `204`, `200:{"ok":true}`, `503:busy`. */
export function parseFakeResponse(spec: string): FakeResponse {
  const m = /^(\d{3})(?::([\s\S]*))?$/.exec(spec);
  if (!m) throw new FakeResponseError(`--respond needs STATUS[:BODY] (e.g. 200, 204, '200:{"ok":true}'), got "${spec}"`);
  const status = Number(m[1]);
  if (status < 200 || status > 599) throw new FakeResponseError(`--respond status must be 200-599, got ${status}`);
  const body = status === 204 || status === 304 ? '' : (m[2] ?? (m[1] === '200' ? '{}' : ''));
  let contentType = 'text/plain; charset=utf-8';
  try {
    JSON.parse(body);
    contentType = 'application/json';
  } catch {
    // not JSON: plain text
  }
  return { status, body, contentType };
}
