/**
 * Golden files: compare output with test/golden/NAME, or (UPDATE_GOLDEN=1) rewrite the file.
 * Goldens live in the source tree, not dist, so a review sees every change to a report.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

export const GOLDEN_DIR = path.join(REPO_ROOT, 'test', 'golden');

export function assertGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${path.relative(REPO_ROOT, file)} is missing: run UPDATE_GOLDEN=1 npm test`);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from ${path.relative(REPO_ROOT, file)} (UPDATE_GOLDEN=1 npm test rewrites it after review)`);
}
