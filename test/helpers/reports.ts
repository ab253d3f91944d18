/** Helpers for report tests: the tool version normalised out of goldens, and the SARIF validator. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './paths.js';

const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The tool version changes with every release, JUnit times with every run; goldens hold `<version>` and `<time>` instead. */
export function normaliseVersion(text: string): string {
  return text
    .replace(/ time="\d+\.\d{3}"/g, ' time="<time>"')
    .split(`telemetry-audit ${VERSION}`)
    .join('telemetry-audit <version>')
    .split(`"name":"telemetry-audit","version":"${VERSION}"`)
    .join('"name":"telemetry-audit","version":"<version>"')
    .split(`"semanticVersion": "${VERSION}"`)
    .join('"semanticVersion": "<version>"');
}

let sarifValidator: ValidateFunction | undefined;

/** Ajv on the published OASIS schema (draft-04 `id` read as `$id`; nothing else changed). */
export function validateSarif(doc: unknown): { valid: boolean; errors: string } {
  if (!sarifValidator) {
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    const { $schema: _draft04, id, ...rest } = schema;
    const ajv = new Ajv({ allErrors: true });
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    sarifValidator = ajv.compile({ ...rest, $id: id as string });
  }
  const valid = sarifValidator(doc) === true;
  return { valid, errors: valid ? '' : JSON.stringify(sarifValidator.errors, null, 2) };
}
