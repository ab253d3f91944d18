/**
 * Opt-out scenarios for the Hasura GraphQL Engine server, from the published guide (env
 * `HASURA_GRAPHQL_ENABLE_TELEMETRY=false`, flag `--enable-telemetry=false`, both also turning off
 * the console the server hosts) and from how the server parses the setting (shared parser for
 * flag and env, flag wins; case-insensitive true/t/yes/y and false/f/no/n; anything else is a
 * fatal error at start-up).
 */
import type { Pack, Scenario } from '../pack-schema.js';
import { consoleInBrowser, consoleProbe } from './console-checks.js';
import { ciTrue, doNotTrack } from './conventions.js';

const ENV = 'HASURA_GRAPHQL_ENABLE_TELEMETRY';

const envSpelling = (value: string): Scenario => ({
  name: `env-${value.toLowerCase() === value ? value : `${value.toLowerCase()}-upper`}`,
  title: `${ENV}=${value}`,
  description: 'the server reads the setting case-insensitively and accepts false/f/no/n as off',
  env: { set: { [ENV]: value } },
  expect: 'suppress',
});

export const hasuraServerPack: Pack = {
  name: 'hasura-server',
  title: 'Hasura GraphQL Engine server: telemetry opt-outs',
  description:
    'Proves each documented server opt-out (https://hasura.io/docs/latest/policies/telemetry/#telemetry-optout): the environment ' +
    `variable ${ENV}=false, the flag --enable-telemetry=false, the spellings the server accepts, which one wins when both are ` +
    'given, that a value it does not accept stops it from starting, and that the console it serves is told telemetry is off.',
  docs: ['https://hasura.io/docs/latest/policies/telemetry/'],
  target: {
    kind: 'server',
    notes:
      'Run the server in the foreground with a metadata database it can reach, e.g. `graphql-engine --database-url postgres://… serve {{optout}}`. ' +
      'The pack sets the port (HASURA_GRAPHQL_SERVER_PORT={{port}}) so scenarios can run side by side, and enables the console for the console probes.',
    example: ['graphql-engine', '--database-url', 'postgres://postgres:postgres@127.0.0.1:5432/postgres', 'serve', '{{optout}}'],
    // The server's health endpoint: each scenario is watched from the moment the server is up.
    readyUrl: 'http://127.0.0.1:{{port}}/healthz',
  },
  policy: 'hasura',
  // The server sends right at start-up; each scenario watches a running server for 15 s.
  timing: { observeSeconds: 15, timeoutSeconds: 90 },
  common: {
    env: {
      set: { HASURA_GRAPHQL_SERVER_PORT: '{{port}}', HASURA_GRAPHQL_SERVER_HOST: '127.0.0.1', HASURA_GRAPHQL_ENABLE_CONSOLE: 'true' },
      // Inherited settings would decide the outcome instead of the scenario.
      unset: [ENV, 'DO_NOT_TRACK', 'CI'],
    },
  },
  scenarios: [
    {
      name: 'control',
      title: 'no opt-out',
      description: 'telemetry is on by default: the server must send, or no other result means anything',
      control: true,
      expect: 'send',
      probes: [consoleProbe('server', true)],
      browser: consoleInBrowser('server', true),
    },
    {
      name: 'env-false',
      title: `${ENV}=false`,
      description: 'the documented environment variable',
      env: { set: { [ENV]: 'false' } },
      expect: 'suppress',
      probes: [consoleProbe('server', false)],
      browser: consoleInBrowser('server', false),
    },
    {
      name: 'flag-false',
      title: '--enable-telemetry=false',
      description: 'the documented flag of `graphql-engine serve`',
      args: { insert: ['--enable-telemetry=false'] },
      expect: 'suppress',
      probes: [consoleProbe('server', false)],
      browser: consoleInBrowser('server', false),
    },
    envSpelling('FALSE'),
    envSpelling('f'),
    envSpelling('no'),
    envSpelling('n'),
    {
      name: 'flag-false-over-env-true',
      title: `--enable-telemetry=false with ${ENV}=true`,
      description: 'the flag wins over the environment: off',
      env: { set: { [ENV]: 'true' } },
      args: { insert: ['--enable-telemetry=false'] },
      expect: 'suppress',
    },
    {
      name: 'flag-true-over-env-false',
      title: `--enable-telemetry=true with ${ENV}=false`,
      description: 'the flag wins over the environment: on (a user relying on the variable is overridden by a flag in a script)',
      env: { set: { [ENV]: 'false' } },
      args: { insert: ['--enable-telemetry=true'] },
      expect: 'send',
    },
    {
      name: 'env-zero',
      title: `${ENV}=0`,
      description: 'the server does not accept 0 (nor 1, off, empty): it refuses to start with a fatal error naming the variable',
      env: { set: { [ENV]: '0' } },
      expect: 'refuse-start',
      refusal: { stderr: ENV },
    },
    doNotTrack,
    ciTrue('running in CI; the guide says the CI name is sent, so telemetry is expected to stay on'),
  ],
};
