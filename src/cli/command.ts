/** What a command is: its options (the help is generated from them) and its run function. */

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface OptionSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Placeholder shown in help, e.g. FILE. */
  value?: string;
  description: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  /** Everything after `--` (the command to run), when the command takes one. */
  rest: string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  options: OptionSpec[];
  /** Whether arguments after `--` are the command to run. */
  takesCommand?: boolean;
  examples?: string[];
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** A command made of subcommands (`policy show`, `policy check`): each is a full CommandSpec. */
export interface CommandGroup {
  name: string;
  summary: string;
  description?: string;
  subcommands: CommandSpec[];
}

/** Write with backpressure: a large report must not buffer whole in memory. */
export function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> | void {
  if (text === '') return;
  if (stream.write(text)) return;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}
