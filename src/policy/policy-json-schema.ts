/**
 * The published JSON Schema of the policy format, generated from the zod schema that validates
 * policy files, so the two can never disagree. Checks zod expresses as refinements (a string
 * needs a format, a matcher needs a test) are restated here so editors flag them too.
 */
import * as z from 'zod';
import { PolicySchema } from './policy-schema.js';

type JsonSchema = Record<string, unknown>;

export function requireOneOf(keys: readonly string[]): JsonSchema[] {
  return keys.map((k) => ({ required: [k] }));
}

export function policyJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(PolicySchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override(ctx) {
      const js = ctx.jsonSchema as JsonSchema & { properties?: Record<string, JsonSchema> };
      const props = js.properties;
      if (!props) return;
      if (props.type?.const === 'string' && props.segments) js.anyOf = requireOneOf(['format', 'enum', 'pattern', 'segments']);
      if (props.path && props.equals && props.exists) js.anyOf = requireOneOf(['equals', 'in', 'exists', 'pattern']);
      if (props.host && props.pathPattern) js.minProperties = 1;
      // A kind needs a body schema unless its body is "none" (a zod refinement, restated).
      if (props.match && props.schema && props.body) js.anyOf = [{ required: ['schema'] }, { required: ['body'], properties: { body: { const: 'none', description: 'a kind without a body needs no schema' } } }];
    },
  }) as JsonSchema;
  // Top-level "x-" keys are the user's (anchors, notes); the loader drops them.
  return { ...schema, title: 'telemetry-audit policy', patternProperties: { '^x-': {} } };
}
