/** Strict argument parsing on node:util parseArgs: an unknown flag is a usage error, never ignored. */
import { parseArgs } from 'node:util';
import type { CommandSpec, ParsedArgs } from './command.js';
import { UsageError } from './errors.js';
import { closest } from '../config/config-problems.js';

export const COMMON_OPTIONS = [{ name: 'help', short: 'h', type: 'boolean', description: 'show this help' }] as const;

export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  let own = argv;
  let rest: string[] = [];
  const dd = argv.indexOf('--');
  if (dd !== -1) {
    if (!spec.takesCommand) throw new UsageError(`"${spec.name}" does not run a command; remove "--"`, spec.name);
    own = argv.slice(0, dd);
    rest = argv.slice(dd + 1);
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of [...spec.options, ...COMMON_OPTIONS]) {
    options[o.name] = { type: o.type, ...('short' in o && o.short ? { short: o.short } : {}), ...('multiple' in o && o.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: own, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals, rest };
  } catch (err) {
    let message = (err as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    const unknown = /^Unknown option '--([^'=]+)'/.exec(message);
    const hint = unknown ? closest(unknown[1]!, Object.keys(options)) : undefined;
    if (hint) message += ` (did you mean --${hint}?)`;
    throw new UsageError(message, spec.name);
  }
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringsOpt(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

export function boolOpt(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function intOpt(args: ParsedArgs, name: string, min = 0): number | undefined {
  const v = stringOpt(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} needs an integer >= ${min}, got "${v}"`);
  return Number(v);
}

/** A number of seconds > 0 (fractions allowed), or undefined when the option is absent. */
export function secondsOpt(args: ParsedArgs, name: string): number | undefined {
  const v = stringOpt(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--${name} needs a number of seconds > 0, got "${v}"`);
  return Number(v);
}

export function choiceOpt<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const v = stringOpt(args, name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got "${v}"`);
  return v as T;
}

export function formatHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'Options:');
  const all = [...spec.options, ...COMMON_OPTIONS];
  const labels = all.map((o) => `${'short' in o && o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'string' ? ` ${('value' in o && o.value) || 'VALUE'}` : ''}`);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  all.forEach((o, i) => {
    const repeat = 'multiple' in o && o.multiple ? ' (repeatable)' : '';
    lines.push(`  ${labels[i]!.padEnd(width)}${o.description}${repeat}`);
  });
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}
