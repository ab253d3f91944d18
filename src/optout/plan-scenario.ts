/**
 * What a pack scenario means, exactly: the command line, environment and files one run of the
 * target gets. The `optout` runner starts processes and captures what they send; this module
 * only decides what each scenario changes, so every runner (and every test) applies a pack the
 * same way. Pure: the caller creates the directories and writes the files.
 *
 * Order of changes: the runner's base environment, then HOME and XDG directories pointing into
 * the scenario's HOME, then the pack's `common` changes, then the scenario's own (later wins).
 */
import path from 'node:path';
import { UNSETTABLE_PROXY_VARS } from './capture-vars.js';
import { CI_VARS, FS_VIEW_ENV, MACHINE_ENV, machineView } from './machine-view.js';
import { OPTOUT_PLACEHOLDER, type Environment, type Expectation, type Pack, type PackFile, type Scenario } from './pack-schema.js';

export interface ScenarioDirs {
  /** The scenario's own temporary HOME. */
  home: string;
  /** The scenario's own temporary working directory. */
  cwd: string;
}

export interface PlanInputs extends ScenarioDirs {
  /** The target command line, possibly with a {{optout}} argument and {{canary}} tokens. */
  command: readonly string[];
  /** Environment the runner starts from (what it passes through). */
  baseEnv: Readonly<Record<string, string>>;
  /** Replaces {{canary}}: a fresh random term for this run. */
  canary: string;
  /** Replaces {{port}}: a free loopback port for this scenario. */
  port: number;
  /** Directories put first in PATH (the project copy's node_modules/.bin). */
  binDirs?: readonly string[];
  /** Makes relative paths in a step's command line absolute (the runner resolves them against the user's directory). */
  resolveArgs?: (argv: string[]) => string[];
}

/** A setup step as it will run: its own command line and environment, in the scenario's directories. */
export interface PlannedStep {
  name: string;
  kind: 'run';
  argv: string[];
  env: Record<string, string>;
  /** Proxy variables this step must not get (the pack unset them). */
  omitEnv: string[];
  exitCodes: number[];
  judged: boolean;
  quietWindowSeconds: number;
  timeoutSeconds: number;
}

export interface PlannedFile {
  /** Absolute path, inside the scenario's HOME or working directory. */
  path: string;
  content: string;
  mode: number;
}

export interface ScenarioPlan {
  scenario: Scenario;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  files: PlannedFile[];
  probes: Array<{ url: string; matches?: string; notMatches?: string; description?: string }>;
  /** Server targets: a page of the target to drive in a browser, its URL filled in. */
  browser?: NonNullable<Scenario['browser']>;
  /** Server targets: the URL that answers once the server is up; the observation starts then. */
  readyUrl?: string;
  expect: Expectation;
  informational: boolean;
  control: boolean;
  /** Setup steps, in order, before the trigger. */
  steps: PlannedStep[];
  /** Exit codes with which the trigger ends normally. */
  exitCodes: number[];
  /** Whether the pack named the exit codes (then an early exit with one of them is a normal end). */
  exitCodesGiven: boolean;
  /** Proxy variables the target must not get: the pack unset them, capture relies on the Node preload. */
  omitEnv: string[];
  /** The machine the target must believe it runs on (absent: as it is). */
  machine?: 'laptop' | 'container';
  /** Seconds to keep watching after a CLI target exits. */
  quietWindowSeconds: number;
  /** Seconds to watch a server target before stopping it. */
  observeSeconds: number;
  /** Hard limit for the scenario. */
  timeoutSeconds: number;
}

export const DEFAULT_TIMING = { quietWindowSeconds: 5, observeSeconds: 15, timeoutSeconds: 120 } as const;

export class PlanError extends Error {}

/** The XDG base directories a scenario's HOME holds, so tools that follow XDG stay inside it. */
export function xdgEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
}

export function planScenario(pack: Pack, scenario: Scenario, inputs: PlanInputs): ScenarioPlan {
  const fill = (text: string): string =>
    text.replace(/\{\{\s*(canary|port|home|cwd)\s*\}\}/g, (_, name: string) =>
      name === 'canary' ? inputs.canary : name === 'port' ? String(inputs.port) : name === 'cwd' ? inputs.cwd : inputs.home,
    );

  const env: Record<string, string> = { ...inputs.baseEnv, ...xdgEnv(inputs.home) };
  if (inputs.binDirs && inputs.binDirs.length > 0) env.PATH = [...inputs.binDirs, ...(env.PATH ? [env.PATH] : [])].join(path.delimiter);
  const environment: Environment = { ...pack.common?.environment, ...scenario.environment };
  if (environment.ci === false) for (const name of CI_VARS) delete env[name];
  if (environment.ci === true) env.CI = 'true';
  const view = environment.machine !== undefined ? machineView(environment.machine, path.join(path.dirname(inputs.home), 'machine')) : undefined;
  if (view) {
    env[MACHINE_ENV] = environment.machine!;
    env[FS_VIEW_ENV] = JSON.stringify(view.map);
  }
  const omitted = new Set<string>();
  const applyEnv = (target: Record<string, string>, change: { set?: Record<string, string> | undefined; unset?: string[] | undefined } | undefined, omit: Set<string>) => {
    for (const name of change?.unset ?? []) {
      delete target[name];
      if (UNSETTABLE_PROXY_VARS.has(name)) omit.add(name);
    }
    for (const [name, value] of Object.entries(change?.set ?? {})) target[name] = fill(value);
  };
  for (const change of [pack.common, scenario]) applyEnv(env, change?.env, omitted);

  const insert = [...(pack.common?.args?.insert ?? []), ...(scenario.args?.insert ?? [])].map(fill);
  const append = [...(pack.common?.args?.append ?? []), ...(scenario.args?.append ?? [])].map(fill);
  const argv: string[] = [];
  let inserted = false;
  for (const arg of inputs.command) {
    if (arg === OPTOUT_PLACEHOLDER) {
      argv.push(...insert);
      inserted = true;
    } else if (arg.includes(OPTOUT_PLACEHOLDER)) {
      throw new PlanError(`${OPTOUT_PLACEHOLDER} must be a whole argument of the command, not part of "${arg}"`);
    } else {
      argv.push(fill(arg));
    }
  }
  if (!inserted) argv.push(...insert);
  argv.push(...append);
  if (argv.length === 0) throw new PlanError('the command is empty');

  // Scenario files replace common files at the same place.
  const byPlace = new Map<string, PackFile>();
  for (const f of [...(pack.common?.files ?? []), ...(scenario.files ?? [])]) byPlace.set(`${f.in ?? 'home'}:${path.posix.normalize(f.path)}`, f);
  const files = [...byPlace.values()].map((f) => plannedFile(f, inputs, fill));
  // The machine view's files live beside HOME, not in it: the target never sees them by name.
  for (const f of view?.files ?? []) files.push({ path: f.path, content: f.content, mode: 0o644 });

  const timing = { ...DEFAULT_TIMING, ...pack.timing };
  const quietWindowSeconds = scenario.quietWindowSeconds ?? timing.quietWindowSeconds;
  const steps: PlannedStep[] = [...(pack.common?.steps ?? []), ...(scenario.steps ?? [])].map((step, i) => {
    const stepEnv = { ...env };
    const stepOmit = new Set(omitted);
    applyEnv(stepEnv, step.env, stepOmit);
    const argv = step.run.map(fill);
    return {
      name: step.name ?? `setup-${i + 1}`,
      kind: 'run',
      argv: inputs.resolveArgs ? inputs.resolveArgs(argv) : argv,
      env: stepEnv,
      omitEnv: [...stepOmit].sort(),
      exitCodes: exitCodeList(step.exitCode) ?? [0],
      judged: step.judged !== false,
      quietWindowSeconds: step.quietWindowSeconds ?? quietWindowSeconds,
      timeoutSeconds: step.timeoutSeconds ?? timing.timeoutSeconds,
    };
  });
  const exitCodes = exitCodeList(scenario.exitCode) ?? exitCodeList(pack.target.exitCode);
  return {
    scenario,
    argv,
    env,
    cwd: inputs.cwd,
    files,
    probes: (scenario.probes ?? []).map((p) => ({ ...p, url: fill(p.url) })),
    ...(scenario.browser ? { browser: { ...scenario.browser, url: fill(scenario.browser.url) } } : {}),
    ...(pack.target.readyUrl !== undefined ? { readyUrl: fill(pack.target.readyUrl) } : {}),
    expect: scenario.expect,
    informational: scenario.informational === true,
    control: scenario.control === true,
    steps,
    exitCodes: exitCodes ?? [0],
    exitCodesGiven: exitCodes !== undefined,
    omitEnv: [...omitted].sort(),
    ...(environment.machine !== undefined ? { machine: environment.machine } : {}),
    quietWindowSeconds,
    observeSeconds: timing.observeSeconds,
    timeoutSeconds: timing.timeoutSeconds,
  };
}

function plannedFile(f: PackFile, dirs: ScenarioDirs, fill: (s: string) => string): PlannedFile {
  const root = path.resolve(f.in === 'cwd' ? dirs.cwd : dirs.home);
  const target = path.resolve(root, f.path);
  // The pack check refuses ".." and absolute paths; this is the last line of defence.
  if (target !== root && !target.startsWith(root + path.sep)) throw new PlanError(`file "${f.path}" would be written outside the scenario's directories`);
  const content = f.json !== undefined ? JSON.stringify(f.json, null, 2) + '\n' : (f.text ?? '');
  return { path: target, content: fill(content), mode: f.mode !== undefined ? parseInt(f.mode, 8) : 0o644 };
}

function exitCodeList(codes: number | number[] | undefined): number[] | undefined {
  return codes === undefined ? undefined : Array.isArray(codes) ? codes : [codes];
}
