import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from the compiled test file (dist/test/...). */
export const REPO_ROOT: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
})();

export const CLI = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
/** The package's bin: dist/src bundled (scripts/bundle-cli.js), what users run. */
export const BIN = path.join(REPO_ROOT, 'dist', 'pkg', 'cli', 'main.js');
export const FIXTURES = path.join(REPO_ROOT, 'fixtures');
