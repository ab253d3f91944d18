/**
 * Child process for the audit-throughput bench. Modes:
 *   floor  read the lines and JSON.parse each (the least any reader must do)
 *   audit  the audit command's pipeline: read, audit every request, summarise, JSON report; with
 *          the detection the command runs by default (pattern detectors, and the leak scanner
 *          with this machine's identity terms and decode layers)
 */
import { createReadStream } from 'node:fs';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { splitLines } from '../../src/capture/line-splitter.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { SummaryBuilder } from '../../src/engine/summary.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { LeakScanner } from '../../src/terms/leak-scanner.js';
import { collectLocalIdentity, systemProbe } from '../../src/terms/local-identity.js';
import { TERM_RULE_DOCS } from '../../src/terms/sensitive-term.js';
import { jsonReporter } from '../../src/report/json-report.js';
import { endPieces } from '../../src/report/reporter.js';
import { PLAIN } from '../../src/report/style.js';
import { reportMeasurement } from '../measure.js';

const [mode, file] = process.argv.slice(2);
if (!file || (mode !== 'floor' && mode !== 'audit')) throw new Error('usage: audit-corpus floor|audit FILE');

const started = performance.now();
let count = 0;
let sink = 0;
if (mode === 'floor') {
  for await (const line of splitLines(createReadStream(file, { highWaterMark: 256 * 1024 }))) {
    const v = JSON.parse(line.bytes.toString('utf8')) as { body: string };
    sink += v.body.length;
    count++;
  }
} else {
  const policy = compilePolicy(hasuraPolicy, [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS]);
  const identity = await collectLocalIdentity(systemProbe(process.cwd(), process.env));
  const scanners = [new LeakScanner({ terms: identity.terms, detectors: DEFAULT_DETECTORS })];
  const summary = new SummaryBuilder();
  const reporter = jsonReporter({ toolVersion: 'bench', policy: hasuraPolicy, inputs: [file], showEvidence: false, quiet: false, style: PLAIN });
  sink += reporter.begin().length;
  for await (const request of readInputs(await resolveInputs([file]))) {
    const result = auditRequest(request, policy, { detectors: DEFAULT_DETECTORS, scanners });
    summary.add(result);
    // Build the report text as the CLI would, but do not write it: the bench is not about the disk.
    sink += reporter.result(result).length;
    count++;
  }
  const s = summary.build();
  for (const piece of endPieces(reporter.end(s, 1))) sink += piece.length;
  if (s.audited !== count || s.errors === 0) throw new Error(`audit saw ${s.audited} of ${count}, ${s.errors} errors`);
}
reportMeasurement(performance.now() - started, { requests: count, sink });
