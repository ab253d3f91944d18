/** Module resolution hooks for record-loads: append each resolved URL to the log, one a line. */
import { appendFileSync } from 'node:fs';

let log = '';

export function initialize(data: { log: string }): void {
  log = data.log;
}

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<{ url: string }> {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\n');
  return result;
}
