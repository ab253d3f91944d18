/** Options of the live commands (`run`, `serve`): where captures go and how the proxy answers. */
import { FakeResponseError, parseFakeResponse, DEFAULT_FAKE_RESPONSE, type FakeResponse } from '../../live/fake-response.js';
import type { CliIO, ParsedArgs } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { boolOpt, choiceOpt, intOpt, stringOpt } from '../parse-args.js';
import { NODE_PRELOADS, type NodePreload } from '../../live/child-env.js';
import { containmentOf, LiveSetupError, resolveSealed, resolveTrace, type TraceMode, type TraceState } from '../../live/live-session.js';
import { sealedSupport, type Containment, type SealedMode } from '../../live/sealed/sealed-target.js';

export { CAPTURE_OPTIONS } from './run-options.js';

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

/** --sealed and --no-sealed, for every command that runs a target. */
export { SEALED_OPTIONS } from './run-options.js';

/** --sealed / --no-sealed: require the sealed mode, refuse it, or use it where it can be set up. */
export function sealedMode(args: ParsedArgs, fallback: SealedMode = 'auto'): SealedMode {
  const on = boolOpt(args, 'sealed');
  const off = boolOpt(args, 'no-sealed');
  if (on && off) throw new UsageError('--sealed and --no-sealed contradict each other');
  return on ? 'on' : off ? 'off' : fallback;
}

/**
 * Whether the run is sealed and the tracer runs, decided once before anything starts; a mode
 * that --sealed or --trace requires but cannot be had is a config error (exit 2).
 */
export function traceFor(mode: TraceMode, io: CliIO, sealing: SealedMode = 'off'): { trace: TraceState; sealed: SealedMode; containment: Containment } {
  try {
    const sealed = resolveSealed(sealing, io.env);
    const { trace } = resolveTrace(mode, true, io.env, sealed);
    return { trace, sealed: sealed ? 'on' : 'off', containment: containmentOf(sealed, trace) };
  } catch (err) {
    if (err instanceof LiveSetupError) throw new ConfigError(err.message);
    throw err;
  }
}

/** Why a run that would have been sealed (no --sealed, no --no-sealed) is not: null when it is, or was asked not to be. */
export function unsealedNote(sealing: SealedMode, containment: Containment, io: CliIO): string | null {
  if (sealing !== 'auto' || containment === 'sealed') return null;
  const support = sealedSupport(io.env);
  return support.available ? null : `not sealed: ${support.reason ?? 'the namespace could not be set up'}`;
}

/** The report note that says how a run was contained. */
export function containmentNote(containment: Containment): string {
  if (containment === 'sealed') return 'contained: sealed (own network namespace with only loopback: nothing the command sent could leave; every TCP connection was captured, DNS answered inside, other traffic blocked and reported)';
  if (containment === 'proxy + tracer') return 'contained: proxy + tracer (not sealed: connections that bypass the proxy are detected, not prevented)';
  return 'contained: proxy only (not sealed, no tracer: a client that ignores the proxy is neither captured nor seen)';
}
