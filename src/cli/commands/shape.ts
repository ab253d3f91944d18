/** `telemetry-audit shape`: record the payload shape of captures, for `audit --shape-baseline`. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { shapeFile } from '../../baseline/shape.js';
import { stableJson } from '../../baseline/stable-json.js';
import { InputError } from '../../capture/read-inputs.js';
import { collectCaptures, setupAudit, writeInputNotes } from '../collect-captures.js';
import type { CommandSpec } from '../command.js';
import { writeOut } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { DETECTION_OPTIONS } from '../options/detection-options.js';
import { POLICY_OPTIONS } from '../options/policy-options.js';
import { stringOpt } from '../parse-args.js';

export const shapeCommand: CommandSpec = {
  name: 'shape',
  summary: 'Record the payload shape of captures (field paths and value types per kind) as JSON.',
  usage: 'telemetry-audit shape [inputs...] [options] > shape.json',
  description: [
    'Reads captures like `audit` and records, per payload kind of the policy, every field path seen',
    'and the JSON value types it had. The output is sorted JSON that diffs cleanly; review it and',
    'commit it, then `audit --shape-baseline shape.json` fails when a new kind, field or type appears.',
    'Payloads that match no kind are recorded under "(unclassified)". Values are never recorded,',
    'and a key that does not look like a field name is recorded by a hash.',
    '',
    'Exit codes: 0 shape written; 2 usage error, unreadable input, or no payload to record.',
  ].join('\n'),
  options: [
    ...POLICY_OPTIONS,
    ...DETECTION_OPTIONS,
    { name: 'output', short: 'o', type: 'string', value: 'FILE', description: 'write the shape to FILE instead of stdout' },
  ],
  examples: ['telemetry-audit shape captures/ > shape.json', 'telemetry-audit audit captures/ --shape-baseline shape.json'],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('no input given: name capture files, directories, globs, or "-" for stdin');
    const setup = await setupAudit(args, io);
    const captured = await collectCaptures(args.positionals, io, setup);
    await writeInputNotes(io, 'shape', captured.notes);
    if (captured.shapes.size === 0) {
      throw new InputError(`no payload to record: ${captured.requests} request${captured.requests === 1 ? '' : 's'} read, ${captured.audited} audited, none with a JSON payload`);
    }
    if (captured.withoutPayload > 0) {
      await writeOut(io.stderr, `telemetry-audit shape: ${captured.withoutPayload} audited request${captured.withoutPayload === 1 ? ' has' : 's have'} no JSON payload and no shape (audit reports why)\n`);
    }
    const text = stableJson(shapeFile(captured.shapes, setup.policy.name));
    const output = stringOpt(args, 'output');
    if (output === undefined || output === '-') {
      await writeOut(io.stdout, text);
    } else {
      try {
        await writeFile(path.resolve(io.cwd, output), text);
      } catch (err) {
        throw new ConfigError(`cannot write ${output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    return EXIT.OK;
  },
};
