/** The published JSON Schema of opt-out packs, generated from the zod schema that validates them. */
import * as z from 'zod';
import { requireOneOf } from '../policy/policy-json-schema.js';
import { PackSchema } from './pack-schema.js';

export function packJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PackSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override(ctx) {
      const js = ctx.jsonSchema as Record<string, unknown> & { properties?: Record<string, unknown> };
      // A file has exactly one of text and json (checked by the loader; restated for editors).
      if (js.properties?.path && js.properties.text && js.properties.json) js.oneOf = requireOneOf(['text', 'json']);
    },
  }) as Record<string, unknown>;
  return { ...schema, title: 'telemetry-audit opt-out pack', patternProperties: { '^x-': {} } };
}
