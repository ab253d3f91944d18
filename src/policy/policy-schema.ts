/**
 * The policy format: plain data (JSON or YAML) describing where telemetry may go and what each
 * payload kind may contain. The built-in Hasura pack is written in this same format, so a user
 * can export it, copy it and adapt it for another tool. This zod schema validates policy files
 * and is also the source of the published JSON Schema.
 */
import * as z from 'zod';

export const SeveritySchema = z.enum(['error', 'warning']).describe('error: a leak or a broken promise; warning: undocumented but carries no user data');
export type Severity = z.infer<typeof SeveritySchema>;

export const RuleLevelSchema = z.enum(['error', 'warning', 'off']);

/** Named string formats the engine knows how to check. */
export const STRING_FORMATS = [
  'uuid-v4',
  'uuid',
  'iso-timestamp',
  'version',
  'semver',
  'integer-string',
  'hex',
  'url-path',
  'free-text',
] as const;
export const StringFormatSchema = z.enum(STRING_FORMATS);
export type StringFormat = z.infer<typeof StringFormatSchema>;

const RuleIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)+$/, 'a rule id is lower-case words separated by "/", e.g. "hasura/cli-command-flags"');

/** A pattern that, where it matches, is itself a violation with its own rule id. */
export const DenyRuleSchema = z.strictObject({
  pattern: z.string().describe('JavaScript regular expression (no flags; matched case-sensitively unless "ignoreCase")'),
  ignoreCase: z.boolean().optional(),
  rule: RuleIdSchema,
  message: z.string(),
  /** Remove what matched before the allowlist check, so one violation is not reported twice. */
  strip: z.boolean().optional(),
});
export type DenyRule = z.infer<typeof DenyRuleSchema>;

export const PathSegmentsSchema = z.strictObject({
  /** Literal segments a path may contain (route words and placeholders). */
  vocabulary: z.array(z.string()).min(1),
  /** Regular expressions that a segment may match instead (e.g. numeric ids). */
  patterns: z.array(z.string()).optional(),
  rule: RuleIdSchema,
  message: z.string(),
});

const Common = {
  description: z.string().optional(),
  /** false: the code sends it but the published policy does not mention it (a warning). */
  documented: z.boolean().optional(),
  optional: z.boolean().optional(),
  nullable: z.boolean().optional(),
  /** Rule id (and message) reported when the value fails this field's own check. */
  rule: RuleIdSchema.optional(),
  message: z.string().optional(),
};

export interface FieldCommon {
  description?: string | undefined;
  documented?: boolean | undefined;
  optional?: boolean | undefined;
  nullable?: boolean | undefined;
  rule?: string | undefined;
  message?: string | undefined;
}

export type FieldSpec =
  | (FieldCommon & {
      type: 'string';
      format?: StringFormat | undefined;
      enum?: string[] | undefined;
      pattern?: string | undefined;
      maxLength?: number | undefined;
      deny?: DenyRule[] | undefined;
      segments?: z.infer<typeof PathSegmentsSchema> | undefined;
    })
  | (FieldCommon & { type: 'integer'; min?: number | undefined; max?: number | undefined })
  | (FieldCommon & { type: 'number'; min?: number | undefined; max?: number | undefined; enum?: number[] | undefined })
  | (FieldCommon & { type: 'boolean' })
  | (FieldCommon & { type: 'null' })
  | (FieldCommon & { type: 'const'; value: string | number | boolean | null })
  | (FieldCommon & {
      type: 'object';
      fields: Record<string, FieldSpec>;
      unknownFields?: 'error' | 'warning' | undefined;
      variants?: VariantsSpec | undefined;
    })
  | (FieldCommon & { type: 'array'; items: FieldSpec; maxItems?: number | undefined })
  | (FieldCommon & { type: 'any-of'; options: FieldSpec[] });

export interface VariantsSpec {
  /** Field whose value selects the case. */
  discriminator: string;
  /** Extra fields per discriminator value. */
  cases: Record<string, { documented?: boolean | undefined; description?: string | undefined; fields: Record<string, FieldSpec> }>;
  rule?: string | undefined;
  message?: string | undefined;
}

export const FieldSpecSchema: z.ZodType<FieldSpec> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z
      .strictObject({
        type: z.literal('string'),
        ...Common,
        format: StringFormatSchema.optional(),
        enum: z.array(z.string()).min(1).optional(),
        pattern: z.string().optional(),
        maxLength: z.number().int().positive().optional(),
        deny: z.array(DenyRuleSchema).optional(),
        segments: PathSegmentsSchema.optional(),
      })
      .refine((s) => s.format !== undefined || s.enum !== undefined || s.pattern !== undefined || s.segments !== undefined, {
        message: 'every string needs a format, an enum, a pattern or segments (use format "free-text" for text the detectors scan)',
      }),
    z.strictObject({ type: z.literal('integer'), ...Common, min: z.number().optional(), max: z.number().optional() }),
    z.strictObject({
      type: z.literal('number'),
      ...Common,
      min: z.number().optional(),
      max: z.number().optional(),
      enum: z.array(z.number()).min(1).optional(),
    }),
    z.strictObject({ type: z.literal('boolean'), ...Common }),
    z.strictObject({ type: z.literal('null'), ...Common }),
    z.strictObject({ type: z.literal('const'), ...Common, value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }),
    z.strictObject({
      type: z.literal('object'),
      ...Common,
      fields: z.record(z.string(), FieldSpecSchema),
      unknownFields: z.enum(['error', 'warning']).optional(),
      variants: z
        .strictObject({
          discriminator: z.string(),
          cases: z.record(
            z.string(),
            z.strictObject({
              documented: z.boolean().optional(),
              description: z.string().optional(),
              fields: z.record(z.string(), FieldSpecSchema),
            }),
          ),
          rule: RuleIdSchema.optional(),
          message: z.string().optional(),
        })
        .optional(),
    }),
    z.strictObject({ type: z.literal('array'), ...Common, items: FieldSpecSchema, maxItems: z.number().int().nonnegative().optional() }),
    z.strictObject({ type: z.literal('any-of'), ...Common, options: z.array(FieldSpecSchema).min(1) }),
  ]),
);

/** How a payload is recognised as a kind: tests on JSON paths of the parsed body. */
export type Matcher =
  | { path: string; equals?: string | number | boolean | null | undefined; in?: Array<string | number | boolean | null> | undefined; exists?: boolean | undefined; pattern?: string | undefined }
  | { all: Matcher[] }
  | { any: Matcher[] }
  | { not: Matcher };

export const MatcherSchema: z.ZodType<Matcher> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(MatcherSchema).min(1) }),
    z.strictObject({ any: z.array(MatcherSchema).min(1) }),
    z.strictObject({ not: MatcherSchema }),
    z
      .strictObject({
        path: z.string().describe('dot path into the payload, e.g. "data.event_type"; "" is the payload itself'),
        equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
        in: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1).optional(),
        exists: z.boolean().optional(),
        pattern: z.string().optional(),
      })
      .refine((m) => m.equals !== undefined || m.in !== undefined || m.exists !== undefined || m.pattern !== undefined, {
        message: 'a path matcher needs one of equals, in, exists or pattern',
      }),
  ]),
);

export const DestinationSchema = z.strictObject({
  host: z.string().min(1),
  paths: z.array(z.string()).optional(),
  methods: z.array(z.string()).optional(),
  transport: z.enum(['http', 'websocket']).optional(),
  /** Payload kinds expected here; a payload of another kind sent here is a finding. */
  kinds: z.array(z.string()).optional(),
});
export type Destination = z.infer<typeof DestinationSchema>;

export const KindSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a kind id is lower-case words joined by "-"'),
  title: z.string(),
  description: z.string().optional(),
  /** false: the tool's published policy never mentions this kind of payload (a warning). */
  documented: z.boolean().optional(),
  /** Where the definition comes from (e.g. "guide sample", "wire format read from the code"). */
  source: z.string().optional(),
  transport: z.enum(['http', 'websocket']).optional(),
  match: MatcherSchema,
  schema: FieldSpecSchema,
  /** The documented sample of this kind, shown beside real payloads for comparison. */
  sample: z.unknown().optional(),
});
export type PayloadKind = z.infer<typeof KindSchema>;

export const RuleDocSchema = z.strictObject({
  id: RuleIdSchema,
  severity: SeveritySchema,
  title: z.string(),
  description: z.string(),
  help: z.string().optional(),
  /** true for rules that report data leaving the machine (used for SARIF security-severity). */
  leak: z.boolean().optional(),
});
export type RuleDoc = z.infer<typeof RuleDocSchema>;

export const PolicySchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string(),
  version: z.string().optional(),
  description: z.string().optional(),
  /** What the policy is written from (a URL or document name), for the report. */
  source: z.string().optional(),
  destinations: z.array(DestinationSchema).min(1),
  /** Requests to loopback addresses do not leave the machine: audit them, or record and skip. */
  loopback: z.enum(['audit', 'skip']).optional(),
  headers: z
    .strictObject({
      allowed: z.array(z.string()).optional(),
      forbidden: z.array(z.string()).optional(),
      unknown: z.enum(['error', 'warning']).optional(),
      userAgent: z
        .strictObject({ patterns: z.array(z.string()).min(1), required: z.boolean().optional(), severity: SeveritySchema.optional() })
        .optional(),
    })
    .optional(),
  /** Default for objects that do not say: an unknown field is an error (fail closed). */
  unknownFields: z.enum(['error', 'warning']).optional(),
  kinds: z.array(KindSchema).min(1),
  /** Rules this policy's deny lists and overrides introduce, with their documentation. */
  rules: z.array(RuleDocSchema).optional(),
  /** Change the severity of any rule, or turn it off. */
  severities: z.record(z.string(), RuleLevelSchema).optional(),
  /** Maximum decoded body size in bytes (a larger body is a finding, not a silent skip). */
  maxBodyBytes: z.number().int().positive().optional(),
});
export type Policy = z.infer<typeof PolicySchema>;
