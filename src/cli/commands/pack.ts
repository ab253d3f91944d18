/**
 * `telemetry-audit pack …`: opt-out packs as files. Print their JSON Schema, export a pack (the
 * built-in Hasura packs included) as JSON or YAML, and check pack files. Running a pack is the
 * `optout` command's job.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPack, packPolicyRef } from '../../optout/load-pack.js';
import { compileOrExplain, loadPolicy } from '../../policy/load-policy.js';
import { setupDetection } from '../options/detection-options.js';
import { packJsonSchema } from '../../optout/pack-json-schema.js';
import type { Pack } from '../../optout/pack-schema.js';
import { BUILTIN_PACKS } from '../../optout/packs/index.js';
import type { CliIO, CommandGroup, CommandSpec, ParsedArgs } from '../command.js';
import { writeOut } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { choiceOpt, stringOpt } from '../parse-args.js';
import { serializeDocument } from './serialize-document.js';

const OUTPUT_OPTION = { name: 'output', short: 'o', type: 'string', value: 'FILE', description: 'write to FILE instead of standard output' } as const;

async function emit(args: ParsedArgs, io: CliIO, text: string): Promise<void> {
  const output = stringOpt(args, 'output');
  if (output === undefined) return writeOut(io.stdout, text);
  try {
    await writeFile(path.resolve(io.cwd, output), text);
  } catch (err) {
    throw new UsageError(`cannot write ${output} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export const packSchemaCommand: CommandSpec = {
  name: 'pack schema',
  summary: 'Print the JSON Schema of opt-out pack files.',
  usage: 'telemetry-audit pack schema [--output FILE]',
  options: [OUTPUT_OPTION],
  examples: ['telemetry-audit pack schema > optout-pack.schema.json'],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    await emit(args, io, JSON.stringify(packJsonSchema(), null, 2) + '\n');
    return EXIT.OK;
  },
};

export const packShowCommand: CommandSpec = {
  name: 'pack show',
  summary: 'Export an opt-out pack (built-in or file) as YAML or JSON, to copy and adapt.',
  usage: 'telemetry-audit pack show NAME|FILE [--format yaml|json] [--output FILE]',
  description: `Built-in packs: ${Object.keys(BUILTIN_PACKS).join(', ')}.`,
  options: [{ name: 'format', type: 'string', value: 'FORMAT', description: 'yaml or json (default: yaml)' }, OUTPUT_OPTION],
  examples: ['telemetry-audit pack show hasura-cli > hasura-cli.pack.yaml'],
  async run(args, io) {
    const [name, extra] = args.positionals;
    if (name === undefined) throw new UsageError(`name a pack: a built-in (${Object.keys(BUILTIN_PACKS).join(', ')}) or a file`);
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const format = choiceOpt(args, 'format', ['yaml', 'json'], 'yaml');
    const { pack, origin } = await loadPack(name, io.cwd);
    await emit(args, io, serializeDocument(pack, format, `Opt-out pack "${pack.name}" exported by telemetry-audit from ${origin}.`));
    return EXIT.OK;
  },
};

export const packCheckCommand: CommandSpec = {
  name: 'pack check',
  summary: 'Validate opt-out pack files.',
  usage: 'telemetry-audit pack check FILE...',
  description: [
    'Every problem is printed as FILE:LINE:COL: path.in.pack: what is wrong. The policy a pack names is',
    'loaded and compiled too. Exit 0 when every pack is valid, 2 otherwise.',
  ].join('\n'),
  options: [],
  examples: ['telemetry-audit pack check fixtures/optout-packs/nextjs.yaml'],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('name one or more pack files (or built-in names)');
    let code: number = EXIT.OK;
    for (const name of args.positionals) {
      try {
        const loaded = await loadPack(name, io.cwd);
        const policyRef = packPolicyRef(loaded);
        if (policyRef !== undefined) {
          // The policy that will audit what scenarios send must load too, or the run would fail late.
          const policy = await loadPolicy(policyRef, io.cwd).catch((err: unknown) => {
            throw err instanceof ConfigError ? new ConfigError(`${loaded.origin}: its policy "${loaded.pack.policy}" cannot be used:\n${err.message}`) : err;
          });
          compileOrExplain(policy.policy, policy.origin, (await setupDetection(args, io)).rules, policy.doc);
        }
        await writeOut(io.stdout, `${loaded.origin}: valid (${describePack(loaded.pack)}${policyRef ? `; policy ${loaded.pack.policy}` : ''})\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        await writeOut(io.stderr, `${err.message}\n`);
        code = EXIT.USAGE;
      }
    }
    return code;
  },
};

function describePack(pack: Pack): string {
  const count = (f: (s: Pack['scenarios'][number]) => boolean) => pack.scenarios.filter(f).length;
  return [
    `${pack.scenarios.length} scenarios`,
    `${count((s) => s.expect === 'suppress' && !s.informational)} must suppress`,
    `${count((s) => s.expect === 'send' && !s.informational)} must send`,
    `${count((s) => s.expect === 'refuse-start')} must refuse to start`,
    `${count((s) => s.informational === true)} informational`,
  ].join(', ');
}

export const packCommands: CommandGroup = {
  name: 'pack',
  summary: 'Work with opt-out pack files: print the JSON Schema, export, check.',
  description: 'A pack is plain data (JSON or YAML); docs/optout-packs.md documents every field.',
  subcommands: [packSchemaCommand, packShowCommand, packCheckCommand],
};
