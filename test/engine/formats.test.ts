import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFormat } from '../../src/engine/formats.js';
import { RULES } from '../../src/engine/rules.js';
import type { StringFormat } from '../../src/policy/policy-schema.js';

const cases: Array<[StringFormat, string, string | null]> = [
  ['uuid-v4', 'e462ce20-42dd-40fd-9549-edfb92f80455', null],
  ['uuid-v4', 'E462CE20-42DD-40FD-9549-EDFB92F80455', null],
  ['uuid-v4', '6fa459ea-ee8a-11ee-9c45-0242ac120002', RULES.uuidNotV4.id],
  ['uuid-v4', '00000000-0000-0000-0000-000000000000', RULES.uuidNotV4.id],
  ['uuid-v4', 'e462ce20-42dd-40fd-9549-edfb92f8045', RULES.format.id],
  ['uuid-v4', 'my-laptop', RULES.format.id],
  ['iso-timestamp', '2019-01-21T19:43:33.63838+00:00', null],
  ['iso-timestamp', '2026-11-02T09:15:02Z', null],
  ['iso-timestamp', '2026-13-45T09:15:02Z', RULES.format.id],
  ['iso-timestamp', 'yesterday', RULES.format.id],
  ['version', 'v2.36.0', null],
  ['version', 'v2.36.0-ce', null],
  ['version', 'v1.0.0-alpha36', null],
  ['version', '12345', null],
  ['version', 'v2.36.0 (built by jane on laptop)', RULES.format.id],
  ['semver', '2.0.0', null],
  ['semver', '2.0', RULES.format.id],
  ['integer-string', '150004', null],
  ['integer-string', '15.4', RULES.format.id],
  ['url-path', '/data/schema/SCHEMA_NAME', null],
  ['url-path', 'https://example.com/data', RULES.format.id],
  ['url-path', '/data?table=orders', RULES.format.id],
  ['hex', 'deadBEEF', null],
  ['hex', 'xyz', RULES.format.id],
];

describe('checkFormat', () => {
  for (const [format, value, rule] of cases) {
    it(`${format}: ${JSON.stringify(value)} → ${rule ?? 'ok'}`, () => {
      assert.equal(checkFormat(format, value)?.rule ?? null, rule);
    });
  }
  it('names the MAC address when a v1 UUID stands where a random one is promised', () => {
    assert.match(checkFormat('uuid-v4', '6fa459ea-ee8a-11ee-9c45-0242ac120002')!.message, /MAC address/);
  });
});
