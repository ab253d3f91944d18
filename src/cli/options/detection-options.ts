/**
 * What the detectors look for beyond the policy's schema: pattern detectors always, and
 * sensitive terms from the user (--canary, --canaries), a Hasura metadata directory (--metadata)
 * and the local identity (unless --no-local-identity), searched in every encoding by one
 * LeakScanner that every auditing command shares.
 */
import path from 'node:path';
import type { TextScanner } from '../../detectors/text-scanner.js';
import type { Detector } from '../../detectors/detector.js';
import { DEFAULT_DETECTORS } from '../../detectors/default-detectors.js';
import type { RuleDoc } from '../../policy/policy-schema.js';
import { readCanaryFile } from '../../terms/canary-file.js';
import { LeakScanner } from '../../terms/leak-scanner.js';
import { collectLocalIdentity, programNamesOf, systemProbe, type IdentityProbe } from '../../terms/local-identity.js';
import { TERM_RULE_DOCS, type SensitiveTerm } from '../../terms/sensitive-term.js';
import { MIN_TERM_LENGTH, termProblem } from '../../terms/term-check.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { boolOpt, stringOpt, stringsOpt } from '../parse-args.js';

export const DETECTION_OPTIONS: OptionSpec[] = [
  {
    name: 'canary',
    type: 'string',
    multiple: true,
    value: 'VALUE',
    description: `a sensitive value planted to see whether it leaks, found raw, encoded, escaped or hashed (at least ${MIN_TERM_LENGTH} characters, not a common word)`,
  },
  { name: 'canaries', type: 'string', value: 'FILE', description: 'read canary values from FILE, one a line ("#" starts a comment)' },
  {
    name: 'metadata',
    type: 'string',
    value: 'DIR',
    description: 'a Hasura metadata directory (v3 layout): every name in it (sources, tables, columns, roles, triggers, actions, URLs, ...) becomes a sensitive term',
  },
  {
    name: 'no-local-identity',
    type: 'boolean',
    description: "do not look for this machine's identity (host and user name, home and current directory, MAC and IP addresses, git e-mail, name and remote)",
  },
];

export interface DetectionSetup {
  detectors: readonly Detector[];
  scanners: readonly TextScanner[];
  /** Documentation of every rule the detectors and scanners can report. */
  rules: RuleDoc[];
  /** Lines for the report header (never the sensitive values themselves). */
  notes: string[];
  /** Every sensitive term searched for: with detectionScanners, all a worker thread needs to scan alike. */
  terms: SensitiveTerm[];
}

/** The scanners for a list of sensitive terms: the same in the main thread and in every audit worker. */
export function detectionScanners(terms: readonly SensitiveTerm[]): TextScanner[] {
  return [new LeakScanner({ terms: [...terms], detectors: DEFAULT_DETECTORS })];
}

export function detectorRules(detectors: readonly Detector[]): RuleDoc[] {
  return detectors.map((d) => ({ id: d.id, severity: d.severity, title: d.title, description: d.description, leak: true }));
}

export interface DetectionDeps {
  /** Replaces the machine probe (tests). */
  probe?: IdentityProbe;
  /**
   * Identity the target is given in place of the user's own (optout's scenario HOME and working
   * directories): a tool that sends or hashes its directory would send the user's there.
   */
  standIns?: { terms: SensitiveTerm[]; note: string };
}

export async function setupDetection(args: ParsedArgs, io: CliIO, deps: DetectionDeps = {}): Promise<DetectionSetup> {
  const notes: string[] = [];
  const reveal = boolOpt(args, 'show-evidence');
  const terms: SensitiveTerm[] = [];

  for (const value of stringsOpt(args, 'canary')) {
    const problem = termProblem(value);
    if (problem) throw new UsageError(`--canary "${value}" cannot be a sensitive term: it is ${problem}`);
    terms.push({ value: value.trim(), kind: 'canary' });
  }
  const canaryFile = stringOpt(args, 'canaries');
  if (canaryFile !== undefined) {
    let lines: Array<{ value: string; line: number }>;
    try {
      lines = await readCanaryFile(path.resolve(io.cwd, canaryFile));
    } catch (err) {
      throw new UsageError(`--canaries ${canaryFile}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    for (const { value, line } of lines) {
      const problem = termProblem(value);
      if (problem) throw new UsageError(`--canaries ${canaryFile} line ${line}: "${value}" cannot be a sensitive term: it is ${problem}`);
      terms.push({ value, kind: 'canary' });
    }
    if (lines.length === 0) throw new UsageError(`--canaries ${canaryFile}: the file lists no canary`);
  }
  const canaryCount = terms.length;
  if (canaryCount > 0) notes.push(`canaries: ${canaryCount} planted value${canaryCount === 1 ? '' : 's'} searched in every encoding`);

  const metadataDir = stringOpt(args, 'metadata');
  if (metadataDir !== undefined) {
    // Loaded only when asked for: the metadata reader brings a YAML parser and fast-glob.
    const { MetadataError, readHasuraMetadata } = await import('../../hasura-metadata/read-metadata.js');
    const { metadataTerms } = await import('../../hasura-metadata/metadata-terms.js');
    let md;
    try {
      md = await readHasuraMetadata(path.resolve(io.cwd, metadataDir));
    } catch (err) {
      if (err instanceof MetadataError) throw new ConfigError(`--metadata ${metadataDir}: ${err.message}`);
      throw err;
    }
    const { terms: names, skipped } = metadataTerms(md);
    terms.push(...names);
    const kinds = [...new Set(names.map((t) => t.kind.slice('metadata:'.length)))].sort();
    notes.push(`metadata ${metadataDir}: ${names.length} names from ${md.files.length} files (${kinds.join(', ')})`);
    if (skipped.length > 0) {
      const detail = reveal ? `: ${skipped.map((t) => `${t.kind.slice(9)} "${t.value}"`).join(', ')}` : '';
      notes.push(`metadata: ${skipped.length} names too short or too common to search for${detail}`);
    }
  }

  if (!boolOpt(args, 'no-local-identity')) {
    const identity = await collectLocalIdentity(deps.probe ?? systemProbe(io.cwd, io.env), { programNames: programNamesOf(args.rest) });
    terms.push(...identity.terms);
    const checked = identity.checked.map((k) => {
      if (!reveal) return k;
      const values = identity.terms.filter((t) => t.kind === `identity:${k}`).map((t) => JSON.stringify(t.value));
      return `${k} ${values.join(' ')}`;
    });
    notes.push(`local identity checked: ${checked.length > 0 ? checked.join(', ') : 'none usable'}`);
    if (identity.dropped.length > 0) notes.push(`local identity not searched (too short, common, shared by every machine or the target's own name): ${identity.dropped.join(', ')}`);
    if (deps.standIns && deps.standIns.terms.length > 0) {
      terms.push(...deps.standIns.terms);
      notes.push(deps.standIns.note);
    }
  } else {
    notes.push('local identity: not checked (--no-local-identity)');
  }

  return {
    detectors: DEFAULT_DETECTORS,
    scanners: detectionScanners(terms),
    rules: [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS],
    notes,
    terms,
  };
}
