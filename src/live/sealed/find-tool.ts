/** Where the system tools a sealed run needs are (python3, nft, ip, setpriv, unshare). */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const SEARCH = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** An executable `name`, system directories first, then PATH; null if there is none. */
export function findTool(name: string, env: NodeJS.ProcessEnv): string | null {
  // System directories first: a python3 shim in PATH (pyenv) costs a shell start per scenario.
  for (const dir of [...SEARCH, ...(env.PATH ?? '').split(path.delimiter)]) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return null;
}
