/**
 * Small constructors for policy field specs, so a pack written in TypeScript reads like the
 * data it produces (and exports to JSON/YAML unchanged: every builder returns plain data).
 */
import type { FieldSpec, StringFormat } from './policy-schema.js';

type Extra = Partial<Pick<FieldSpec, 'description' | 'documented' | 'optional' | 'nullable' | 'rule' | 'message'>>;

export const str = (format: StringFormat, extra: Extra = {}): FieldSpec => ({ type: 'string', format, ...extra });
export const oneOf = (values: string[], extra: Extra = {}): FieldSpec => ({ type: 'string', enum: values, ...extra });
export const matching = (pattern: string, extra: Extra = {}): FieldSpec => ({ type: 'string', pattern, ...extra });
export const count = (extra: Extra = {}): FieldSpec => ({ type: 'integer', min: 0, ...extra });
export const bool = (extra: Extra = {}): FieldSpec => ({ type: 'boolean', ...extra });
export const exactly = (value: string | number | boolean | null, extra: Extra = {}): FieldSpec => ({ type: 'const', value, ...extra });
export const obj = (fields: Record<string, FieldSpec>, extra: Extra = {}): FieldSpec => ({ type: 'object', fields, ...extra });
export const arrayOf = (items: FieldSpec, extra: Extra & { maxItems?: number } = {}): FieldSpec => ({ type: 'array', items, ...extra });
export const anyOf = (options: FieldSpec[], extra: Extra = {}): FieldSpec => ({ type: 'any-of', options, ...extra });

export const nullable = (spec: FieldSpec): FieldSpec => ({ ...spec, nullable: true });
export const optional = (spec: FieldSpec): FieldSpec => ({ ...spec, optional: true });
/** Sent by the code, absent from the published policy: reported as a warning, value still checked. */
export const undocumented = (spec: FieldSpec, description?: string): FieldSpec => ({
  ...spec,
  documented: false,
  ...(description ? { description } : {}),
});
