/**
 * `telemetry-audit policy …`: the policy format as files. Print its JSON Schema, export a policy
 * (the built-in Hasura pack included) as JSON or YAML, check a file, and draft a policy from
 * captures. Only `infer` reads captures; the rest read one policy.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readInputs, resolveInputSet } from '../../capture/read-inputs.js';
import { writeInputNotes } from '../collect-captures.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import { DEFAULT_DETECTORS } from '../../detectors/default-detectors.js';
import { forEachField } from '../../engine/compiled-policy.js';
import { BUILTIN_POLICIES } from '../../policy/builtin-policies.js';
import { InferError, inferPolicy } from '../../policy/infer/infer-policy.js';
import { compileOrExplain, describeReviewMarkers, loadPolicy } from '../../policy/load-policy.js';
import { policyJsonSchema } from '../../policy/policy-json-schema.js';
import type { Policy } from '../../policy/policy-schema.js';
import type { CliIO, CommandGroup, CommandSpec, ParsedArgs } from '../command.js';
import { writeOut } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { setupDetection } from '../options/detection-options.js';
import { choiceOpt, stringOpt } from '../parse-args.js';
import { serializeDocument } from './serialize-document.js';

const OUTPUT_OPTION = { name: 'output', short: 'o', type: 'string', value: 'FILE', description: 'write to FILE instead of standard output' } as const;

async function emit(args: ParsedArgs, io: CliIO, text: string): Promise<void> {
  const output = stringOpt(args, 'output');
  if (output === undefined) {
    await writeOut(io.stdout, text);
    return;
  }
  try {
    await writeFile(path.resolve(io.cwd, output), text);
  } catch (err) {
    throw new UsageError(`cannot write ${output} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export const policySchemaCommand: CommandSpec = {
  name: 'policy schema',
  summary: 'Print the JSON Schema of policy files (for editors and validators).',
  usage: 'telemetry-audit policy schema [--output FILE]',
  description: 'Generated from the same zod schema that validates policy files, so the two never disagree.',
  options: [OUTPUT_OPTION],
  examples: ['telemetry-audit policy schema > policy.schema.json'],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    await emit(args, io, JSON.stringify(policyJsonSchema(), null, 2) + '\n');
    return EXIT.OK;
  },
};

export const policyShowCommand: CommandSpec = {
  name: 'policy show',
  summary: 'Export a policy (built-in or file) as JSON or YAML, to copy and adapt.',
  usage: 'telemetry-audit policy show NAME|FILE [--format yaml|json] [--output FILE]',
  description: `Built-in policies: ${Object.keys(BUILTIN_POLICIES).join(', ')}. A file is validated, then written back in the chosen format.`,
  options: [{ name: 'format', type: 'string', value: 'FORMAT', description: 'yaml or json (default: yaml)' }, OUTPUT_OPTION],
  examples: ['telemetry-audit policy show hasura > hasura.yaml', 'telemetry-audit policy show my-policy.yaml --format json'],
  async run(args, io) {
    const [name, extra] = args.positionals;
    if (name === undefined) throw new UsageError(`name a policy: a built-in (${Object.keys(BUILTIN_POLICIES).join(', ')}) or a file`);
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const format = choiceOpt(args, 'format', ['yaml', 'json'], 'yaml');
    const { policy, origin, doc } = await loadPolicy(name, io.cwd);
    compileOrExplain(policy, origin, (await setupDetection(args, io)).rules, doc);
    await emit(args, io, serializeDocument(policy, format, `Policy "${policy.name}" exported by telemetry-audit from ${origin}. Use it with: telemetry-audit audit --policy FILE`));
    return EXIT.OK;
  },
};

export const policyCheckCommand: CommandSpec = {
  name: 'policy check',
  summary: 'Validate and compile policy files; list the review markers of a draft.',
  usage: 'telemetry-audit policy check FILE... ',
  description: [
    'Every problem is printed as FILE:LINE:COL: path.in.policy: what is wrong.',
    '',
    'Exit codes: 0 every policy is valid and approved; 1 a policy is valid but still a draft (it has',
    '"review" markers left by "policy infer"); 2 a policy is invalid or cannot be read.',
  ].join('\n'),
  options: [],
  examples: ['telemetry-audit policy check my-tool.policy.yaml'],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('name one or more policy files (or built-in names)');
    const rules = (await setupDetection(args, io)).rules;
    let code: number = EXIT.OK;
    for (const name of args.positionals) {
      try {
        const { policy, origin, doc } = await loadPolicy(name, io.cwd);
        const compiled = compileOrExplain(policy, origin, rules, doc);
        const markers = describeReviewMarkers(compiled, origin, doc);
        const counts = describePolicy(policy);
        if (markers.length > 0) {
          await writeOut(io.stdout, `${origin}: valid, but a DRAFT: ${markers.length} item(s) marked for review (${counts})\n${markers.map((m) => `  ${m}\n`).join('')}`);
          code = Math.max(code, EXIT.FINDINGS);
        } else {
          await writeOut(io.stdout, `${origin}: valid (${counts})\n`);
        }
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        await writeOut(io.stderr, `${err.message}\n`);
        code = EXIT.USAGE;
      }
    }
    return code;
  },
};

function describePolicy(policy: Policy): string {
  let fields = 0;
  let freeText = 0;
  forEachField(policy, (spec) => {
    fields++;
    if (spec.type === 'string' && spec.format === 'free-text') freeText++;
  });
  return `${policy.kinds.length} kind(s), ${policy.destinations.length} destination(s), ${fields} field spec(s), ${freeText} free-text`;
}

export const policyInferCommand: CommandSpec = {
  name: 'policy infer',
  summary: 'Draft a policy from captured telemetry, every string field marked for review.',
  usage: 'telemetry-audit policy infer [inputs...] [--name NAME] [--format yaml|json] [--output FILE]',
  description: [
    'Reads the same inputs as "audit" and drafts destinations, headers, payload kinds (split by a field',
    'such as type/topic/event when one tells payloads apart, else by destination) and, for each field,',
    'its type and format: uuid-v4, iso-timestamp, semver/version, integer >= 0, boolean, a closed list',
    'when few values were seen, otherwise free text.',
    '',
    'The draft is NEVER approved: it says what was seen, not what the tool promises. Every string field',
    'and every kind carries a "review" marker; "audit" refuses the policy until the markers are gone',
    '(or --allow-draft is given). Values a detector flags are never written into the draft as allowed.',
  ].join('\n'),
  options: [
    { name: 'name', type: 'string', value: 'NAME', description: 'policy name, lower-case words joined by "-" (default: draft)' },
    { name: 'format', type: 'string', value: 'FORMAT', description: 'yaml or json (default: yaml)' },
    OUTPUT_OPTION,
  ],
  examples: ['telemetry-audit policy infer captures.ndjson --name my-tool -o my-tool.policy.yaml'],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('no input given: name capture files, directories, globs, or "-" for stdin');
    const name = stringOpt(args, 'name') ?? 'draft';
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UsageError(`--name must be lower-case words joined by "-", got "${name}"`);
    const format = choiceOpt(args, 'format', ['yaml', 'json'], 'yaml');
    const { sources, notes } = await resolveInputSet(args.positionals, io.cwd);
    await writeInputNotes(io, 'policy infer', notes);
    const requests: CapturedRequest[] = [];
    for await (const request of readInputs(sources, io.stdin)) requests.push(request);
    let result;
    try {
      result = inferPolicy(requests, { name, sources: sources.map((s) => s.display), detectors: DEFAULT_DETECTORS });
    } catch (err) {
      if (err instanceof InferError) throw new UsageError(err.message);
      throw err;
    }
    const { policy, summary } = result;
    // The draft must at least be a valid policy: a user's first `policy check` should not fail on our output.
    compileOrExplain(policy, 'inferred draft', (await setupDetection(args, io)).rules);
    const header = [
      `DRAFT policy inferred by telemetry-audit from ${summary.requests} captured request(s): NOT APPROVED.`,
      'It describes what was seen, not what the tool promises. Review every "review" marker against the',
      'tool\'s published telemetry policy, tighten the specs, then delete the marker. Until then',
      '"telemetry-audit audit" refuses this policy (unless --allow-draft).',
    ].join('\n');
    await emit(args, io, serializeDocument(policy, format, header));
    await writeOut(
      io.stderr,
      [
        `Drafted policy "${policy.name}" from ${summary.payloads} payload(s) of ${summary.requests} request(s): ${summary.kinds} kind(s), ${summary.destinations} destination(s).`,
        `${summary.reviewMarkers} item(s) are marked for review. This draft is not approved: review it before auditing with it.`,
        ...summary.notes.map((n) => `note: ${n}`),
        '',
      ].join('\n'),
    );
    return EXIT.OK;
  },
};

export const policyCommands: CommandGroup = {
  name: 'policy',
  summary: 'Work with policy files: print the JSON Schema, export, check, or infer a draft from captures.',
  description: 'A policy is plain data (JSON or YAML); docs/policy-format.md documents every field.',
  subcommands: [policySchemaCommand, policyShowCommand, policyCheckCommand, policyInferCommand],
};
