/**
 * The command table. Modules are imported only when their command runs, so `audit` in CI
 * never parses the TUI (React, Ink) or the proxy.
 */
import type { CommandGroup, CommandSpec } from '../command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CommandSpec | CommandGroup>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'audit', summary: 'audit captured telemetry against a policy (CI exit codes)', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'shape', summary: 'record the payload shape of captures, for audit --shape-baseline', load: async () => (await import('./shape.js')).shapeCommand },
  { name: 'diff', summary: 'compare the telemetry of two capture sets: fields and findings that changed', load: async () => (await import('./diff.js')).diffCommand },
  { name: 'policy', summary: 'policy files: schema, show, check, infer a draft from captures', load: async () => (await import('./policy.js')).policyCommands },
  { name: 'pack', summary: 'opt-out pack files: schema, show, check', load: async () => (await import('./pack.js')).packCommands },
  { name: 'preview', summary: 'show and audit the server telemetry Hasura would send for a metadata dir', load: async () => (await import('./preview.js')).previewCommand },
  { name: 'inspect', summary: 'inspect captures in a terminal UI, field by field (text report when not a terminal)', load: async () => (await import('./inspect.js')).inspectCommand },
  { name: 'run', summary: 'run a command with interception and audit what it sends, live (dry-run)', load: async () => (await import('./run.js')).runCommand },
  { name: 'browse', summary: 'load a page in headless Chromium behind the interceptor and audit what it sends (dry-run)', load: async () => (await import('./browse.js')).browseCommand },
  { name: 'optout', summary: 'verify every opt-out of a pack against a program, beside a control that must send', load: async () => (await import('./optout.js')).optoutCommand },
  { name: 'init', summary: 'write a commented starter configuration file for this project', load: async () => (await import('./init.js')).initCommand },
  { name: 'serve', summary: 'run the intercepting proxy alone; audit what arrives when stopped', load: async () => (await import('./serve.js')).serveCommand },
];
