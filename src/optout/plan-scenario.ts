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
import { OPTOUT_PLACEHOLDER, type Expectation, type Pack, type PackFile, type Scenario } from './pack-schema.js';

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
    text.replace(/\{\{\s*(canary|port|home)\s*\}\}/g, (_, name: string) =>
      name === 'canary' ? inputs.canary : name === 'port' ? String(inputs.port) : inputs.home,
    );

  const env: Record<string, string> = { ...inputs.baseEnv, ...xdgEnv(inputs.home) };
  for (const change of [pack.common, scenario]) {
    for (const name of change?.env?.unset ?? []) delete env[name];
    for (const [name, value] of Object.entries(change?.env?.set ?? {})) env[name] = fill(value);
  }

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

  const timing = { ...DEFAULT_TIMING, ...pack.timing };
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
    quietWindowSeconds: scenario.quietWindowSeconds ?? timing.quietWindowSeconds,
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
