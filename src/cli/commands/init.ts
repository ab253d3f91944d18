/**
 * `telemetry-audit init`: write a commented starter configuration for a project. In a terminal
 * it asks (which policy, which opt-out pack, where captures live); otherwise its flags answer,
 * with defaults. It never overwrites an existing file unless told to.
 */
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { CliIO, CommandSpec } from '../command.js';
import { writeOut } from '../command.js';
import { CONFIG_FILE_NAMES } from '../config-file.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { boolOpt, choiceOpt, stringOpt } from '../parse-args.js';

export interface InitAnswers {
  policy: string;
  pack: string;
  captures: string;
}

const DEFAULTS: InitAnswers = { policy: 'hasura', pack: 'hasura-cli', captures: 'captures/' };

/** The starter file: every setting present, the optional ones commented out, each explained. */
export function starterConfig(a: InitAnswers, format: 'yaml' | 'json'): string {
  if (format === 'json') {
    const data = {
      $schema: 'https://raw.githubusercontent.com/telemetry-audit/telemetry-audit/main/schemas/config.schema.json',
      inputs: [a.captures],
      policy: a.policy,
      pack: a.pack,
      outputs: ['telemetry.sarif', 'telemetry.junit.xml'],
      'max-warnings': 0,
    };
    return JSON.stringify(data, null, 2) + '\n';
  }
  const q = (s: string) => JSON.stringify(s);
  return [
    '# yaml-language-server: $schema=https://raw.githubusercontent.com/telemetry-audit/telemetry-audit/main/schemas/config.schema.json',
    '# telemetry-audit configuration. Found from the working directory upwards; flags on the',
    '# command line win over it. Paths are relative to this file.',
    '',
    '# What `telemetry-audit audit` reads when no input is named: files, directories, globs.',
    `inputs: [${q(a.captures)}]`,
    '',
    '# The promise to audit against: a built-in policy (hasura) or your own file',
    '# (draft one from captures with `telemetry-audit policy infer captures/ -o policy.yaml`).',
    `policy: ${q(a.policy)}`,
    '',
    '# The opt-out pack `telemetry-audit optout -- <command>` verifies: hasura-cli,',
    '# hasura-server, or your own file (`telemetry-audit pack show hasura-cli` to start one).',
    `pack: ${q(a.pack)}`,
    '',
    '# Reports to write on every run; the format follows the extension',
    '# (.sarif .json .junit.xml .md .html). Any --output on the command line replaces these.',
    '# outputs: [telemetry.sarif, telemetry.junit.xml]',
    '',
    '# Fail (exit 1) when there are more warnings than this.',
    '# max-warnings: 0',
    '',
    '# Approved findings and the approved payload shape (see docs/ci-integration.md).',
    '# baseline: .telemetry/baseline.json',
    '# shape-baseline: .telemetry/shape.json',
    '',
    '# Sensitive values planted in your test setup, which must never be sent in any encoding.',
    '# canaries: .telemetry/canaries.txt',
    '',
    '# A Hasura metadata directory: every name in it becomes a sensitive term.',
    '# metadata: hasura/metadata',
    '',
    '# Severity overrides over the policy\'s: off, warning or error (like --rule ID=LEVEL).',
    '# rules:',
    '#   schema/undocumented-field: warning',
    '',
  ].join('\n');
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function ask(io: CliIO, defaults: InitAnswers): Promise<InitAnswers> {
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true });
  try {
    const question = async (text: string, fallback: string) => (await rl.question(`${text} [${fallback}]: `)).trim() || fallback;
    return {
      policy: await question('Policy to audit against (a built-in name, or a policy file)', defaults.policy),
      pack: await question('Opt-out pack for `optout` (hasura-cli, hasura-server, or a file)', defaults.pack),
      captures: await question('Where do captures live (file, directory or glob)', defaults.captures),
    };
  } finally {
    rl.close();
  }
}

export const initCommand: CommandSpec = {
  name: 'init',
  summary: 'Write a commented starter configuration (telemetry-audit.config.yaml) for this project.',
  usage: 'telemetry-audit init [--policy NAME|FILE] [--pack NAME|FILE] [--captures PATH] [--format yaml|json] [--force]',
  description: [
    'In a terminal, asks for each setting (Enter keeps the default shown); otherwise takes the flags.',
    'With --schema, prints the JSON Schema of the configuration file instead.',
  ].join('\n'),
  options: [
    { name: 'policy', type: 'string', value: 'NAME|FILE', description: `policy: a built-in name or a file (default: ${DEFAULTS.policy})` },
    { name: 'pack', type: 'string', value: 'NAME|FILE', description: `opt-out pack for optout (default: ${DEFAULTS.pack})` },
    { name: 'captures', type: 'string', value: 'PATH', description: `where captures live (default: ${DEFAULTS.captures})` },
    { name: 'format', type: 'string', value: 'FORMAT', description: 'yaml (commented, default) or json' },
    { name: 'force', type: 'boolean', description: 'replace an existing configuration file' },
    { name: 'yes', short: 'y', type: 'boolean', description: 'do not ask, even in a terminal' },
    { name: 'schema', type: 'boolean', description: 'print the JSON Schema of the configuration file and exit' },
  ],
  examples: ['telemetry-audit init', 'telemetry-audit init --policy my-tool.policy.yaml --captures test/captures/ --yes'],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    if (boolOpt(args, 'schema')) {
      const { toolConfigJsonSchema } = await import('../../config/tool-config-schema.js');
      await writeOut(io.stdout, JSON.stringify(toolConfigJsonSchema(), null, 2) + '\n');
      return EXIT.OK;
    }
    const format = choiceOpt(args, 'format', ['yaml', 'json'] as const, 'yaml');
    const file = path.join(io.cwd, format === 'json' ? CONFIG_FILE_NAMES[2] : CONFIG_FILE_NAMES[0]);
    for (const name of CONFIG_FILE_NAMES) {
      if (!boolOpt(args, 'force') && (await exists(path.join(io.cwd, name)))) throw new ConfigError(`${name} already exists (--force replaces it)`);
    }
    const given: InitAnswers = {
      policy: stringOpt(args, 'policy') ?? DEFAULTS.policy,
      pack: stringOpt(args, 'pack') ?? DEFAULTS.pack,
      captures: stringOpt(args, 'captures') ?? DEFAULTS.captures,
    };
    for (const [k, v] of Object.entries(given)) if (v.trim() === '') throw new UsageError(`--${k} needs a value`);
    const interactive = !boolOpt(args, 'yes') && io.stdin.isTTY === true && (io.stderr as { isTTY?: boolean }).isTTY === true;
    const answers = interactive ? await ask(io, given) : given;
    try {
      await writeFile(file, starterConfig(answers, format), { flag: boolOpt(args, 'force') ? 'w' : 'wx' });
    } catch (err) {
      throw new ConfigError(`cannot write ${path.basename(file)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    await writeOut(io.stdout, `wrote ${path.basename(file)}: policy ${answers.policy}, pack ${answers.pack}, captures ${answers.captures}\nNext: telemetry-audit audit   (reads it from here or any directory below)\n`);
    return EXIT.OK;
  },
};
