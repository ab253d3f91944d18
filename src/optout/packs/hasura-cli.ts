/**
 * Opt-out scenarios for the Hasura CLI, from the published guide (env
 * `HASURA_GRAPHQL_ENABLE_TELEMETRY=false`, `"enable_telemetry": false` in ~/.hasura/config.json)
 * and from how the CLI reads them (the variable overrides the file; Go's strconv.ParseBool, so
 * 0/f/F/FALSE/false/False are off and any other non-boolean value currently reads as off too).
 */
import type { Pack, Scenario } from '../pack-schema.js';
import { ciTrue, doNotTrack } from './conventions.js';

const ENV = 'HASURA_GRAPHQL_ENABLE_TELEMETRY';
// A random v4 UUID, as the CLI writes on first run; fixed so every scenario starts alike.
const CLI_UUID = '5d8b8c61-5a0d-4c5e-9f3e-2f0c4b7a9e21';
const config = (enableTelemetry: unknown) => ({
  path: '.hasura/config.json',
  json: { uuid: CLI_UUID, enable_telemetry: enableTelemetry, show_update_notification: false },
});

const envValue = (value: string, extra: Partial<Scenario> = {}): Scenario => ({
  name: `env-parsebool-${value.toLowerCase()}${value === value.toUpperCase() && value !== value.toLowerCase() ? '-upper' : ''}`,
  title: `${ENV}=${value}`,
  description: 'Go ParseBool reads this as false',
  env: { set: { [ENV]: value } },
  expect: 'suppress',
  ...extra,
});

export const hasuraCliPack: Pack = {
  name: 'hasura-cli',
  title: 'Hasura CLI: telemetry opt-outs',
  description:
    'Proves each documented CLI opt-out (https://hasura.io/docs/latest/policies/telemetry/#telemetry-optout): the environment ' +
    `variable ${ENV}=false and "enable_telemetry": false in ~/.hasura/config.json, which one wins when both are set, ` +
    'the spellings Go ParseBool accepts, and what happens with values it does not.',
  docs: ['https://hasura.io/docs/latest/policies/telemetry/'],
  target: {
    kind: 'cli',
    notes:
      'Any CLI command that runs to completion sends one event, e.g. `hasura version {{optout}}`. Each scenario gets a fresh HOME, so ' +
      'scenarios without a config file exercise the first run (the CLI writes ~/.hasura/config.json with a new UUID). ' +
      'The console served by `hasura console` follows the CLI setting: the hasura-cli-console pack proves it.',
    example: ['hasura', 'version', '{{optout}}'],
  },
  policy: 'hasura',
  // The CLI sends before it exits; a short window catches a late flush.
  timing: { quietWindowSeconds: 3, timeoutSeconds: 60 },
  // The CLI's update check (GET releases.hasura.io) has its own switch and is not what the guide's
  // opt-out covers: it is turned off everywhere, so any request an opted-out run still makes is
  // one the telemetry switch failed to stop.
  common: { env: { set: { HASURA_GRAPHQL_SHOW_UPDATE_NOTIFICATION: 'false' }, unset: [ENV, 'DO_NOT_TRACK', 'CI'] } },
  scenarios: [
    {
      name: 'control',
      title: 'no opt-out (first run)',
      description: 'telemetry is on by default: the CLI must send, or no other result means anything',
      control: true,
      expect: 'send',
    },
    {
      name: 'env-false',
      title: `${ENV}=false`,
      description: 'the documented environment variable',
      env: { set: { [ENV]: 'false' } },
      expect: 'suppress',
    },
    {
      name: 'config-false',
      title: '"enable_telemetry": false in ~/.hasura/config.json',
      description: 'the documented config file setting',
      files: [config(false)],
      expect: 'suppress',
    },
    {
      name: 'config-true',
      title: '"enable_telemetry": true in ~/.hasura/config.json',
      description: 'an existing install with telemetry on sends (a second control, with a config file)',
      files: [config(true)],
      expect: 'send',
    },
    {
      name: 'env-false-over-config-true',
      title: `${ENV}=false with "enable_telemetry": true`,
      description: 'the variable overrides the file: off',
      env: { set: { [ENV]: 'false' } },
      files: [config(true)],
      expect: 'suppress',
    },
    {
      name: 'env-true-over-config-false',
      title: `${ENV}=true with "enable_telemetry": false`,
      description: 'the variable overrides the file: on (the file opt-out does not survive a variable set elsewhere)',
      env: { set: { [ENV]: 'true' } },
      files: [config(false)],
      expect: 'send',
    },
    envValue('0'),
    envValue('FALSE'),
    envValue('f'),
    {
      name: 'env-non-boolean',
      title: `${ENV}=off`,
      description: 'not a ParseBool value: the current CLI reads any such value as off; reported, not promised',
      env: { set: { [ENV]: 'off' } },
      expect: 'suppress',
      informational: true,
    },
    {
      name: 'config-string-false',
      title: '"enable_telemetry": "false" (a string) in ~/.hasura/config.json',
      description: 'a likely hand-edit: a string where the CLI expects a boolean; reported, not promised',
      files: [config('false')],
      expect: 'suppress',
      informational: true,
    },
    doNotTrack,
    ciTrue('running in CI; not an opt-out in the guide'),
  ],
};
