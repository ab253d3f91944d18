/**
 * Child process for the term-scaling bench: audit the corpus with N sensitive terms (plus the
 * pattern detectors and decode layers, as the CLI runs them) and report the time. The
 * automaton is built once, before the clock for the audit starts; its build time is reported
 * on its own.
 */
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { LeakScanner } from '../../src/terms/leak-scanner.js';
import { TERM_RULE_DOCS, type SensitiveTerm } from '../../src/terms/sensitive-term.js';
import { reportMeasurement } from '../measure.js';

const [countArg, file] = process.argv.slice(2);
const count = Number(countArg);
if (!file || !Number.isInteger(count) || count < 1) throw new Error('usage: term-scaling N FILE');

const WORDS = ['loyalty', 'points', 'ledger', 'invoice', 'shipment', 'warehouse', 'tenant', 'payroll', 'audit', 'billing', 'coupon', 'voucher', 'refund', 'catalog', 'supplier', 'region', 'quota', 'campaign', 'segment', 'cohort'];

/** Names like a real schema's: two words and a number, deterministic per index. */
export function benchTerm(i: number): SensitiveTerm {
  const a = WORDS[i % WORDS.length]!;
  const b = WORDS[Math.floor(i / WORDS.length) % WORDS.length]!;
  return { value: `${a}_${b}_${i}`, kind: i % 3 === 0 ? 'metadata:table' : i % 3 === 1 ? 'metadata:column' : 'canary' };
}

const terms = Array.from({ length: count }, (_, i) => benchTerm(i));
const built = performance.now();
const scanner = new LeakScanner({ terms, detectors: DEFAULT_DETECTORS });
const buildMs = performance.now() - built;
const policy = compilePolicy(hasuraPolicy, [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS]);

const started = performance.now();
let requests = 0;
let findings = 0;
for await (const request of readInputs(await resolveInputs([file]))) {
  findings += auditRequest(request, policy, { detectors: DEFAULT_DETECTORS, scanners: [scanner] }).findings.length;
  requests++;
}
reportMeasurement(performance.now() - started, { requests, findings, buildMs, patterns: scanner.patternCount });
