/**
 * Project configuration, found the way ESLint and gitleaks find theirs: from the working
 * directory upwards, the first directory holding telemetry-audit.config.yaml (.yml, .json) or
 * a package.json with a `telemetryAudit` key. Its settings fill in the flags a command line
 * did not give (flags always win); paths in it are relative to the file. `--config FILE` names
 * the file, `--no-config` ignores any.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigSyntaxError, parseConfigDocument, type ConfigDocument } from '../config/config-document.js';
import { formatProblems, formatSyntaxError, invalidDocumentMessage, jsonSchemaKeys, problemsFromZod } from '../config/config-problems.js';
import { withoutExtensions } from '../config/validated-document.js';
import type { CliIO, CommandSpec, OptionSpec, ParsedArgs } from './command.js';
import { ConfigError, UsageError } from './errors.js';
import { boolOpt, stringOpt, stringsOpt } from './parse-args.js';

export const CONFIG_FILE_NAMES = ['telemetry-audit.config.yaml', 'telemetry-audit.config.yml', 'telemetry-audit.config.json'] as const;
export const PACKAGE_JSON_KEY = 'telemetryAudit';

export const CONFIG_OPTIONS: OptionSpec[] = [
  { name: 'config', type: 'string', value: 'FILE', description: `project configuration (default: ${CONFIG_FILE_NAMES[0]}, .json, or "${PACKAGE_JSON_KEY}" in package.json, found from the working directory upwards)` },
  { name: 'no-config', type: 'boolean', description: 'ignore any configuration file' },
];

/** What a config file holds, as plain data, once validated. */
export type ToolConfig = import('../config/tool-config-schema.js').ToolConfig;

export interface FoundConfig {
  /** The file, as shown in messages (`package.json#telemetryAudit` for the package key). */
  display: string;
  dir: string;
  config: ToolConfig;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new ConfigError(`${file}: cannot read the configuration (${code ?? (err as Error).message})`);
  }
}

/** Validate `data` (at `prefix` in the document) against the config schema. */
async function validate(display: string, doc: ConfigDocument, data: unknown, prefix: PropertyKey[]): Promise<ToolConfig> {
  // zod is loaded only when a project has a config file.
  const { ToolConfigSchema, toolConfigJsonSchema } = await import('../config/tool-config-schema.js');
  const result = ToolConfigSchema.safeParse(withoutExtensions(data));
  if (result.success) return result.data;
  const problems = problemsFromZod(result.error.issues, jsonSchemaKeys(toolConfigJsonSchema())).map((p) => ({ ...p, path: [...prefix, ...p.path] }));
  throw new ConfigError(invalidDocumentMessage(display, 'configuration', formatProblems(display, doc, problems)));
}

function parse(display: string, text: string, file: string): ConfigDocument {
  try {
    return parseConfigDocument(text, file);
  } catch (err) {
    if (err instanceof ConfigSyntaxError) throw new ConfigError(formatSyntaxError(display, err));
    throw err;
  }
}

export async function loadConfigFile(file: string, display: string): Promise<FoundConfig | null> {
  const text = await readText(file);
  if (text === null) return null;
  const dir = path.dirname(file);
  if (path.basename(file) === 'package.json') {
    const doc = parse(display, text, file);
    const data = (doc.data as Record<string, unknown> | null)?.[PACKAGE_JSON_KEY];
    if (data === undefined) return null;
    return { display: `${display}#${PACKAGE_JSON_KEY}`, dir, config: await validate(display, doc, data, [PACKAGE_JSON_KEY]) };
  }
  const doc = parse(display, text, file);
  return { display, dir, config: await validate(display, doc, doc.data ?? {}, []) };
}

/** The nearest config from `cwd` upwards, or null. */
export async function findConfig(cwd: string): Promise<FoundConfig | null> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of [...CONFIG_FILE_NAMES, 'package.json']) {
      const file = path.join(dir, name);
      const found = await loadConfigFile(file, path.relative(cwd, file) || name);
      if (found) return found;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/** A path from the config, relative to its file, as the command line would give it (relative to cwd). */
function fromConfig(found: FoundConfig, cwd: string, p: string): string {
  if (path.isAbsolute(p)) return p;
  const rel = path.relative(cwd, path.resolve(found.dir, p));
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/** A built-in name (no path separator or dot) stays a name; anything else is a path. */
function nameOrPath(found: FoundConfig, cwd: string, v: string): string {
  return /[/\\.]/.test(v) ? fromConfig(found, cwd, v) : v;
}

/**
 * The command's arguments with the config's settings filled in where the command line is
 * silent, for the options `spec` has. Returns the arguments unchanged when there is no config.
 */
export async function applyConfig(spec: CommandSpec, args: ParsedArgs, io: Pick<CliIO, 'cwd'>): Promise<{ args: ParsedArgs; found: FoundConfig | null }> {
  if (boolOpt(args, 'no-config')) {
    if (stringOpt(args, 'config') !== undefined) throw new UsageError('--config and --no-config contradict each other');
    return { args, found: null };
  }
  const named = stringOpt(args, 'config');
  let found: FoundConfig | null;
  if (named !== undefined) {
    if (named === '') throw new UsageError('--config needs a file name (it was given an empty one)');
    const abs = path.resolve(io.cwd, named);
    found = await loadConfigFile(abs, named);
    if (found === null) throw new ConfigError(`--config ${named}: ${path.basename(abs) === 'package.json' ? `has no "${PACKAGE_JSON_KEY}" key` : 'no such file'}`);
  } else {
    found = await findConfig(io.cwd);
  }
  if (found === null) return { args, found };
  const has = new Set(spec.options.map((o) => o.name));
  const values = { ...args.values };
  const c = found.config;
  const set = (name: string, value: string | boolean | string[] | undefined) => {
    if (value === undefined || !has.has(name) || values[name] !== undefined) return;
    values[name] = value;
  };
  const cwd = io.cwd;
  set('policy', c.policy === undefined ? undefined : nameOrPath(found, cwd, c.policy));
  set('allow-draft', c['allow-draft'] === true ? true : undefined);
  set('pack', c.pack === undefined ? undefined : nameOrPath(found, cwd, c.pack));
  set('baseline', c.baseline === undefined ? undefined : fromConfig(found, cwd, c.baseline));
  set('shape-baseline', c['shape-baseline'] === undefined ? undefined : fromConfig(found, cwd, c['shape-baseline']));
  set('output', c.outputs?.map((o) => (o === '-' ? o : fromConfig(found, cwd, o))));
  set('max-warnings', c['max-warnings'] === undefined ? undefined : String(c['max-warnings']));
  set('canary', c.canary);
  set('canaries', c.canaries === undefined ? undefined : fromConfig(found, cwd, c.canaries));
  set('metadata', c.metadata === undefined ? undefined : fromConfig(found, cwd, c.metadata));
  set('no-local-identity', c['no-local-identity'] === true ? true : undefined);
  if (c.rules && has.has('rule')) {
    // The config's overrides first, so a --rule for the same id, given later, wins.
    values.rule = [...Object.entries(c.rules).map(([id, level]) => `${id}=${level}`), ...stringsOpt(args, 'rule')];
  }
  let positionals = args.positionals;
  if (positionals.length === 0 && c.inputs && spec.name === 'audit') positionals = c.inputs.map((i) => (i === '-' ? i : fromConfig(found, cwd, i)));
  values.config = found.display;
  return { args: { ...args, values, positionals }, found };
}
