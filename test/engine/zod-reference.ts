/**
 * The reference the compiled field validator is held to: the same field specs built as zod
 * schemas, as the engine ran them before policies were compiled to plain validators. Tests only:
 * the audit path loads no zod. String checks are the one shared piece (compileStringChecks), run
 * here inside a superRefine as before.
 */
import * as z from 'zod';
import type { CompiledPolicy } from '../../src/engine/compiled-policy.js';
import { kindBodySpec } from '../../src/engine/compiled-policy.js';
import { checkRange, compileStringChecks, type FieldIssue, type PayloadValidator } from '../../src/engine/field-validator.js';
import { PolicyCompileError, type PolicyPath } from '../../src/engine/policy-compile-error.js';
import type { FieldSpec } from '../../src/policy/policy-schema.js';

export function zodField(spec: FieldSpec, path: PolicyPath): z.ZodType {
  let schema: z.ZodType;
  switch (spec.type) {
    case 'string': {
      const checks = compileStringChecks(spec, path);
      schema = z.string().superRefine((raw, ctx) => checks(raw, (params) => ctx.addIssue({ code: 'custom', message: params.message, params })));
      break;
    }
    case 'integer': {
      checkRange(spec.min, spec.max, path);
      let s = z.number().int();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      schema = s;
      break;
    }
    case 'number': {
      checkRange(spec.min, spec.max, path);
      let s = z.number();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      const allowed = spec.enum;
      schema = allowed ? s.refine((v) => allowed.includes(v), { message: `not one of ${allowed.join(', ')}` }) : s;
      break;
    }
    case 'boolean':
      schema = z.boolean();
      break;
    case 'null':
      schema = z.null();
      break;
    case 'const':
      schema = z.literal(spec.value);
      break;
    case 'array': {
      let s = z.array(zodField(spec.items, [...path, 'items']));
      if (spec.maxItems !== undefined) s = s.max(spec.maxItems);
      schema = s;
      break;
    }
    case 'any-of': {
      const options = spec.options.map((o, i) => zodField(o, [...path, 'options', i]));
      schema = options.length === 1 ? options[0]! : z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
      break;
    }
    case 'object':
      schema = zodObject(spec, path);
      break;
  }
  return spec.nullable && spec.type !== 'null' ? schema.nullable() : schema;
}

function shapeOf(fields: Record<string, FieldSpec>, path: PolicyPath): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(fields)) shape[key] = zodField(field, [...path, 'fields', key]).optional();
  return shape;
}

function zodObject(spec: Extract<FieldSpec, { type: 'object' }>, path: PolicyPath): z.ZodType {
  const base = shapeOf(spec.fields, path);
  if (!spec.variants) return z.strictObject(base);
  const { discriminator, cases } = spec.variants;
  if (discriminator in spec.fields) {
    throw new PolicyCompileError(`the discriminator "${discriminator}" must not also be listed in fields`, [...path, 'variants', 'discriminator']);
  }
  const options = Object.entries(cases).map(([value, c]) =>
    z.strictObject({ ...base, ...shapeOf(c.fields, [...path, 'variants', 'cases', value]), [discriminator]: z.literal(value) }),
  );
  if (options.length === 0) throw new PolicyCompileError('variants need at least one case', [...path, 'variants', 'cases']);
  return options.length === 1 ? options[0]! : z.discriminatedUnion(discriminator, options as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

/** A zod schema as a PayloadValidator: its issues, as the reporter reads them. */
export function zodValidator(spec: FieldSpec, path: PolicyPath): PayloadValidator {
  const schema = zodField(spec, path);
  return (value) => {
    const r = schema.safeParse(value);
    return r.success ? [] : (r.error.issues as unknown as FieldIssue[]);
  };
}

/** The same compiled policy with every kind's body and query checked by zod instead. */
export function withZodValidators(compiled: CompiledPolicy): CompiledPolicy {
  return {
    ...compiled,
    kinds: compiled.kinds.map((k, i) => ({
      ...k,
      schema: zodValidator(kindBodySpec(k.kind), ['kinds', i, 'schema']),
      query: k.kind.query ? zodValidator(k.kind.query, ['kinds', i, 'query']) : null,
    })),
  };
}
