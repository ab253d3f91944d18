/** A throwaway project that audits the Skyforge fixture tool: its policy, a clean and a leaky capture. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES } from './paths.js';

const SKYFORGE = path.join(FIXTURES, 'generic-tool');

/** A project with the Skyforge policy, one clean and one leaky capture, and `config` as its config file. */
export function skyforgeProject(config: { name: string; text: string } | null): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-config-'));
  mkdirSync(path.join(dir, 'captures'));
  mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  copyFileSync(path.join(SKYFORGE, 'skyforge.policy.yaml'), path.join(dir, 'skyforge.policy.yaml'));
  copyFileSync(path.join(SKYFORGE, 'captures', 'events.ndjson'), path.join(dir, 'captures', 'events.ndjson'));
  copyFileSync(path.join(SKYFORGE, 'leaky', 'command-args.ndjson'), path.join(dir, 'captures', 'command-args.ndjson'));
  if (config) writeFileSync(path.join(dir, config.name), config.text);
  return dir;
}
