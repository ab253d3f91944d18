/**
 * Load an opt-out pack by built-in name or from a JSON/YAML file. Every problem becomes a
 * ConfigError in the same form as policy errors: `file:line:col: path.in.pack: what is wrong`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../cli/errors.js';
import type { ConfigDocument } from '../config/config-document.js';
import { formatProblems, invalidDocumentMessage, jsonSchemaKeys, problemsFromZod } from '../config/config-problems.js';
import { parseValidatedDocument } from '../config/validated-document.js';
import { checkPack } from './check-pack.js';
import { packJsonSchema } from './pack-json-schema.js';
import { PackSchema, type Pack } from './pack-schema.js';
import { BUILTIN_PACKS } from './packs/index.js';

export interface LoadedPack {
  pack: Pack;
  /** `built-in:NAME` or the file as the user named it. */
  origin: string;
  /** Directory relative references in the pack (its policy file) resolve against. */
  baseDir: string;
  doc?: ConfigDocument;
}

let knownKeys: Set<string> | undefined;

/** Parse, validate and check pack text; `file` names it in messages. */
export function parsePackDocument(text: string, file: string): { pack: Pack; doc: ConfigDocument } {
  const keys = () => (knownKeys ??= jsonSchemaKeys(packJsonSchema()));
  const { value, doc } = parseValidatedDocument(text, file, 'opt-out pack', PackSchema, keys, checkPack);
  return { pack: value, doc };
}

/** Check a built-in pack the same way a file is checked (a broken built-in is a bug, said plainly). */
export function checkBuiltinPack(name: string, pack: Pack): Pack {
  const parsed = PackSchema.safeParse(pack);
  const problems = parsed.success ? checkPack(parsed.data) : problemsFromZod(parsed.error.issues);
  if (problems.length > 0) throw new ConfigError(invalidDocumentMessage(`built-in:${name}`, 'opt-out pack', formatProblems(`built-in:${name}`, null, problems)));
  return pack;
}

export async function loadPack(nameOrFile: string, cwd = process.cwd()): Promise<LoadedPack> {
  const builtin = BUILTIN_PACKS[nameOrFile];
  if (builtin) return { pack: checkBuiltinPack(nameOrFile, builtin), origin: `built-in:${nameOrFile}`, baseDir: cwd };
  if (!/[/\\.]/.test(nameOrFile)) {
    throw new ConfigError(`unknown opt-out pack "${nameOrFile}": built-in packs are ${Object.keys(BUILTIN_PACKS).join(', ')}; or give a .json/.yaml file`);
  }
  const file = path.resolve(cwd, nameOrFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${nameOrFile}: cannot read opt-out pack (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { pack, doc } = parsePackDocument(text, nameOrFile);
  return { pack, origin: nameOrFile, baseDir: path.dirname(file), doc };
}

/** The policy a pack names, as `--policy` takes it: a built-in name, or a file resolved against the pack. */
export function packPolicyRef(loaded: LoadedPack): string | undefined {
  const ref = loaded.pack.policy;
  if (ref === undefined) return undefined;
  return /[/\\.]/.test(ref) ? path.resolve(loaded.baseDir, ref) : ref;
}
