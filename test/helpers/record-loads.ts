/**
 * Preloaded with `node --import` in tests: records every module URL the process resolves to
 * the file named by TA_LOAD_LOG, so a test can prove what a command did (not) load.
 */
import { register } from 'node:module';

const log = process.env.TA_LOAD_LOG;
if (!log) throw new Error('TA_LOAD_LOG is not set');
register('./record-loads-hooks.js', import.meta.url, { data: { log } });
