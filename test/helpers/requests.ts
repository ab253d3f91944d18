/** Build captured requests for engine tests the way the readers would. */
import { gzipSync } from 'node:zlib';
import type { CapturedRequest } from '../../src/capture/captured-request.js';

let n = 0;
export function httpRequest(body: unknown, opts: Partial<Omit<CapturedRequest, 'body'>> & { gzip?: boolean; raw?: boolean } = {}): CapturedRequest {
  const text = opts.raw ? String(body) : JSON.stringify(body);
  const bytes = opts.gzip ? gzipSync(Buffer.from(text)) : Buffer.from(text);
  const headers = opts.headers ?? [
    ['content-type', 'application/json'],
    ['user-agent', 'hasura-graphql-engine/v2.36.0'],
  ];
  return {
    id: opts.id ?? `req-${++n}`,
    time: opts.time ?? '2026-11-02T09:15:02.114Z',
    method: opts.method ?? 'POST',
    url: opts.url === undefined ? 'https://telemetry.hasura.io/v1/http' : opts.url,
    headers: opts.gzip ? [...headers, ['content-encoding', 'gzip']] : headers,
    body: bytes,
    transport: opts.transport ?? 'http',
    origin: opts.origin ?? { kind: 'generated', generator: 'test' },
  };
}

export const CLI_EVENT = {
  uuid: 'e462ce20-42dd-40fd-9549-edfb92f80455',
  server_uuid: '',
  execution_id: 'ddfa9c33-0693-457d-9026-c7f456c43322',
  os_platform: 'linux',
  os_arch: 'amd64',
  version: 'v2.36.0',
  server_version: '',
  command: 'hasura version',
  is_error: false,
  payload: null,
};

export const cliEnveloped = (data: Record<string, unknown> = {}) => ({ topic: 'cli', data: { ...CLI_EVENT, ...data } });
export const cliFlat = (data: Record<string, unknown> = {}) => ({ ...CLI_EVENT, error: null, ...data, topic: 'cli' });
