/**
 * Preloaded with `node --import` in tests: records every module URL the process resolves to
 * the file named by TA_LOAD_LOG, so a test can prove what a command did (not) load. ES modules
 * are seen by a resolve hook; CommonJS ones (a `createRequire`d package such as yaml) by a
 * wrapper of the CommonJS resolver, which the ESM hook does not see on Node 20.
 */
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const log = process.env.TA_LOAD_LOG;
if (!log) throw new Error('TA_LOAD_LOG is not set');
register('./record-loads-hooks.js', import.meta.url, { data: { log } });

const cjs = Module as unknown as { _resolveFilename: (...args: unknown[]) => string };
const resolveFilename = cjs._resolveFilename;
cjs._resolveFilename = function (this: unknown, ...args: unknown[]): string {
  const file = resolveFilename.apply(this, args);
  if (path.isAbsolute(file)) appendFileSync(log, pathToFileURL(file).href + '\n');
  return file;
};
