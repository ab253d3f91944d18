/**
 * A synthetic corpus of wire-format Hasura telemetry, as the NDJSON capture format: the same
 * payload shapes the fixtures hold (server v2 per source, resources, CLI both shapes, console
 * frames), with fresh ids and counts per request, and one request in fifty leaky.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { serializeCaptureLine } from '../src/capture/capture-record.js';
import type { CapturedRequest } from '../src/capture/captured-request.js';

const TELEMETRY = 'https://telemetry.hasura.io/v1/http';
const WS = 'wss://telemetry.hasura.io/v1/ws';
const SERVER_HEADERS: Array<[string, string]> = [
  ['host', 'telemetry.hasura.io'],
  ['content-type', 'application/json'],
  ['user-agent', 'hasura-graphql-engine/v2.36.0'],
];
const CLI_HEADERS: Array<[string, string]> = [
  ['host', 'telemetry.hasura.io'],
  ['user-agent', 'Go-http-client/1.1'],
  ['accept-encoding', 'gzip'],
];

function serverV2(i: number): unknown {
  const n = (k: number) => (i * k) % 97;
  return {
    topic: 'server_metrics_v2',
    data: {
      metadata_db_uid: randomUUID(),
      instance_uid: randomUUID(),
      hasura_version: 'v2.36.0',
      ci: i % 5 === 0 ? 'GITLAB' : null,
      source_metadata: { db_uid: randomUUID(), backend_type: 'postgres', db_kind: i % 50 === 7 ? 'acme_warehouse' : 'postgres', db_version: '150004' },
      metrics: {
        tables: n(3), views: n(5), enum_tables: n(7) % 3,
        relationships: { manual: n(11) % 5, auto: n(13) },
        permissions: { select: n(17), insert: n(19), update: n(23), delete: n(29), roles: n(31) % 6 },
        event_triggers: n(37) % 4, functions: n(41) % 4, remote_schemas: n(43) % 3,
        service_timings: { collectionTag: 1793610902 + i, serviceTimingMetrics: [{ dimensions: { query_type: 'Query', locality: 'Local', transport: 'HTTP' }, bucket: 0.05, metrics: { time_io: 0.8, time_tot: 1.7, count: n(47) } }] },
        actions: { synchronous: 1, asynchronous: 0, query_actions: 1, type_relationships: 0, custom_types: 3 },
        native_queries: { with_parameters: 0, without_parameters: 1 },
        stored_procedures: { with_parameters: 0, without_parameters: 0 },
        logical_models: { count: 1 },
      },
      experimental_features: ['naming_convention'],
    },
  };
}

function cliFlat(i: number): unknown {
  const commands = ['hasura version', 'hasura migrate apply', 'hasura metadata export', 'hasura console', 'hasura seed apply'];
  const command = i % 50 === 3 ? 'hasura migrate apply --admin-secret --endpoint' : commands[i % commands.length];
  return {
    uuid: randomUUID(), server_uuid: randomUUID(), execution_id: randomUUID(), os_platform: 'linux', os_arch: 'amd64',
    version: 'v2.36.0', server_version: 'v2.36.0', command, is_error: false, error: null, payload: null, topic: 'cli',
  };
}

function consoleFrame(i: number): unknown {
  const url = i % 50 === 11 ? '/data/native-queries/inventory_prod/top_customers/modify' : '/data/schema/SCHEMA_NAME/tables/TABLE_NAME/modify';
  return {
    data: {
      server_version: 'v2.36.0', url, console_mode: 'server', console_type: 'oss', cli_uuid: '', server_uuid: randomUUID(),
      event_type: 'CLICK_EVENT', event_data: { id: 'Modify Table Save Button' },
    },
    topic: 'console-v2',
  };
}

const RESOURCES = { server_metrics: { resource_cpu: 2048, resource_memory: 4294967296, resource_checker_error_code: null } };

export function corpusRequest(i: number): CapturedRequest {
  const kind = i % 4;
  const body = kind === 0 ? serverV2(i) : kind === 1 ? cliFlat(i) : kind === 2 ? consoleFrame(i) : i % 8 === 3 ? RESOURCES : serverV2(i);
  const isWs = kind === 2;
  return {
    id: `bench-${i}`,
    time: new Date(1793610902000 + i * 1000).toISOString(),
    method: isWs ? 'WS' : 'POST',
    url: isWs ? WS : TELEMETRY,
    headers: isWs ? [['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36']] : kind === 1 ? CLI_HEADERS : SERVER_HEADERS,
    body: Buffer.from(JSON.stringify(body)),
    transport: isWs ? 'websocket' : 'http',
    origin: { kind: 'generated', generator: 'bench corpus' },
  };
}

export async function writeCorpus(file: string, count: number): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const line = serializeCaptureLine(corpusRequest(i));
    bytes += line.length;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}
