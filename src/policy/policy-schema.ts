/**
 * The policy format: plain data (JSON or YAML) describing where telemetry may go and what each
 * payload kind may contain. The built-in Hasura pack is written in this same format, so a user
 * can export it, copy it and adapt it for another tool. This zod schema validates policy files
 * and is also the source of the published JSON Schema (`telemetry-audit policy schema`), which
 * is why every field carries a description: editors show them while a user writes a policy.
 */
import * as z from 'zod';

export const SeveritySchema = z
  .enum(['error', 'warning'])
  .describe('error: a leak or a broken promise (fails the audit); warning: undocumented but carries no user data');
export type Severity = z.infer<typeof SeveritySchema>;

export const RuleLevelSchema = z.enum(['error', 'warning', 'off']).describe('severity to report a rule at, or "off" to not report it');

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
export const StringFormatSchema = z
  .enum(STRING_FORMATS)
  .describe(
    'uuid-v4: a random UUID (a v1 UUID is reported as identity/uuid-not-v4); uuid: any UUID; iso-timestamp: ISO 8601 date and time; ' +
      'version: a release tag such as v2.36.0 or 12345; semver: a strict semantic version; integer-string: digits in a string; ' +
      'hex: hexadecimal digits; url-path: a path without scheme, host, query or fragment; free-text: any text (the detectors scan it)',
  );
export type StringFormat = z.infer<typeof StringFormatSchema>;

const RULE_ID = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)+$/;
const RuleIdSchema = z
  .string()
  .regex(RULE_ID, 'a rule id is lower-case words separated by "/", e.g. "hasura/cli-command-flags"')
  .describe('rule id reported in findings: lower-case words separated by "/", e.g. "mytool/command-args"');

/** A key of `severities`: a rule id, or `namespace/*` for every rule of a namespace. */
export const RULE_SELECTOR = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*(\/\*|(\/[a-z0-9][a-z0-9-]*))$/;

const Regex = (what: string) => z.string().describe(`${what} (JavaScript regular expression syntax, no flags)`);
const KindId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a kind id is lower-case words joined by "-"')
  .describe('payload kind id, lower-case words joined by "-"');

/** A pattern that, where it matches, is itself a violation with its own rule id. */
export const DenyRuleSchema = z
  .strictObject({
    pattern: Regex('what must not appear in the value; matched case-sensitively unless "ignoreCase"'),
    ignoreCase: z.boolean().optional().describe('match the pattern case-insensitively'),
    rule: RuleIdSchema,
    message: z.string().describe('what the finding says when the pattern matches'),
    strip: z
      .boolean()
      .optional()
      .describe('remove what matched before the value is checked against the rest of the field spec, so one violation is not reported twice'),
  })
  .describe('a pattern that must not appear in a string value; where it matches, the rule is reported');
export type DenyRule = z.infer<typeof DenyRuleSchema>;

export const PathSegmentsSchema = z
  .strictObject({
    vocabulary: z.array(z.string()).min(1).describe('literal segments a path may contain (route words and placeholders)'),
    patterns: z.array(Regex('a segment may match this instead of a vocabulary word (anchored)')).optional().describe('regular expressions a segment may match instead (e.g. numeric ids)'),
    rule: RuleIdSchema,
    message: z.string().describe('what the finding says about a segment outside the vocabulary'),
  })
  .describe('checks every "/"-separated segment of the value against a closed vocabulary (e.g. anonymised routes)');

const Common = {
  description: z.string().optional().describe('what the field carries, for readers of the policy and of reports'),
  documented: z
    .boolean()
    .optional()
    .describe('false: the tool sends this field but its published policy does not mention it (reported as a warning; the value is still checked)'),
  optional: z.boolean().optional().describe('true: the field may be absent (otherwise its absence is reported as schema/missing-field)'),
  nullable: z.boolean().optional().describe('true: null is allowed as well'),
  rule: RuleIdSchema.optional().describe('rule reported (instead of the generic schema/* rule) when the value fails this field\'s check'),
  message: z.string().optional().describe('message of the finding when the value fails this field\'s check'),
  review: z
    .string()
    .optional()
    .describe(
      'set by "policy infer": a human must confirm this field (what it carries, whether its format is right) and then delete this marker; an audit refuses a policy that still has markers unless --allow-draft',
    ),
};

export interface FieldCommon {
  description?: string | undefined;
  documented?: boolean | undefined;
  optional?: boolean | undefined;
  nullable?: boolean | undefined;
  rule?: string | undefined;
  message?: string | undefined;
  review?: string | undefined;
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

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Fields = () => z.record(z.string(), FieldSpecSchema).describe('allowed fields by name; any other field is an unknown field');
const STRING_NEEDS = 'every string needs a format, an enum, a pattern or segments (use format "free-text" for text the detectors scan)';

export const FieldSpecSchema: z.ZodType<FieldSpec> = z.lazy(() =>
  z.discriminatedUnion('type', [
      z
        .strictObject({
          type: z.literal('string'),
          ...Common,
          format: StringFormatSchema.optional(),
          enum: z.array(z.string()).min(1).optional().describe('the only values allowed (a closed list)'),
          pattern: Regex('the value must match this (anchor it with ^…$ to match the whole value)').optional(),
          maxLength: z.number().int().positive().optional().describe('longest value allowed, in characters'),
          deny: z.array(DenyRuleSchema).optional().describe('patterns that must not appear in the value, each with its own rule'),
          segments: PathSegmentsSchema.optional(),
        })
        .refine((s) => s.format !== undefined || s.enum !== undefined || s.pattern !== undefined || s.segments !== undefined, {
          message: STRING_NEEDS,
        })
        .describe('a string; ' + STRING_NEEDS),
      z
        .strictObject({
          type: z.literal('integer'),
          ...Common,
          min: z.number().optional().describe('smallest value allowed (use 0 for counts)'),
          max: z.number().optional().describe('largest value allowed'),
        })
        .describe('a whole number'),
      z
        .strictObject({
          type: z.literal('number'),
          ...Common,
          min: z.number().optional().describe('smallest value allowed'),
          max: z.number().optional().describe('largest value allowed'),
          enum: z.array(z.number()).min(1).optional().describe('the only values allowed'),
        })
        .describe('any number'),
      z.strictObject({ type: z.literal('boolean'), ...Common }).describe('true or false'),
      z.strictObject({ type: z.literal('null'), ...Common }).describe('always null'),
      z
        .strictObject({ type: z.literal('const'), ...Common, value: Scalar.describe('the one value allowed') })
        .describe('exactly one value'),
      z
        .strictObject({
          type: z.literal('object'),
          ...Common,
          fields: Fields(),
          unknownFields: z
            .enum(['error', 'warning'])
            .optional()
            .describe('severity of a field not listed in "fields" (default: the policy\'s unknownFields, else error)'),
          variants: z
            .strictObject({
              discriminator: z.string().describe('field whose value selects the case (do not list it in "fields")'),
              cases: z
                .record(
                  z.string(),
                  z.strictObject({
                    documented: z.boolean().optional().describe('false: the published policy does not mention this case (a warning)'),
                    description: z.string().optional(),
                    fields: Fields(),
                  }),
                )
                .describe('extra fields allowed for each discriminator value; any other value is a finding'),
              rule: RuleIdSchema.optional().describe('rule reported for a discriminator value with no case'),
              message: z.string().optional().describe('message of the finding for a discriminator value with no case'),
            })
            .optional()
            .describe('fields that depend on the value of one field (e.g. an event name)'),
        })
        .describe('a JSON object with a closed set of fields'),
      z
        .strictObject({
          type: z.literal('array'),
          ...Common,
          items: FieldSpecSchema,
          maxItems: z.number().int().nonnegative().optional().describe('most elements allowed'),
        })
        .describe('a JSON array'),
      z
        .strictObject({ type: z.literal('any-of'), ...Common, options: z.array(FieldSpecSchema).min(1).describe('the value must satisfy one of these') })
        .describe('one of several specs (e.g. a version or the empty string)'),
    ]),
).meta({ id: 'FieldSpec', description: 'what one value may be: its type, format and the rule a violation reports' });

/** Where a request went, as kind matchers see it (null fields when the capture does not say). */
export interface RequestTarget {
  host: string;
  path: string;
  method: string;
  transport: 'http' | 'websocket';
  /** The URL's query parameters by name (a repeated name is an array), for `source: query` matchers. */
  query?: Record<string, string | string[]>;
}

/** How a payload is recognised as a kind: tests on JSON paths of the parsed body, or on where it was sent. */
export type Matcher =
  | {
      path: string;
      source?: 'body' | 'query' | undefined;
      equals?: string | number | boolean | null | undefined;
      in?: Array<string | number | boolean | null> | undefined;
      exists?: boolean | undefined;
      pattern?: string | undefined;
    }
  | {
      destination: {
        host?: string | undefined;
        path?: string | undefined;
        pathPattern?: string | undefined;
        method?: string | undefined;
        transport?: 'http' | 'websocket' | undefined;
      };
    }
  | { all: Matcher[] }
  | { any: Matcher[] }
  | { not: Matcher };

export const MatcherSchema: z.ZodType<Matcher> = z.lazy(() =>
  z.union([
      z.strictObject({ all: z.array(MatcherSchema).min(1).describe('every matcher must match') }),
      z.strictObject({ any: z.array(MatcherSchema).min(1).describe('at least one matcher must match') }),
      z.strictObject({ not: MatcherSchema }),
      z
        .strictObject({
          destination: z
            .strictObject({
              host: z.string().min(1).optional().describe('host name the request was sent to (case-insensitive)'),
              path: z.string().optional().describe('exact URL path, e.g. "/v1/heartbeat"'),
              pathPattern: Regex('the URL path must match this').optional(),
              method: z.string().optional().describe('HTTP method, e.g. "POST" (case-insensitive)'),
              transport: z.enum(['http', 'websocket']).optional().describe('http requests or WebSocket frames'),
            })
            .refine((d) => Object.keys(d).length > 0, { message: 'a destination matcher needs host, path, pathPattern, method or transport' })
            .describe('matches on where the request was sent; a payload without a known URL never matches'),
        })
        .describe('recognise a kind by its destination (for payloads without a distinguishing field)'),
      z
        .strictObject({
          path: z.string().describe('dot path into the payload, e.g. "data.event_type"; "" is the payload itself'),
          source: z
            .enum(['body', 'query'])
            .optional()
            .describe('body (default): the parsed body (JSON, or form fields for a kind with body "form"); query: the URL query parameters by name'),
          equals: Scalar.optional().describe('the value there must be exactly this'),
          in: z.array(Scalar).min(1).optional().describe('the value there must be one of these'),
          exists: z.boolean().optional().describe('true: the path must exist; false: it must not'),
          pattern: Regex('the value there must be a string matching this').optional(),
        })
        .refine((m) => m.equals !== undefined || m.in !== undefined || m.exists !== undefined || m.pattern !== undefined, {
          message: 'a path matcher needs one of equals, in, exists or pattern',
        })
        .describe('recognise a kind by a value in the payload (e.g. a topic or event type)'),
    ]),
).meta({ id: 'Matcher', description: 'how a payload is recognised as a kind: by a field value, by its destination, or a combination' });

export const DestinationSchema = z
  .strictObject({
    host: z.string().min(1).describe('host name the tool may send to (exact; default port only)'),
    paths: z.array(z.string()).optional().describe('URL paths allowed on this host (exact); absent: any path'),
    methods: z.array(z.string()).optional().describe('HTTP methods allowed, upper-case (e.g. ["POST"]); absent: any method'),
    transport: z.enum(['http', 'websocket']).optional().describe('http requests or WebSocket frames; absent: either'),
    kinds: z.array(KindId).optional().describe('payload kinds expected here; a payload of another kind sent here is payload/kind-destination'),
  })
  .describe('an endpoint the tool may send telemetry to; a request anywhere else is request/destination');
export type Destination = z.infer<typeof DestinationSchema>;

export const BodyFormatSchema = z
  .enum(['json', 'form', 'form-lines', 'none'])
  .describe(
    'how the body is read: json (default); form: application/x-www-form-urlencoded, one object of string fields (a repeated name is an array); form-lines: one form record per line (a batch, e.g. GA4), an array of objects; none: no body is expected (a body is body/unexpected)',
  );
export type BodyFormat = z.infer<typeof BodyFormatSchema>;

export const KindSchema = z
  .strictObject({
    id: KindId,
    title: z.string().describe('human name of the payload kind, shown in reports'),
    description: z.string().optional(),
    documented: z.boolean().optional().describe('false: the tool\'s published policy never mentions this kind of payload (a warning)'),
    source: z.string().optional().describe('where the definition comes from (e.g. "docs sample", "wire format read from the code")'),
    transport: z.enum(['http', 'websocket']).optional().describe('expected transport; another is request/destination'),
    match: MatcherSchema,
    body: BodyFormatSchema.optional(),
    query: FieldSpecSchema.optional().describe(
      'the URL query parameters, as an object spec (type: object, fields: name → spec; every value is a string, a repeated name an array of strings); with it, a query string is audited field by field instead of being request/url-query',
    ),
    schema: FieldSpecSchema.optional().describe('what the body may contain (required unless body is "none")'),
    sample: z.unknown().optional().describe('a documented sample of this kind, shown beside real payloads for comparison'),
    review: z.string().optional().describe('set by "policy infer": confirm how this kind is recognised, then delete this marker'),
  })
  .refine((k) => k.schema !== undefined || k.body === 'none', { message: 'a kind needs "schema" (what its body may contain) unless its body is "none"', path: ['schema'] })
  .describe('one kind of payload: how to recognise it and what it may contain; kinds are tried in order, the first match wins');
export type PayloadKind = z.infer<typeof KindSchema>;

export const RuleDocSchema = z
  .strictObject({
    id: RuleIdSchema,
    severity: SeveritySchema,
    title: z.string().describe('short name of the rule'),
    description: z.string().describe('what the rule means: the promise it checks'),
    help: z.string().optional().describe('how to fix or investigate'),
    leak: z.boolean().optional().describe('true for rules that report data leaving the machine (SARIF security severity)'),
  })
  .describe('documentation of a rule this policy introduces');
export type RuleDoc = z.infer<typeof RuleDocSchema>;

export const PolicySchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of policy.schema.json, for editors'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'a policy name is lower-case words joined by "-"')
      .describe('short name of the policy, lower-case words joined by "-"'),
    title: z.string().describe('human title, shown in reports'),
    version: z.string().optional().describe('version of this policy document'),
    description: z.string().optional(),
    source: z.string().optional().describe('what the policy is written from (the tool\'s telemetry documentation URL), for the report'),
    destinations: z.array(DestinationSchema).min(1).describe('every endpoint the tool may send to'),
    loopback: z
      .enum(['audit', 'skip'])
      .optional()
      .describe('requests to loopback addresses do not leave the machine: audit them, or record them as skipped (default: audit)'),
    headers: z
      .strictObject({
        allowed: z.array(z.string()).optional().describe('header names allowed (case-insensitive); others are request/undocumented-header'),
        forbidden: z.array(z.string()).optional().describe('header names that must never be sent (cookies, credentials): request/forbidden-header'),
        unknown: z.enum(['error', 'warning']).optional().describe('severity of a header outside "allowed" (default: warning)'),
        userAgent: z
          .strictObject({
            patterns: z.array(Regex('a User-Agent the tool may send')).min(1).describe('regular expressions; the User-Agent must match one'),
            required: z.boolean().optional().describe('true: a request without a User-Agent is a finding'),
            severity: SeveritySchema.optional(),
          })
          .optional()
          .describe('forms the User-Agent header may take (a User-Agent can identify the machine)'),
      })
      .optional()
      .describe('which request headers are allowed'),
    unknownFields: z
      .enum(['error', 'warning'])
      .optional()
      .describe('default severity of a payload field no spec lists (default: error; objects can override)'),
    kinds: z.array(KindSchema).min(1).describe('every kind of payload the tool may send; a payload matching none is payload/unknown-kind'),
    rules: z.array(RuleDocSchema).optional().describe('rules this policy\'s field specs and deny lists introduce, with their documentation'),
    severities: z
      .record(
        z.string().regex(RULE_SELECTOR, 'a severities key is a rule id ("pii/email") or a namespace wildcard ("pii/*")'),
        RuleLevelSchema,
      )
      .optional()
      .describe(
        'change the severity of any rule (engine, policy or detector) or turn it off; keys are rule ids ("pii/email") or namespace wildcards ("pii/*"); an exact id wins over a wildcard',
      ),
    maxBodyBytes: z.number().int().positive().optional().describe('largest decoded body audited, in bytes (a larger body is a finding)'),
  })
  .describe('A telemetry-audit policy: where a tool may send telemetry and what each payload may contain.');
export type Policy = z.infer<typeof PolicySchema>;
