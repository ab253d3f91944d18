/**
 * Node built-ins that most runs never use, loaded on first use instead of at start: each costs
 * a few milliseconds to load (child_process brings net and dgram with it), and a one-request
 * audit starts in a few hundred (cold start, issue 14/15). Synchronous, like the static import
 * each one replaces.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** Content-Encoding bodies only. */
export const zlib = (): typeof import('node:zlib') => load('node:zlib') as typeof import('node:zlib');
/** The audit pool, when it starts workers. */
export const workerThreads = (): typeof import('node:worker_threads') => load('node:worker_threads') as typeof import('node:worker_threads');
/** Starting processes (git, when only git can answer). */
export const childProcess = (): typeof import('node:child_process') => load('node:child_process') as typeof import('node:child_process');
/** A terminal opened for keys. */
export const tty = (): typeof import('node:tty') => load('node:tty') as typeof import('node:tty');
