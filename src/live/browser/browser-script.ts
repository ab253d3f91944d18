/**
 * The small step script `browse --script FILE` and pack browser steps run in the page: click a
 * selector, navigate to a route, wait for a selector or a text, wait N seconds. JSON or YAML:
 *
 *   steps:
 *     - click: "#nav-data"
 *     - navigate: /console/data/schema/public/tables/orders/browse
 *     - waitFor: "#telemetry-status[data-idle]"
 *     - waitForText: "2 sent"
 *     - wait: 2
 *
 * Waits are for what the page shows (a readiness signal); `timeout` only bounds a step that never
 * succeeds, and a step that fails makes the run inconclusive, never a pass.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { parse as parseYaml } from 'yaml';

const Timeout = { timeout: z.number().positive().max(600).optional().describe('seconds before the step fails (default: the script\'s timeout)') };

export const BrowserStepSchema = z.union([
  z.strictObject({ click: z.string().min(1).describe('CSS selector of the element to click (waited for first)'), ...Timeout }),
  z.strictObject({ navigate: z.string().min(1).describe('URL or path, resolved against the current page, loaded like a typed address'), ...Timeout }),
  z.strictObject({ waitFor: z.string().min(1).describe('CSS selector that must match an element'), ...Timeout }),
  z.strictObject({ waitForText: z.string().min(1).describe('text the page must show (document.body.innerText)'), ...Timeout }),
  z.strictObject({ wait: z.number().min(0).max(600).describe('seconds to keep the page open (for late senders; not a readiness check)') }),
]);
export type BrowserStep = z.infer<typeof BrowserStepSchema>;

export const BrowserScriptSchema = z
  .strictObject({
    timeout: z.number().positive().max(600).optional().describe('default seconds before a step fails (15)'),
    steps: z.array(BrowserStepSchema).describe('what to do in the page, in order'),
  })
  .describe('steps run in the page after it loads');
export type BrowserScript = z.infer<typeof BrowserScriptSchema>;

export const DEFAULT_STEP_TIMEOUT_S = 15;

export class BrowserScriptError extends Error {
  override name = 'BrowserScriptError';
}

export function parseBrowserScript(text: string, where: string): BrowserScript {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new BrowserScriptError(`${where}: not JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = BrowserScriptSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BrowserScriptError(`${where}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message} (a step is one of click, navigate, waitFor, waitForText, wait)`);
  }
  return parsed.data;
}

export function loadBrowserScript(file: string): BrowserScript {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BrowserScriptError(`cannot read the script ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseBrowserScript(text, file);
}

/** One line per step, for status output and reports. */
export function describeStep(step: BrowserStep): string {
  if ('click' in step) return `click ${step.click}`;
  if ('navigate' in step) return `navigate ${step.navigate}`;
  if ('waitFor' in step) return `wait for ${step.waitFor}`;
  if ('waitForText' in step) return `wait for text ${JSON.stringify(step.waitForText)}`;
  return `wait ${step.wait} s`;
}
