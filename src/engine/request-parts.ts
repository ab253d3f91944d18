/**
 * Every piece of a request a leak can hide in, as text with its location: the URL, each
 * header value, each JSON key and string value (with its path), or the raw body when it is
 * not JSON. Detectors scan these; nothing the request carries is left out.
 */
import type { TextPart } from '../detectors/text-scanner.js';
import { isJsonObject, pathSegment } from '../json/json-parse.js';

export type { TextPart } from '../detectors/text-scanner.js';

export function jsonTextParts(value: unknown, path = '$', out: TextPart[] = []): TextPart[] {
  if (typeof value === 'string') {
    out.push({ location: { part: 'body', path }, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => jsonTextParts(item, path + pathSegment(i), out));
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      const childPath = path + pathSegment(key);
      out.push({ location: { part: 'body', path: childPath }, text: key, isKey: true });
      jsonTextParts(value[key], childPath, out);
    }
  }
  return out;
}
