/** Dispatch argv to a command and map every error to an exit code: the one place that does. */
import type { CliIO, CommandGroup, CommandSpec } from './command.js';
import { writeOut } from './command.js';
import { COMMANDS } from './commands/index.js';
import { applyConfig } from './config-file.js';
import { closest } from '../config/config-problems.js';
import { CliError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { formatHelp, parseCommandArgs } from './parse-args.js';
import { InputError } from '../capture/read-inputs.js';
import { TOOL_VERSION } from './version.js';
import { escapeControlsKeepLines } from '../report/control-chars.js';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: telemetry-audit <command> [options]',
    '',
    'Prove or disprove what software promises about its telemetry.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run "telemetry-audit <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

function groupHelp(group: CommandGroup): string {
  const width = Math.max(...group.subcommands.map((c) => c.name.length)) + 2;
  return [
    `Usage: telemetry-audit ${group.name} <subcommand> [options]`,
    '',
    group.summary,
    ...(group.description ? ['', group.description] : []),
    '',
    'Subcommands:',
    ...group.subcommands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    `Run "telemetry-audit ${group.name} <subcommand> --help" for its options.`,
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await writeOut(io.stdout, mainHelp());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    await writeOut(io.stdout, `${TOOL_VERSION}\n`);
    return EXIT.OK;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const hint = closest(name, COMMANDS.map((c) => c.name));
    await writeOut(io.stderr, `telemetry-audit: unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}\n\n${mainHelp()}`);
    return EXIT.USAGE;
  }
  const loaded = await entry.load();
  let spec: CommandSpec;
  let commandArgs = rest;
  if ('subcommands' in loaded) {
    const [sub, ...subRest] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      await writeOut(sub === undefined ? io.stderr : io.stdout, groupHelp(loaded));
      return sub === undefined ? EXIT.USAGE : EXIT.OK;
    }
    const found = loaded.subcommands.find((c) => c.name === `${loaded.name} ${sub}`);
    if (!found) {
      const hint = closest(sub, loaded.subcommands.map((c) => c.name.slice(loaded.name.length + 1)));
      await writeOut(io.stderr, `telemetry-audit ${loaded.name}: unknown subcommand "${sub}"${hint ? ` (did you mean "${hint}"?)` : ''}\n\n${groupHelp(loaded)}`);
      return EXIT.USAGE;
    }
    spec = found;
    commandArgs = subRest;
  } else {
    spec = loaded;
  }
  try {
    let args = parseCommandArgs(spec, commandArgs);
    if (args.values.help === true) {
      await writeOut(io.stdout, formatHelp(spec));
      return EXIT.OK;
    }
    if (spec.options.some((o) => o.name === 'config')) args = (await applyConfig(spec, args, io)).args;
    return await spec.run(args, io);
  } catch (err) {
    // Reports the command had opened are finished (saying it failed), never left partial.
    await (await import('./report-outputs.js')).finishOpenReports(err instanceof Error ? err.message.split('\n')[0]! : String(err));
    if (err instanceof UsageError) {
      await writeOut(io.stderr, `telemetry-audit ${spec.name}: ${escapeControlsKeepLines(err.message)}\nRun "telemetry-audit ${spec.name} --help" for usage.\n`);
      return err.exitCode;
    }
    if (err instanceof CliError || err instanceof InputError) {
      // Messages name files and values from the input: escaped like every other text sink.
      await writeOut(io.stderr, `telemetry-audit ${spec.name}: ${escapeControlsKeepLines(err.message)}\n`);
      return EXIT.USAGE;
    }
    await writeOut(io.stderr, `telemetry-audit ${spec.name}: internal error: ${escapeControlsKeepLines((err as Error)?.stack ?? String(err))}\n`);
    return EXIT.USAGE;
  }
}
