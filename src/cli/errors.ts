/** The small error hierarchy commands throw; the CLI maps each to an exit code in one place. */
import { EXIT, type ExitCode } from './exit-codes.js';

export class CliError extends Error {
  readonly exitCode: ExitCode = EXIT.USAGE;
}

/** Wrong flags, arguments or combinations. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A policy, pack or configuration file that cannot be used. */
export class ConfigError extends CliError {
  override name = 'ConfigError';
}
