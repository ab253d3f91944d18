import { readFileSync } from 'node:fs';

const pkg: { version?: string; homepage?: string } = (() => {
  try {
    return JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string; homepage?: string };
  } catch {
    return {};
  }
})();

/** The package version, read once from package.json next to the build output. */
export const TOOL_VERSION: string = pkg.version ?? '0.0.0';

/** Where to read about the tool (package.json "homepage"), when it names one. */
export const TOOL_HOMEPAGE: string | undefined = pkg.homepage;
