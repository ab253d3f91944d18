/** Built-in opt-out packs by name (the `optout --pack NAME` runner and `pack show` use them). */
import type { Pack } from '../pack-schema.js';
import { CLIENT_PACKS } from './clients/index.js';
import { hasuraCliConsolePack } from './hasura-cli-console.js';
import { hasuraCliPack } from './hasura-cli.js';
import { hasuraServerPack } from './hasura-server.js';

export const BUILTIN_PACKS: Record<string, Pack> = {
  'hasura-server': hasuraServerPack,
  'hasura-cli': hasuraCliPack,
  'hasura-cli-console': hasuraCliConsolePack,
  ...CLIENT_PACKS,
};
