/**
 * Every report format, by name, in one table. Streaming formats write as results arrive and
 * keep memory flat on huge captures (Markdown, which renders at the end, keeps only its capped
 * tables); JUnit needs the finished run (suites carry counts before their cases), so the run
 * collects slim, redacted results for it.
 */
import { jsonReporter } from './json-report.js';
import { junitReporter } from './junit-report.js';
import { markdownReporter } from './markdown-report.js';
import type { ReportContext, StreamReporter, WholeReporter } from './reporter.js';
import { sarifReporter } from './sarif-report.js';
import { textReporter } from './text-report.js';

export type ReporterEntry =
  | { streaming: true; create: (ctx: ReportContext) => StreamReporter; extensions: readonly string[] }
  | { streaming: false; render: WholeReporter; extensions: readonly string[] };

export const REPORTERS = {
  text: { streaming: true, create: textReporter, extensions: ['.txt', '.log'] },
  json: { streaming: true, create: jsonReporter, extensions: ['.json'] },
  junit: { streaming: true, create: junitReporter, extensions: ['.xml', '.junit.xml'] },
  sarif: { streaming: true, create: sarifReporter, extensions: ['.sarif', '.sarif.json'] },
  markdown: { streaming: true, create: markdownReporter, extensions: ['.md', '.markdown'] },
} as const satisfies Record<string, ReporterEntry>;

export type ReportFormat = keyof typeof REPORTERS;
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];

/** The format a file name asks for (longest matching extension wins: `.sarif.json` is SARIF), or null. */
export function formatOfFileName(file: string): ReportFormat | null {
  const lower = file.toLowerCase();
  let best: { format: ReportFormat; length: number } | null = null;
  for (const format of REPORT_FORMATS) {
    for (const ext of REPORTERS[format].extensions) {
      if (lower.endsWith(ext) && (best === null || ext.length > best.length)) best = { format, length: ext.length };
    }
  }
  return best?.format ?? null;
}
