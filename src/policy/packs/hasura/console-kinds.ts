/** Console payloads: WebSocket frames of the current console, and the guide's older sample. */
import type { FieldSpec, PayloadKind } from '../../policy-schema.js';
import { anyOf, arrayOf, bool, count, exactly, matching, obj, oneOf, optional, str, undocumented } from '../../spec-builders.js';
import { HASURA_RULES } from './rules.js';
import { CONSOLE_SAMPLE } from './samples.js';
import { CONSOLE_PLACEHOLDERS, CONSOLE_ROUTE_WORDS, DB_KINDS, DEFAULT_SOURCE_NAME } from './vocabulary.js';

export const consoleRoute: FieldSpec = {
  type: 'string',
  format: 'url-path',
  description: 'sanitised console route: route words and placeholders only',
  segments: {
    vocabulary: [...CONSOLE_ROUTE_WORDS, ...CONSOLE_PLACEHOLDERS, DEFAULT_SOURCE_NAME],
    rule: HASURA_RULES.consoleRouteName.id,
    message: 'route segment is neither a console route word nor a placeholder: a name the sanitiser let through',
  },
};

/** Empty until the console knows it (the console sends '' rather than null). */
const uuidOrEmpty = (description: string): FieldSpec => anyOf([exactly(''), str('uuid-v4')], { description });

const frameData = {
  server_version: anyOf([exactly(''), str('version')]),
  url: consoleRoute,
  console_mode: oneOf(['server', 'cli']),
  console_type: undocumented(oneOf(['oss', 'cloud', 'pro', 'pro-lite', ''])),
  cli_uuid: uuidOrEmpty('UUID of the CLI serving the console'),
  server_uuid: uuidOrEmpty('UUID of the server (its metadata database)'),
};

// Tracking ids are labels the console's developers wrote ("Connect Database Button").
const trackingId = matching('^[A-Za-z0-9][A-Za-z0-9 _./:-]{0,119}$');

export const consoleV2: PayloadKind = {
  id: 'console-v2',
  title: 'Console event (WebSocket frame)',
  source: 'wire format of the console (lib/telemetry), topic console-v2',
  transport: 'websocket',
  match: { path: 'topic', in: ['console-v2', 'console-test-v2'] },
  schema: obj({
    topic: oneOf(['console-v2', 'console-test-v2']),
    data: {
      type: 'object',
      fields: frameData,
      variants: {
        discriminator: 'event_type',
        cases: {
          RUN_TIME_ERROR: {
            description: 'runtime error message and stack (the policy allows them; the detectors scan them)',
            fields: { event_data: obj({ message: str('free-text'), stack: optional(str('free-text')) }) },
          },
          SET_FEATURE_FLAG: {
            documented: false,
            fields: { event_data: obj({ feature_flag: anyOf([str('uuid'), matching('^[a-z0-9_-]{1,64}$')]), value: bool() }) },
          },
          CLICK_EVENT: { documented: false, fields: { event_data: obj({ id: trackingId }) } },
          INPUT_CHANGE_EVENT: { documented: false, fields: { event_data: obj({ id: trackingId }) } },
          CONNECT_DB: {
            documented: false,
            fields: {
              event_data: obj({
                db_kind: oneOf(DB_KINDS, { rule: HASURA_RULES.dbKindName.id, message: 'db_kind is not a known database kind: for a data connector it is the name the user gave it' }),
                entity_count: optional(count()),
                // 32 zeros is what the console sends for a database without tables.
                entity_hash: optional(
                  oneOf(['00000000000000000000000000000000'], {
                    rule: HASURA_RULES.tableNamesHash.id,
                    message: 'entity_hash is an unsalted SHA-256 of the table names',
                  }),
                ),
              }),
            },
          },
        },
        message: 'not an event type the console sends',
      },
    },
  }),
  sample: CONSOLE_SAMPLE,
};

export const consoleSample: PayloadKind = {
  id: 'console-sample',
  title: 'Console event (guide sample, older console)',
  source: 'hasura-telemetry-guide: Console',
  match: { all: [{ path: 'topic', exists: false }, { path: 'event_type', exists: true }, { path: 'console_mode', exists: true }] },
  schema: obj({
    server_version: anyOf([exactly(''), str('version')]),
    // Older consoles sent the Redux action type ("Main/RUN_TIME_ERROR").
    event_type: matching('^[A-Za-z]+/[A-Z0-9_]+$'),
    url: consoleRoute,
    console_mode: oneOf(['server', 'cli']),
    cli_uuid: uuidOrEmpty('UUID of the CLI serving the console'),
    server_uuid: uuidOrEmpty('UUID of the server'),
    data: optional(obj({ message: str('free-text'), stack: arrayOf(str('free-text')) })),
  }),
  sample: CONSOLE_SAMPLE,
};

/**
 * The console's socket opened, but the page went away before it sent a frame (a tab closed or a
 * route left at once): the handshake alone carried its URL and headers. The socket is opened only
 * when telemetry is on, so it is a send like any frame (an opted-out console that opens it leaks),
 * but with no payload to check it is not an empty or unknown payload either.
 */
export const consoleSocketOpen: PayloadKind = {
  id: 'console-ws-open',
  title: 'Console telemetry socket opened, no frame sent',
  source: 'wire format of the console (lib/telemetry): wss://telemetry.hasura.io/v1/ws, opened only when enableTelemetry is true',
  transport: 'websocket',
  match: { destination: { host: 'telemetry.hasura.io', path: '/v1/ws', method: 'GET', transport: 'websocket' } },
  body: 'none',
};

export const CONSOLE_KINDS = [consoleV2, consoleSample, consoleSocketOpen];
