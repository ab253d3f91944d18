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
  cwd: "the absolute path of the scenario's working directory (its copy of the project, when the pack has one)",
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

const ExitCodes = z
  .union([z.number().int().min(0).max(255), z.array(z.number().int().min(0).max(255)).min(1)])
  .describe('exit code(s) that count as ending normally');

/**
 * A setup step: a command run before the trigger, in the scenario's HOME, working directory and
 * environment, behind the scenario's capture. Every request is attributed to the step that sent
 * it. Steps are a list of objects keyed by what they do (`run` today), so other kinds of step
 * (a headless browser visiting a page) can join the list later without changing the others.
 */
export const RunStepSchema = z
  .strictObject({
    name: z.string().regex(KEBAB, 'a step name is lower-case words joined by "-"').optional().describe('step id shown in the matrix and on every request it sent (default: setup-N)'),
    run: z
      .array(z.string())
      .min(1)
      .describe('the command line, e.g. ["next", "telemetry", "disable"]; placeholders are filled; a relative path that names a file in the directory optout runs from is made absolute, a bare name is searched in PATH (the project\'s node_modules/.bin first)'),
    env: EnvChangeSchema.optional().describe('changes to the scenario\'s environment for this step only'),
    exitCode: ExitCodes.optional().describe('exit code(s) the step must end with (default 0); any other makes the scenario inconclusive'),
    judged: z
      .boolean()
      .optional()
      .describe('false: what this step sends is captured, audited and shown, but does not count toward the scenario\'s outcome (default true: a setup command that sends under a "suppress" scenario is a leak)'),
    quietWindowSeconds: z.number().nonnegative().optional().describe('seconds to keep watching after the step exits (default: the scenario\'s quiet window)'),
    timeoutSeconds: z.number().positive().optional().describe('hard limit for the step (default: the pack\'s timeoutSeconds)'),
  })
  .describe('a setup step that runs a command before the trigger');
export type RunStep = z.infer<typeof RunStepSchema>;

export const StepSchema = RunStepSchema.describe('a setup step (today: a command, "run"); steps run in order before the trigger');
export type Step = z.infer<typeof StepSchema>;

export const EnvironmentSchema = z
  .strictObject({
    machine: z
      .enum(['laptop', 'container'])
      .optional()
      .describe(
        'laptop: container markers (/.dockerenv, /run/.containerenv, container cgroups) are hidden from the target; container: they are shown. Node targets: done by the preload; sealed mode: by the mount namespace. Absent: the target sees the machine as it is',
      ),
    ci: z
      .boolean()
      .optional()
      .describe('true: runs as in CI (CI=true); false: every CI variable (CI, CONTINUOUS_INTEGRATION, BUILD_NUMBER, RUN_ID, GITHUB_ACTIONS, GITLAB_CI, …) is removed. Absent: inherited'),
  })
  .describe('what kind of machine the target believes it runs on');
export type Environment = z.infer<typeof EnvironmentSchema>;

const Change = {
  env: EnvChangeSchema.optional(),
  args: ArgsChangeSchema.optional(),
  files: z.array(PackFileSchema).optional().describe('files written into the scenario\'s HOME or working directory before it starts'),
  environment: EnvironmentSchema.optional(),
  steps: z
    .array(StepSchema)
    .optional()
    .describe('setup steps run in order before the trigger (common steps first), e.g. [{ run: [next, telemetry, disable] }]'),
};

export const ProjectSchema = z
  .strictObject({
    template: z
      .string()
      .min(1)
      .optional()
      .describe('the project directory, relative to the pack file (or absolute); absent: --project DIR, else the directory optout runs from'),
    exclude: z
      .array(z.string().min(1))
      .optional()
      .describe('top-level names not copied (build output such as ".next", "dist"); node_modules is never copied'),
    link: z
      .enum(['copy', 'hardlink'])
      .optional()
      .describe('copy (default): every file copied; hardlink: files hard-linked (fast, but a target that rewrites a file in place would change the template)'),
    nodeModules: z
      .enum(['symlink', 'none'])
      .optional()
      .describe('symlink (default): the copy\'s node_modules is a symlink to the template\'s, and its node_modules/.bin leads PATH; none: not made'),
  })
  .describe(
    'a project each scenario gets its own copy of, as its working directory (files with in: cwd are written into the copy); for commands such as `next build` that need one',
  );
export type Project = z.infer<typeof ProjectSchema>;

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
    exitCode: ExitCodes.optional().describe(
      'exit code(s) with which the trigger ends normally in this scenario (default: target.exitCode, else 0); e.g. 1 for a build that fails on purpose: what it sent is still judged',
    ),
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
        exitCode: ExitCodes.optional().describe('exit code(s) with which the trigger ends normally in every scenario (default 0; a scenario may override)'),
      })
      .describe('what kind of program the pack runs'),
    policy: z
      .string()
      .optional()
      .describe(
        'policy that audits what scenarios send: a built-in name or a file relative to the pack; --policy overrides it; without either, requests are audited by the detectors and sensitive terms only',
      ),
    project: ProjectSchema.optional(),
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
