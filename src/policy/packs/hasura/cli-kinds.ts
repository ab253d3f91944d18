/** CLI payloads: the enveloped and the newer flattened wire shapes, and the guide's sample. */
import type { FieldSpec, PayloadKind } from '../../policy-schema.js';
import { anyOf, bool, count, exactly, obj, oneOf, optional, str, undocumented } from '../../spec-builders.js';
import { HASURA_RULES } from './rules.js';
import { CLI_SAMPLE } from './samples.js';
import { CLI_COMMANDS, GO_ARCH, GO_OS } from './vocabulary.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export const cliCommand: FieldSpec = {
  type: 'string',
  enum: CLI_COMMANDS,
  description: 'CLI command path, without flags or arguments',
  deny: [
    {
      // Newer CLIs append "--flag" for every flag set on the command line.
      pattern: '(?:^|(?<=\\s))--?[A-Za-z][\\w-]*',
      rule: HASURA_RULES.cliCommandFlags.id,
      message: 'command carries flag names; the policy says flags are not recorded',
      strip: true,
    },
  ],
  rule: HASURA_RULES.cliCommandArgs.id,
  message: 'not a known CLI command path: it carries arguments or flag values',
};

const cliData: Record<string, FieldSpec> = {
  uuid: str('uuid-v4', { description: 'random CLI install id (~/.hasura/config.json)' }),
  // '' when the command never connects; the nil UUID when the server state query fails.
  server_uuid: anyOf([exactly(''), exactly(NIL_UUID), str('uuid-v4')]),
  execution_id: anyOf([str('uuid-v4'), exactly(NIL_UUID)]),
  os_platform: oneOf(GO_OS),
  os_arch: oneOf(GO_ARCH),
  // Builds without a release version report "dev" (and use the cli_test topic).
  version: anyOf([str('version'), exactly('dev')]),
  server_version: anyOf([exactly(''), str('version')]),
  command: cliCommand,
  is_error: bool(),
  payload: exactly(null, { rule: HASURA_RULES.cliErrorText.id, message: 'payload carries data; the policy says it is empty' }),
};

const topic = oneOf(['cli', 'cli_test']);
const isCli = { path: 'topic', in: ['cli', 'cli_test'] };

export const cliEnveloped: PayloadKind = {
  id: 'cli',
  title: 'CLI execution event',
  source: 'wire format of the CLI (cli/telemetry), data under a topic envelope',
  transport: 'http',
  match: { all: [isCli, { path: 'data', exists: true }] },
  schema: obj({ topic, data: obj(cliData) }),
  sample: CLI_SAMPLE,
};

export const cliFlat: PayloadKind = {
  id: 'cli-flat',
  title: 'CLI execution event (flattened)',
  source: 'wire format of newer CLIs: data fields beside the topic, plus an error field',
  transport: 'http',
  match: { all: [isCli, { path: 'data', exists: false }] },
  schema: obj({
    ...cliData,
    error: undocumented(
      exactly(null, { rule: HASURA_RULES.cliErrorText.id, message: 'the serialised Go error is sent; the policy says error messages are not recorded' }),
      'serialised Go error',
    ),
    topic,
  }),
  sample: CLI_SAMPLE,
};

export const cliSample: PayloadKind = {
  id: 'cli-sample',
  title: 'CLI execution event (guide sample)',
  source: 'hasura-telemetry-guide: CLI',
  match: { all: [{ path: 'topic', exists: false }, { path: 'execution_id', exists: true }, { path: 'command', exists: true }] },
  schema: obj({ id: optional(count()), timestamp: optional(str('iso-timestamp')), ...cliData }),
  sample: CLI_SAMPLE,
};

export const CLI_KINDS = [cliEnveloped, cliFlat, cliSample];
