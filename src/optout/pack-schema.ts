/**
 * The opt-out pack format: plain data (JSON or YAML) listing the scenarios that prove or disprove
 * a tool's documented opt-outs. A scenario says what it changes (environment, arguments, files
 * in the scenario's own HOME or working directory) and what it expects (send, suppress, or
 * refuse to start); one scenario is the control that must send, or nothing else means anything.
 * The `optout` runner executes packs; this file only defines and validates them.
 */
import * as z from 'zod';
import { BrowserStepSchema } from '../live/browser/browser-script.js';

/** Placeholders the runner replaces in pack strings; anything else in `{{…}}` is an error. */
export const PACK_PLACEHOLDERS = {
  canary: 'a fresh random term per run; every captured request is audited with it as a sensitive term',
  port: 'a free loopback TCP port chosen for the scenario (for servers that must not collide when scenarios run in parallel)',
  home: "the absolute path of the scenario's temporary HOME",
} as const;
/** Where the runner inserts a scenario's `args.insert` in the target command line. */
export const OPTOUT_PLACEHOLDER = '{{optout}}';

const KEBAB = /^[a-z0-9][a-z0-9-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const EnvName = z.string().regex(ENV_NAME, 'an environment variable name is letters, digits and "_", not starting with a digit');

export const EnvChangeSchema = z
  .strictObject({
    set: z.record(EnvName, z.string()).optional().describe('variables to set, name → value ({{canary}}, {{port}}, {{home}} are replaced)'),
    unset: z.array(EnvName).optional().describe('variables to remove from the environment the scenario inherits'),
  })
  .describe('changes to the environment of the target');

export const ArgsChangeSchema = z
  .strictObject({
    insert: z
      .array(z.string())
      .optional()
      .describe('arguments put where the target command has {{optout}} (appended when it has none), e.g. ["--enable-telemetry=false"]'),
    append: z.array(z.string()).optional().describe('arguments added at the end of the command line'),
  })
  .describe('changes to the command line of the target');

export const PackFileSchema = z
  .strictObject({
    path: z.string().min(1).describe('path relative to the scenario\'s HOME (or working directory, see "in"), e.g. ".hasura/config.json"'),
    in: z.enum(['home', 'cwd']).optional().describe('home (default): the scenario\'s temporary HOME; cwd: its temporary working directory'),
    text: z.string().optional().describe('file content as text'),
    json: z.unknown().optional().describe('file content as JSON (written with JSON.stringify)'),
    mode: z
      .string()
      .regex(/^0?[0-7]{3}$/, 'a file mode is octal, e.g. "600"')
      .optional()
      .describe('file permissions, octal (default 644)'),
  })
  .describe('a file written before the target starts; give either text or json');

const Change = {
  env: EnvChangeSchema.optional(),
  args: ArgsChangeSchema.optional(),
  files: z.array(PackFileSchema).optional().describe('files written into the scenario\'s HOME or working directory before it starts'),
};

export const ExpectationSchema = z
  .enum(['send', 'suppress', 'refuse-start'])
  .describe(
    'send: at least one request must be captured; suppress: none may be (the scenario ends at the first one); refuse-start: the target must exit with an error before sending',
  );
export type Expectation = z.infer<typeof ExpectationSchema>;

export const ProbeSchema = z
  .strictObject({
    url: z
      .string()
      .describe('URL the runner fetches from the running target, e.g. "http://127.0.0.1:{{port}}/console" (loopback only)'),
    matches: z.string().optional().describe('the response body must match this regular expression'),
    notMatches: z.string().optional().describe('the response body must not match this regular expression'),
    description: z.string().optional().describe('what the probe proves, for the report'),
  })
  .describe('a check on what the running target serves (e.g. that the console it hosts has telemetry off)');

export const BrowserCheckSchema = z
  .strictObject({
    url: z.string().describe('loopback page the target serves, loaded in headless Chromium once it is up, e.g. "http://127.0.0.1:{{port}}/console"'),
    steps: z.array(BrowserStepSchema).optional().describe('steps run in the page (click, navigate, waitFor, waitForText, wait); the page then stays open until the scenario ends'),
    description: z.string().optional().describe('what the browser step proves, for the report'),
  })
  .describe(
    'a page of the running target loaded in a real browser behind the same audit: what the page sends counts as the scenario\'s own requests (runs when the optout runner is given --browser)',
  );

export const RefusalSchema = z
  .strictObject({
    stderr: z.string().optional().describe('standard error must match this regular expression (e.g. the name of the rejected variable)'),
  })
  .describe('what refusing to start looks like, beyond exiting with an error before sending');

export const ScenarioSchema = z
  .strictObject({
    name: z.string().regex(KEBAB, 'a scenario name is lower-case words joined by "-"').describe('scenario id, lower-case words joined by "-"'),
    title: z.string().optional().describe('one line saying what the scenario does, for the results matrix'),
    description: z.string().optional().describe('why the scenario exists: the documented promise or convention it tests'),
    control: z
      .boolean()
      .optional()
      .describe('the one control scenario: no opt-out, must send; if it sends nothing the whole run is inconclusive'),
    ...Change,
    expect: ExpectationSchema,
    informational: z
      .boolean()
      .optional()
      .describe('true: not promised by the tool (e.g. DO_NOT_TRACK); the outcome is reported but never fails the run'),
    refusal: RefusalSchema.optional(),
    probes: z.array(ProbeSchema).optional().describe('checks run against the target while it runs (server targets)'),
    browser: BrowserCheckSchema.optional(),
    quietWindowSeconds: z.number().positive().optional().describe('overrides the pack\'s quiet window for this scenario'),
  })
  .describe('one way of running the target and the outcome it must have');
export type Scenario = z.infer<typeof ScenarioSchema>;

export const PackSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of optout-pack.schema.json, for editors'),
    name: z.string().regex(KEBAB, 'a pack name is lower-case words joined by "-"').describe('short name, lower-case words joined by "-"'),
    title: z.string().describe('human title, shown in reports'),
    description: z.string().describe('what the pack tests and where the opt-outs are documented (cite the URLs)'),
    docs: z.array(z.string()).optional().describe('URLs of the tool\'s own telemetry and opt-out documentation'),
    target: z
      .strictObject({
        kind: z
          .enum(['cli', 'server'])
          .describe(
            'cli: a scenario ends when the command exits and the quiet window has passed; server: the target keeps running, is watched for observeSeconds, then stopped',
          ),
        notes: z.string().optional().describe('how to run the target for this pack (the command, what it needs)'),
        example: z.array(z.string()).optional().describe('an example command line, with {{optout}} where scenario arguments go'),
        readyUrl: z
          .string()
          .optional()
          .describe(
            'server targets: a loopback URL (e.g. "http://127.0.0.1:{{port}}/healthz") the runner polls until the server answers (any HTTP status); the observation period starts then, so a slow start-up is never mistaken for silence',
          ),
      })
      .describe('what kind of program the pack runs'),
    policy: z
      .string()
      .optional()
      .describe('policy that audits what scenarios send: a built-in name or a file relative to the pack (default: the runner\'s --policy)'),
    timing: z
      .strictObject({
        quietWindowSeconds: z
          .number()
          .positive()
          .optional()
          .describe('seconds to keep watching after the command exits (telemetry is often sent by detached children); default 5'),
        observeSeconds: z.number().positive().optional().describe('server targets: seconds to watch a running server before stopping it; default 15'),
        timeoutSeconds: z.number().positive().optional().describe('hard limit per scenario, after which the target is killed; default 120'),
      })
      .optional()
      .describe('how long scenarios are watched'),
    concurrency: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('most scenarios running at once (1 for targets that cannot run twice at the same time); the runner may lower it'),
    common: z
      .strictObject(Change)
      .optional()
      .describe('changes applied to every scenario before its own (e.g. unset variables that would skew the control, a port)'),
    scenarios: z.array(ScenarioSchema).min(1).describe('the scenarios; exactly one is the control'),
  })
  .describe('A telemetry-audit opt-out pack: scenarios that prove or disprove a tool\'s documented opt-outs.');
export type Pack = z.infer<typeof PackSchema>;
export type PackFile = z.infer<typeof PackFileSchema>;
