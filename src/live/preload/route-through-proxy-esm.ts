/**
 * ESM preload (`--import`, via NODE_OPTIONS). The CommonJS preload does the routing and runs
 * first; this one makes sure it is in place even where `--require` was dropped, and re-syncs
 * the builtins' ESM named exports after any other `--import` hook that read them early.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

createRequire(import.meta.url)('./route-through-proxy.cjs');
syncBuiltinESMExports();
