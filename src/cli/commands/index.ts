/**
 * The command table. Modules are imported only when their command runs, so `audit` in CI
 * never parses the TUI (React, Ink) or the proxy.
 */
import type { CommandSpec } from '../command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CommandSpec>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'audit', summary: 'audit captured telemetry against a policy (CI exit codes)', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'run', summary: 'run a command with interception and audit what it sends, live (dry-run)', load: async () => (await import('./run.js')).runCommand },
  { name: 'serve', summary: 'run the intercepting proxy alone; audit what arrives when stopped', load: async () => (await import('./serve.js')).serveCommand },
];
