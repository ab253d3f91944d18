/** Options of the live commands (`run`, `serve`): where captures go and how the proxy answers. */
import { FakeResponseError, parseFakeResponse, DEFAULT_FAKE_RESPONSE, type FakeResponse } from '../../live/fake-response.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { boolOpt, choiceOpt, intOpt, stringOpt } from '../parse-args.js';
import { NODE_PRELOADS, type NodePreload } from '../../live/child-env.js';
import { LiveSetupError, resolveTrace, type TraceMode, type TraceState } from '../../live/live-session.js';

export const CAPTURE_OPTIONS: OptionSpec[] = [
  { name: 'save', type: 'string', value: 'FILE', description: 'write every capture to FILE as NDJSON, flushed per request (read back with `audit FILE`)' },
  { name: 'har', type: 'string', value: 'FILE', description: 'write the captures to FILE as HAR 1.2 when the run ends (WebSocket frames in _webSocketMessages)' },
  { name: 'respond', type: 'string', value: 'STATUS[:BODY]', description: 'what the proxy answers in place of the endpoint (default: 200:{})' },
  { name: 'port', type: 'string', value: 'N', description: 'proxy port (default: a free one)' },
  { name: 'node-preload', type: 'string', value: 'MODE', description: 'Node.js preloads in NODE_OPTIONS: both, require (for Node older than 20.6, which refuses --import there), off (default: both)' },
];

export interface CaptureSettings {
  save: string | undefined;
  har: string | undefined;
  respond: FakeResponse;
  port: number | undefined;
  nodePreload: NodePreload;
}

export function captureSettings(args: ParsedArgs): CaptureSettings {
  let respond = DEFAULT_FAKE_RESPONSE;
  const spec = stringOpt(args, 'respond');
  if (spec !== undefined) {
    try {
      respond = parseFakeResponse(spec);
    } catch (err) {
      if (err instanceof FakeResponseError) throw new UsageError(err.message);
      throw err;
    }
  }
  const port = intOpt(args, 'port');
  if (port !== undefined && port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  return { save: stringOpt(args, 'save'), har: stringOpt(args, 'har'), respond, port, nodePreload: choiceOpt(args, 'node-preload', NODE_PRELOADS, 'both') };
}

/** Whether each would-be payload is printed (text report, not --quiet): only then keep payloads. */
export function printsPayloads(args: ParsedArgs): boolean {
  return !boolOpt(args, 'quiet') && (stringOpt(args, 'format') ?? 'text') === 'text';
}

/** --trace / --no-trace: require the tracer, refuse it, or use it where it works. */
export function traceMode(args: ParsedArgs): TraceMode {
  const on = boolOpt(args, 'trace');
  const off = boolOpt(args, 'no-trace');
  if (on && off) throw new UsageError('--trace and --no-trace contradict each other');
  return on ? 'on' : off ? 'off' : 'auto';
}

/** Whether the tracer will run; a tracer that --trace requires but cannot run is a config error (exit 2). */
export function traceFor(mode: TraceMode, io: CliIO): { trace: TraceState } {
  try {
    return resolveTrace(mode, true, io.env);
  } catch (err) {
    if (err instanceof LiveSetupError) throw new ConfigError(err.message);
    throw err;
  }
}
