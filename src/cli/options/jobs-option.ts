/** --jobs: how many threads audit (default: every core the process may use). */
import os from 'node:os';
import type { OptionSpec, ParsedArgs } from '../command.js';
import { intOpt } from '../parse-args.js';

export const JOBS_OPTION: OptionSpec = {
  name: 'jobs',
  type: 'string',
  value: 'N',
  description: 'audit on N threads (default: all cores); reports are identical whatever N is',
};

export function jobsOpt(args: ParsedArgs): number {
  return intOpt(args, 'jobs', 1) ?? os.availableParallelism();
}
