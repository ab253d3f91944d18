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
  { name: 'inspect', summary: 'inspect captures in a terminal UI, field by field (text report when not a terminal)', load: async () => (await import('./inspect.js')).inspectCommand },
];
