/**
 * What the pack schema cannot say alone: one control that sends, unique names, files that stay
 * inside the scenario's directories, placeholders the runner knows, patterns that compile, and
 * probes that only ever talk to the target on loopback. Pure: problems come back as data.
 */
import path from 'node:path';
import type { ConfigProblem } from '../config/config-problems.js';
import { CAPTURE_ENV_PREFIX, CAPTURE_SET_FORBIDDEN, CAPTURE_UNSET_FORBIDDEN } from './capture-vars.js';
import { OPTOUT_PLACEHOLDER, PACK_PLACEHOLDERS, type Pack, type PackFile, type Step } from './pack-schema.js';

type Scenario = Pack['scenarios'][number];
type Change = { env?: Scenario['env']; args?: Scenario['args']; files?: PackFile[] | undefined; steps?: Step[] | undefined };
type Add = (p: ReadonlyArray<PropertyKey>, m: string) => void;

export function checkPack(pack: Pack): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (p: ReadonlyArray<PropertyKey>, message: string): void => {
    problems.push({ path: p, message });
  };

  const controls = pack.scenarios.flatMap((s, i) => (s.control ? [i] : []));
  if (controls.length === 0) add(['scenarios'], 'no scenario is the control: mark the one that changes nothing with "control: true" (it must send)');
  if (controls.length > 1) for (const i of controls.slice(1)) add(['scenarios', i, 'control'], `only one control is allowed (scenario ${controls[0]} is already the control)`);
  if (pack.scenarios.length < 2) add(['scenarios'], 'a pack needs at least one scenario besides the control');

  const names = new Map<string, number>();
  pack.scenarios.forEach((s, i) => {
    const where = ['scenarios', i] as const;
    const first = names.get(s.name);
    if (first !== undefined) add([...where, 'name'], `duplicate scenario name "${s.name}" (also scenarios[${first}])`);
    else names.set(s.name, i);
    if (s.control) {
      if (s.expect !== 'send') add([...where, 'expect'], 'the control must expect "send": without a sending control, no suppression means anything');
      if (s.informational) add([...where, 'informational'], 'the control cannot be informational: the run depends on it');
    }
    if (s.refusal && s.expect !== 'refuse-start') add([...where, 'refusal'], '"refusal" only applies to a scenario that expects "refuse-start"');
    checkChange(s, [...where], add);
    checkPattern(s.refusal?.stderr, [...where, 'refusal', 'stderr'], add);
    s.probes?.forEach((p, j) => {
      checkPlaceholders(p.url, [...where, 'probes', j, 'url'], add);
      checkProbeUrl(p.url, [...where, 'probes', j, 'url'], add);
      checkPattern(p.matches, [...where, 'probes', j, 'matches'], add);
      checkPattern(p.notMatches, [...where, 'probes', j, 'notMatches'], add);
      if (p.matches === undefined && p.notMatches === undefined) add([...where, 'probes', j], 'a probe needs "matches" or "notMatches"');
    });
  });
  if (pack.common) checkChange(pack.common, ['common'], add);
  checkStepNames(pack, add);
  if (pack.project?.template !== undefined && /\{\{/.test(pack.project.template)) add(['project', 'template'], 'the template is a plain path (no placeholders)');
  pack.project?.exclude?.forEach((name, i) => {
    if (name.includes('/') || name === '.' || name === '..') add(['project', 'exclude', i], 'exclude names a top-level entry of the template (no "/")');
  });
  if (pack.target.readyUrl !== undefined) {
    const where = ['target', 'readyUrl'];
    if (pack.target.kind !== 'server') add(where, '"readyUrl" applies to server targets (a CLI target is watched until it exits)');
    checkPlaceholders(pack.target.readyUrl, where, add);
    checkProbeUrl(pack.target.readyUrl, where, add, 'the readiness URL');
  }
  return problems;
}

function checkEnv(env: Change['env'], where: PropertyKey[], add: Add): void {
  const set = env?.set ?? {};
  for (const [name, value] of Object.entries(set)) {
    checkPlaceholders(value, [...where, 'env', 'set', name], add);
    if (CAPTURE_SET_FORBIDDEN.has(name) || name.startsWith(CAPTURE_ENV_PREFIX)) {
      add([...where, 'env', 'set', name], `"${name}" is set by the capture for every scenario: a pack cannot set it (unset a proxy variable to run without it)`);
    }
  }
  env?.unset?.forEach((name, i) => {
    if (Object.prototype.hasOwnProperty.call(set, name)) add([...where, 'env', 'unset', i], `"${name}" is both set and unset`);
    if (CAPTURE_UNSET_FORBIDDEN.has(name) || name.startsWith(CAPTURE_ENV_PREFIX)) {
      add([...where, 'env', 'unset', i], `"${name}" cannot be unset: the capture depends on it (the Node preload and the interception CA); put other Node flags in the command`);
    }
  });
}

/** Step names are unique across common and scenario steps ("trigger" is the pack's command). */
function checkStepNames(pack: Pack, add: Add): void {
  const common = pack.common?.steps ?? [];
  pack.scenarios.forEach((s, i) => {
    const seen = new Set<string>(['trigger']);
    const all = [...common.map((st, j) => ({ st, at: ['common', 'steps', j] })), ...(s.steps ?? []).map((st, j) => ({ st, at: ['scenarios', i, 'steps', j] }))];
    all.forEach(({ st, at }, k) => {
      const name = st.name ?? `setup-${k + 1}`;
      if (seen.has(name)) add([...at, 'name'], name === 'trigger' ? '"trigger" names the pack\'s command: choose another step name' : `duplicate step name "${name}" in scenario ${s.name}`);
      seen.add(name);
    });
  });
}

function checkChange(change: Change, where: PropertyKey[], add: Add): void {
  checkEnv(change.env, where, add);
  change.steps?.forEach((step, i) => {
    const at = [...where, 'steps', i];
    step.run.forEach((arg, j) => checkPlaceholders(arg, [...at, 'run', j], add));
    if (step.run[0] === '') add([...at, 'run', 0], 'the command of a step is empty');
    checkEnv(step.env, at, add);
  });
  for (const key of ['insert', 'append'] as const) {
    change.args?.[key]?.forEach((arg, i) => checkPlaceholders(arg, [...where, 'args', key, i], add));
  }
  const seen = new Map<string, number>();
  change.files?.forEach((f, i) => {
    const at = [...where, 'files', i];
    if ((f.text === undefined) === (f.json === undefined)) add(at, 'a file needs exactly one of "text" or "json"');
    const problem = badRelativePath(f.path);
    if (problem) add([...at, 'path'], problem);
    else if (f.in === 'cwd' && f.path.split('/')[0] === 'node_modules') add([...at, 'path'], 'node_modules of a project copy links to the template\'s: a file there would change the template');
    const key = `${f.in ?? 'home'}:${path.posix.normalize(f.path)}`;
    if (seen.has(key)) add([...at, 'path'], `"${f.path}" is already written by files[${seen.get(key)}]`);
    else seen.set(key, i);
    if (f.text !== undefined) checkPlaceholders(f.text, [...at, 'text'], add);
  });
}

/** Files stay inside the scenario's directories: no absolute paths, no "..". */
export function badRelativePath(p: string): string | null {
  if (p.includes('\\')) return 'use "/" in paths';
  if (path.posix.isAbsolute(p) || /^[A-Za-z]:/.test(p)) return 'the path must be relative (to the scenario\'s HOME or working directory)';
  if (p.split('/').includes('..')) return 'the path must not contain ".." (files stay inside the scenario\'s directories)';
  if (path.posix.normalize(p) === '.' || p.endsWith('/')) return 'the path must name a file';
  return null;
}

export function checkPlaceholders(text: string, where: ReadonlyArray<PropertyKey>, add: (p: ReadonlyArray<PropertyKey>, m: string) => void): void {
  for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    const name = m[1]!;
    if (`{{${name}}}` === OPTOUT_PLACEHOLDER) {
      add(where, `${OPTOUT_PLACEHOLDER} belongs in the target command line (where args.insert goes), not in a pack`);
    } else if (!Object.prototype.hasOwnProperty.call(PACK_PLACEHOLDERS, name)) {
      add(where, `unknown placeholder "{{${name}}}" (known: ${Object.keys(PACK_PLACEHOLDERS).map((k) => `{{${k}}}`).join(', ')})`);
    }
  }
}

function checkPattern(pattern: string | undefined, where: ReadonlyArray<PropertyKey>, add: (p: ReadonlyArray<PropertyKey>, m: string) => void): void {
  if (pattern === undefined) return;
  try {
    new RegExp(pattern);
  } catch (err) {
    add(where, `invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** `what`: how the message names the URL ("a probe", "the readiness URL"). */
function checkProbeUrl(url: string, where: ReadonlyArray<PropertyKey>, add: (p: ReadonlyArray<PropertyKey>, m: string) => void, what = 'a probe'): void {
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{\{\s*port\s*\}\}/g, '1').replace(/\{\{\s*canary\s*\}\}/g, 'c'));
  } catch {
    add(where, 'not a valid URL');
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') add(where, `${what} URL is http:// or https://`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) {
    add(where, `${what} talks only to the target on loopback (127.0.0.1, ::1 or localhost)`);
  }
}
