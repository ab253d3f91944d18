/**
 * String formats a policy can require. Each check says why a value fails in words a reviewer
 * can act on, and UUIDs get special care: a v1 UUID is not random, it carries the sender's
 * MAC address and the time it was made.
 */
import type { StringFormat } from '../policy/policy-schema.js';
import { RULES } from './rules.js';

export interface FormatFailure {
  rule: string;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;
// Release tags (v2.36.0, v2.36.0-ce, 2.0.0-alpha.1) and bare build numbers ("12345" in the guide).
const VERSION = /^v?\d{1,9}(?:\.\d{1,9}){0,3}(?:[-+][0-9A-Za-z][0-9A-Za-z.-]{0,63})?$/;
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const INTEGER_STRING = /^-?\d{1,20}$/;
const HEX = /^[0-9a-f]+$/i;

export function uuidVersion(value: string): number | null {
  const m = UUID.exec(value);
  if (!m) return null;
  return parseInt(m[1]!, 16);
}

export function checkFormat(format: StringFormat, value: string): FormatFailure | null {
  switch (format) {
    case 'uuid-v4': {
      const version = uuidVersion(value);
      if (version === null) return { rule: RULES.format.id, message: 'expected a random (v4) UUID' };
      if (version === 1) {
        return {
          rule: RULES.uuidNotV4.id,
          message: 'a version 1 UUID embeds the MAC address of the machine and the time it was made; the policy promises a random (v4) UUID',
        };
      }
      if (version !== 4) return { rule: RULES.uuidNotV4.id, message: `a version ${version} UUID is not random; the policy promises a random (v4) UUID` };
      return null;
    }
    case 'uuid':
      return uuidVersion(value) === null ? { rule: RULES.format.id, message: 'expected a UUID' } : null;
    case 'iso-timestamp':
      return ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')))
        ? null
        : { rule: RULES.format.id, message: 'expected an ISO 8601 timestamp' };
    case 'version':
      return VERSION.test(value) ? null : { rule: RULES.format.id, message: 'expected a version number (e.g. v2.36.0)' };
    case 'semver':
      return SEMVER.test(value) ? null : { rule: RULES.format.id, message: 'expected a semantic version (e.g. 2.36.0)' };
    case 'integer-string':
      return INTEGER_STRING.test(value) ? null : { rule: RULES.format.id, message: 'expected an integer written as a string' };
    case 'hex':
      return HEX.test(value) ? null : { rule: RULES.format.id, message: 'expected hexadecimal digits' };
    case 'url-path':
      return value.startsWith('/') && !/[?#\s]/.test(value) && !/^\/\//.test(value)
        ? null
        : { rule: RULES.format.id, message: 'expected a URL path (no scheme, host, query or fragment)' };
    case 'free-text':
      return null;
  }
}
