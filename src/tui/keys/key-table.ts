/**
 * The one table of key bindings: it dispatches the keys and it is the `?` help, so the help
 * can never list a key that does nothing or miss one that does something.
 */

export type Command =
  | 'down'
  | 'up'
  | 'page-down'
  | 'page-up'
  | 'first'
  | 'last'
  | 'tab-next'
  | 'tab-prev'
  | 'tab-1'
  | 'tab-2'
  | 'tab-3'
  | 'tab-4'
  | 'tab-5'
  | 'detail-down'
  | 'detail-up'
  | 'detail-page-down'
  | 'detail-page-up'
  | 'filter'
  | 'violations'
  | 'back'
  | 'reveal'
  | 'save'
  | 'report'
  | 'help'
  | 'quit';

export interface KeyBinding {
  /** Key names as produced by keyNames(). */
  keys: string[];
  /** How the keys are written in the help. */
  label: string;
  command: Command;
  description: string;
  section: 'Move' | 'Detail' | 'Find' | 'Save' | 'Session';
}

export const KEY_TABLE: readonly KeyBinding[] = [
  { keys: ['down', 'j'], label: '↓ j', command: 'down', description: 'next request', section: 'Move' },
  { keys: ['up', 'k'], label: '↑ k', command: 'up', description: 'previous request', section: 'Move' },
  { keys: ['pagedown', 'ctrl-f'], label: 'PgDn', command: 'page-down', description: 'a page of requests down', section: 'Move' },
  { keys: ['pageup', 'ctrl-b'], label: 'PgUp', command: 'page-up', description: 'a page of requests up', section: 'Move' },
  { keys: ['home', 'g'], label: 'Home g', command: 'first', description: 'first request', section: 'Move' },
  { keys: ['end', 'G'], label: 'End G', command: 'last', description: 'last request', section: 'Move' },
  { keys: ['tab', 'right'], label: 'Tab →', command: 'tab-next', description: 'next detail tab', section: 'Detail' },
  { keys: ['shift-tab', 'left'], label: 'S-Tab ←', command: 'tab-prev', description: 'previous detail tab', section: 'Detail' },
  { keys: ['1'], label: '1', command: 'tab-1', description: 'Payload: the JSON tree, each field coloured by verdict', section: 'Detail' },
  { keys: ['2'], label: '2', command: 'tab-2', description: 'Findings: rule, severity, location, evidence', section: 'Detail' },
  { keys: ['3'], label: '3', command: 'tab-3', description: 'Diff: against the documented sample and the previous payload', section: 'Detail' },
  { keys: ['4'], label: '4', command: 'tab-4', description: 'Raw: method, URL, headers and body as sent', section: 'Detail' },
  { keys: ['5'], label: '5', command: 'tab-5', description: 'Opt-out matrix (when an opt-out run is shown)', section: 'Detail' },
  { keys: ['J'], label: 'J', command: 'detail-down', description: 'scroll the detail down a line', section: 'Detail' },
  { keys: ['K'], label: 'K', command: 'detail-up', description: 'scroll the detail up a line', section: 'Detail' },
  { keys: ['space', 'ctrl-d'], label: 'Space', command: 'detail-page-down', description: 'scroll the detail down a page', section: 'Detail' },
  { keys: ['b', 'ctrl-u'], label: 'b', command: 'detail-page-up', description: 'scroll the detail up a page', section: 'Detail' },
  { keys: ['/'], label: '/', command: 'filter', description: 'filter: kind:K verdict:fail,warn rule:R body:TEXT, or text; -TERM negates', section: 'Find' },
  { keys: ['v'], label: 'v', command: 'violations', description: 'show violations (failing requests) only, or everything again', section: 'Find' },
  { keys: ['escape'], label: 'Esc', command: 'back', description: 'close the help, or clear the filter', section: 'Find' },
  { keys: ['e'], label: 'e', command: 'reveal', description: 'reveal or redact finding evidence', section: 'Detail' },
  { keys: ['s'], label: 's', command: 'save', description: 'save the listed requests as an NDJSON capture', section: 'Save' },
  { keys: ['r'], label: 'r', command: 'report', description: 'write a JSON report of the listed requests', section: 'Save' },
  { keys: ['?'], label: '?', command: 'help', description: 'this help', section: 'Session' },
  { keys: ['q', 'ctrl-c'], label: 'q', command: 'quit', description: "quit, with the audit's exit code", section: 'Session' },
];

const BY_KEY = new Map<string, Command>();
for (const b of KEY_TABLE) {
  for (const k of b.keys) {
    if (BY_KEY.has(k)) throw new Error(`key ${k} is bound twice`);
    BY_KEY.set(k, b.command);
  }
}

export function commandFor(keyName: string): Command | undefined {
  return BY_KEY.get(keyName);
}

/** The short hint line: the keys a newcomer needs first. */
export const HINT_COMMANDS: readonly Command[] = ['down', 'tab-next', 'filter', 'violations', 'save', 'report', 'help', 'quit'];
