/**
 * Turborepo telemetry (https://turborepo.com/docs/telemetry, turbo@2.11.11, Rust): POST
 * https://telemetry.vercel.com/api/turborepo/v1/events, a JSON array of events, each an object with
 * one of generic / command / repo / task holding { id, key, value, parent_id } (plus the hashed repo
 * or package and the task name). The docs promise anonymous data: repository and package names are
 * sent as salted SHA-256 (the salt stays in ~/.config/turborepo/telemetry.json). Headers carry the
 * per-machine telemetry id and a session id; the User-Agent names the OS, arch and Rust version.
 */
import type { FieldSpec, Policy } from '../../policy-schema.js';
import { matching, nullable, obj, optional, str } from '../../spec-builders.js';
import { hexId, kindAt } from './common.js';

const RULES = {
  taskName: { id: 'turbo/task-name', severity: 'warning', title: 'Task name in clear',
    description: 'The task name (a key of turbo.json the user chose) is sent unhashed beside the hashed package name.' },
} as const;
const base = (extra: Record<string, FieldSpec> = {}): FieldSpec => optional(obj({
  id: str('uuid-v4', { description: 'random id grouping the events of one scope' }),
  key: matching('^[a-z][a-z0-9_:-]*$', { description: 'what the event measures (a fixed name, or arg:<flag name>)' }),
  value: str('free-text', { description: 'a count, a version, a fixed word or "default"/"set" for an argument' }),
  parent_id: nullable(str('uuid-v4')),
  ...extra,
}));
const event = obj({
  generic: base(),
  command: base({ command: matching('^[a-z][a-z-]*$') }),
  repo: base({ repo: hexId(64, 'salted SHA-256 of the repository root') }),
  task: base({
    package: hexId(64, 'salted SHA-256 of the package name'),
    task: matching('^[\\w:#.-]+$', { rule: RULES.taskName.id, description: 'the task name from turbo.json, unhashed' }),
  }),
});

export const turboPolicy: Policy = {
  name: 'turbo',
  title: 'Turborepo telemetry policy (turbo@2.11.11)',
  version: '1',
  source: 'https://turborepo.com/docs/telemetry and turbo@2.11.11 (crates/turborepo-telemetry)',
  description: 'Anonymous events posted to telemetry.vercel.com: command, flags used, repo shape, hashed repository and package names.',
  destinations: [{ host: 'telemetry.vercel.com', paths: ['/api/turborepo/v1/events'], methods: ['POST'], transport: 'http', kinds: ['turbo-events'] }],
  loopback: 'skip',
  headers: {
    allowed: ['host', 'content-type', 'content-length', 'accept', 'user-agent', 'x-turbo-telemetry-id', 'x-turbo-session-id', 'accept-encoding'],
    forbidden: ['cookie', 'authorization', 'proxy-authorization'],
    unknown: 'warning',
    // "turbo <version> <rustc version> <os> <arch>": narrows the machine a little.
    userAgent: { patterns: ['^turbo [0-9][\\w.+-]* [0-9][\\w.+-]* [a-z]+ [\\w]+$'], severity: 'warning' },
  },
  unknownFields: 'error',
  kinds: [kindAt('turbo-events', 'Turborepo event batch', 'telemetry.vercel.com', '/api/turborepo/v1/events', { type: 'array', items: event, maxItems: 500 }, 'turbo@2.11.11')],
  rules: Object.values(RULES),
};
