/** Dispatch argv to a command and map every error to an exit code: the one place that does. */
import type { CliIO } from './command.js';
import { writeOut } from './command.js';
import { COMMANDS } from './commands/index.js';
import { CliError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { formatHelp, parseCommandArgs } from './parse-args.js';
import { InputError } from '../capture/read-inputs.js';
import { TOOL_VERSION } from './version.js';

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
    await writeOut(io.stderr, `telemetry-audit: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT.USAGE;
  }
  const spec = await entry.load();
  try {
    const args = parseCommandArgs(spec, rest);
    if (args.values.help === true) {
      await writeOut(io.stdout, formatHelp(spec));
      return EXIT.OK;
    }
    return await spec.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      await writeOut(io.stderr, `telemetry-audit ${spec.name}: ${err.message}\nRun "telemetry-audit ${spec.name} --help" for usage.\n`);
      return err.exitCode;
    }
    if (err instanceof CliError || err instanceof InputError) {
      await writeOut(io.stderr, `telemetry-audit ${spec.name}: ${err.message}\n`);
      return EXIT.USAGE;
    }
    await writeOut(io.stderr, `telemetry-audit ${spec.name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.USAGE;
  }
}
