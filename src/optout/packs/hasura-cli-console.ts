/**
 * Opt-out scenarios for the console the Hasura CLI serves (`hasura console`, port 9695 by
 * default). The guide says the CLI's switches (env HASURA_GRAPHQL_ENABLE_TELEMETRY=false,
 * "enable_telemetry": false in ~/.hasura/config.json) also turn off the console it serves, and the
 * CLI tells the page through `window.__env.enableTelemetry`. The console takes its switch from the
 * CLI's config, not the server's (publicly reported as "Unable to turn off telemetry"), so this pack
 * proves the CLI's switches on what a real browser sends (`optout --browser chromium`) as well as on
 * the CLI's own event, which it sends once the console is up.
 */
import type { Pack } from '../pack-schema.js';
import { consoleInBrowser, consoleProbe } from './console-checks.js';

const ENV = 'HASURA_GRAPHQL_ENABLE_TELEMETRY';
const CLI_UUID = '5d8b8c61-5a0d-4c5e-9f3e-2f0c4b7a9e21';
const config = (enableTelemetry: boolean) => ({
  path: '.hasura/config.json',
  json: { uuid: CLI_UUID, enable_telemetry: enableTelemetry, show_update_notification: false },
});

export const hasuraCliConsolePack: Pack = {
  name: 'hasura-cli-console',
  title: 'Hasura CLI console (`hasura console`): telemetry opt-outs',
  description:
    'Proves that the CLI opt-outs (https://hasura.io/docs/latest/policies/telemetry/#telemetry-optout) also turn off the console ' +
    `the CLI serves: with ${ENV}=false or "enable_telemetry": false the page is told enableTelemetry: false and, in a real ` +
    'browser, sends nothing; without them the console and the CLI send.',
  docs: ['https://hasura.io/docs/latest/policies/telemetry/'],
  target: {
    kind: 'server',
    notes:
      'Run `hasura console` in a project directory; the pack adds `--no-browser --console-port {{port}}` so scenarios run side by side. ' +
      'Give `optout --browser chromium` so each scenario loads the console in headless Chromium and judges what it sends.',
    example: ['hasura', 'console', '{{optout}}'],
    readyUrl: 'http://127.0.0.1:{{port}}/console',
  },
  policy: 'hasura',
  timing: { observeSeconds: 10, timeoutSeconds: 90 },
  common: {
    args: { insert: ['--no-browser', '--address', '127.0.0.1', '--console-port', '{{port}}'] },
    env: { set: { HASURA_GRAPHQL_SHOW_UPDATE_NOTIFICATION: 'false' }, unset: [ENV, 'DO_NOT_TRACK', 'CI'] },
  },
  scenarios: [
    {
      name: 'control',
      title: 'no opt-out (first run)',
      description: 'telemetry is on by default: the CLI and its console must send, or no other result means anything',
      control: true,
      expect: 'send',
      probes: [consoleProbe('CLI', true)],
      browser: consoleInBrowser('CLI', true),
    },
    {
      name: 'env-false',
      title: `${ENV}=false`,
      description: 'the documented environment variable: the CLI and the console it serves stay silent',
      env: { set: { [ENV]: 'false' } },
      expect: 'suppress',
      probes: [consoleProbe('CLI', false)],
      browser: consoleInBrowser('CLI', false),
    },
    {
      name: 'config-false',
      title: '"enable_telemetry": false in ~/.hasura/config.json',
      description: 'the documented config file setting: the CLI and the console it serves stay silent',
      files: [config(false)],
      expect: 'suppress',
      probes: [consoleProbe('CLI', false)],
      browser: consoleInBrowser('CLI', false),
    },
  ],
};
