/** Report formats by name. Issue-7 formats (junit, sarif, markdown) register here too. */
import { jsonReporter } from './json-report.js';
import type { ReportContext, StreamReporter } from './reporter.js';
import { textReporter } from './text-report.js';

export const STREAM_REPORTERS: Record<string, (ctx: ReportContext) => StreamReporter> = {
  text: textReporter,
  json: jsonReporter,
};
