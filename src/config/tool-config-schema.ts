/**
 * The project configuration file (telemetry-audit.config.yaml / .json, or the `telemetryAudit`
 * key of package.json): the settings a project would otherwise repeat on every command line.
 * Keys are the command-line flags' names, so one documentation serves both; flags given on
 * the command line win over the file.
 */
import * as z from 'zod';
import { RuleLevelSchema, RULE_SELECTOR } from '../policy/policy-schema.js';

const Path = (what: string) => z.string().min(1).describe(`${what} (relative to the config file)`);

export const ToolConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of config.schema.json, for editors'),
    inputs: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('what `audit` reads when no input is named: capture files, directories or glob patterns (relative to the config file)'),
    policy: z.string().min(1).optional().describe('policy to audit against: a built-in name (hasura) or a JSON/YAML file (relative to the config file)'),
    'allow-draft': z.boolean().optional().describe('audit against a policy that still has "review" markers'),
    pack: z.string().min(1).optional().describe('opt-out pack for `optout`: a built-in name (hasura-cli, hasura-server) or a JSON/YAML file'),
    baseline: Path('approved findings file (--baseline)').optional(),
    'shape-baseline': Path('approved payload shape file (--shape-baseline)').optional(),
    outputs: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('report files to write, format from the extension (.sarif .json .xml .md .html); replaced by any --output given'),
    'max-warnings': z.number().int().min(0).optional().describe('fail (exit 1) when there are more than this many warnings'),
    canary: z.array(z.string().min(1)).optional().describe('sensitive values planted to see whether they leak, in any encoding'),
    canaries: Path('file of canary values, one a line').optional(),
    metadata: Path('Hasura metadata directory whose names become sensitive terms').optional(),
    'no-local-identity': z.boolean().optional().describe("true: do not look for this machine's identity"),
    rules: z
      .record(z.string().regex(RULE_SELECTOR, 'a rule id ("pii/email") or a namespace wildcard ("pii/*")'), RuleLevelSchema)
      .optional()
      .describe('severity overrides over the policy\'s, like --rule ID=LEVEL: "off", "warning" or "error"'),
  })
  .describe('telemetry-audit project configuration: found from the working directory upwards; command-line flags win.');

export type ToolConfig = z.infer<typeof ToolConfigSchema>;

/** The published JSON Schema of the config file, generated from the zod schema that validates it. */
export function toolConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ToolConfigSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'telemetry-audit config', patternProperties: { '^x-': {} } };
}
