/**
 * Every report format, by name, in one table. Every format streams: results are written (or
 * kept in bounded form) as they arrive, so memory stays flat on huge captures. A format's module
 * is imported only when a run asks for it, so a CI run that writes JSON never parses the
 * SARIF, JUnit or HTML writers (part of the cold start).
 */
import type { PieceRenderer, PieceSettings, ReportContext, StreamReporter } from './reporter.js';

export interface ReporterEntry {
  extensions: readonly string[];
  load(): Promise<(ctx: ReportContext) => StreamReporter>;
  /**
   * What an audit on several threads must bring back to the thread that writes this report:
   * 'pieces', only its text, rendered where the requests were audited (`pieces` loads the
   * renderer; the reporter takes it with takeRendered); 'findings', the results that have
   * findings (its result() ignores every other); absent, every result.
   */
  needs?: 'pieces' | 'findings';
  pieces?(): Promise<(settings: PieceSettings) => PieceRenderer>;
}

export const REPORTERS = {
  text: { extensions: ['.txt', '.log'], load: async () => (await import('./text-report.js')).textReporter, needs: 'pieces', pieces: async () => (await import('./text-report.js')).textPieces },
  json: { extensions: ['.json'], load: async () => (await import('./json-report.js')).jsonReporter, needs: 'pieces', pieces: async () => (await import('./json-report.js')).jsonPieces },
  junit: { extensions: ['.xml', '.junit.xml'], load: async () => (await import('./junit-report.js')).junitReporter },
  sarif: { extensions: ['.sarif', '.sarif.json'], load: async () => (await import('./sarif-report.js')).sarifReporter, needs: 'findings' },
  markdown: { extensions: ['.md', '.markdown'], load: async () => (await import('./markdown-report.js')).markdownReporter, needs: 'findings' },
  html: { extensions: ['.html', '.htm'], load: async () => (await import('./html-report.js')).htmlReporter, needs: 'findings' },
} as const satisfies Record<string, ReporterEntry>;

/** What a format's reports need from an audit on other threads (see ReporterEntry.needs). */
export function reportNeeds(format: ReportFormat): 'pieces' | 'findings' | 'results' {
  return (REPORTERS[format] as ReporterEntry).needs ?? 'results';
}

/** The renderer of a format whose reports take pieces. */
export async function loadPieces(format: ReportFormat): Promise<(settings: PieceSettings) => PieceRenderer> {
  const entry = REPORTERS[format] as ReporterEntry;
  if (!entry.pieces) throw new Error(`the ${format} report is not rendered in pieces`);
  return entry.pieces();
}

export type ReportFormat = keyof typeof REPORTERS;
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];

/** The reporter factory of a format, its module loaded on first use. */
export function loadReporter(format: ReportFormat): Promise<(ctx: ReportContext) => StreamReporter> {
  return (REPORTERS[format] as ReporterEntry).load();
}

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
