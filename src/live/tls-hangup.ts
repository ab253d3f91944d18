/**
 * What it means when an intercepted TLS connection ends without a request: the one place that
 * decides whether the client refused the per-run CA. Pure: the proxy gathers the facts at the
 * moment the connection ends (was there a TLS alert, had the client been sent our certificate,
 * did it reset, is its process exiting), the session adds whether the tool itself was closing the
 * target, and this turns them into a feed event.
 *
 * - The client sent a TLS alert, or the handshake failed on something it sent: a refusal
 *   (`live/tls-not-intercepted`). rustls, Go, OpenSSL and Java send a fatal alert when they
 *   reject a certificate during the handshake.
 * - It hung up without an alert while exiting, or while the tool was closing it: a status line.
 *   It sent nothing there and refused nothing.
 * - It hung up mid-handshake without an alert before the proxy had sent it a certificate, or
 *   reset the connection with the certificate unread, and lives on (or nobody can tell): it
 *   gave up on its own (a short deadline: turbo's telemetry worker under load). It cannot have
 *   refused a certificate it never read. Nothing was sent over that connection, but a request it
 *   meant to send was not seen: `live/handshake-abandoned`, a warning, never a claim of refusal.
 * - It read the certificate and hung up without an alert while alive: a refusal. That is how
 *   Node clients refuse (measured: Node's `tls` checks the chain after OpenSSL's handshake and
 *   destroys the socket without an alert, before the proxy sees its Finished), so it cannot be
 *   told from a client that gave up at that very moment, and a pinned client must not pass.
 * - It completed the handshake and closed without a request: how Node clients refuse under
 *   TLS 1.3 when their Finished got out first; a refusal unless the tool was closing the target.
 */
import type { FeedEvent } from '../capture/capture-feed.js';
import { RULES } from '../engine/rules.js';
import type { ClientState } from './process-exiting.js';

export interface TlsEndFacts {
  host: string;
  port: number;
  /** `handshake`: it ended before the handshake completed; `unused`: completed, no request. */
  phase: 'handshake' | 'unused';
  /** It ended with a TLS alert from the client or a handshake error (not a bare hang-up). */
  refused: boolean;
  /** The proxy had handed the client its certificate (its first flight) when it hung up. */
  certificateSent: boolean;
  /** The client reset the connection: it closed with what the proxy sent it unread. */
  reset: boolean;
  /** What ended it, for people ("client sent TLS alert "unknown ca"", "client closed ..."). */
  reason: string;
  /** The client process when the connection ended. */
  client: ClientState;
}

export type TlsEndKind = 'refusal' | 'cut' | 'abandoned';

/** Which of the branches above the facts fall in. */
export function tlsEndKind(facts: TlsEndFacts, toolClosing: boolean): TlsEndKind {
  if (facts.phase === 'handshake') {
    if (facts.refused) return 'refusal';
    if (toolClosing || facts.client === 'exiting') return 'cut';
    return !facts.certificateSent || facts.reset ? 'abandoned' : 'refusal';
  }
  return toolClosing ? 'cut' : 'refusal';
}

function authority(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${h}:${port}`;
}

/** The feed event for a TLS connection that ended without a request. */
export function tlsEndEvent(facts: TlsEndFacts, toolClosing: boolean, time = new Date().toISOString()): FeedEvent {
  const where = authority(facts.host, facts.port);
  const kind = tlsEndKind(facts, toolClosing);
  const base = { host: facts.host, port: facts.port, time, tlsEnd: facts };
  if (kind === 'cut') {
    const why = toolClosing ? 'as the target was being closed' : 'as the client process was exiting';
    return { type: 'status', message: `a TLS ${facts.phase === 'handshake' ? 'handshake' : 'connection'} to ${where} was cut off ${why}, with nothing sent over it (not a refusal of the CA)` };
  }
  if (kind === 'abandoned') {
    const alive = facts.client === 'alive' ? 'while the client process lives on' : 'and whether the client process was exiting is unknown (it did not name its pid)';
    const when = facts.certificateSent ? 'reset its connection to' : 'hung up on';
    const unread = facts.certificateSent ? 'with the interception certificate unread' : 'before it was sent the interception certificate';
    return {
      type: 'connection',
      rule: RULES.liveHandshakeAbandoned.id,
      severity: RULES.liveHandshakeAbandoned.severity,
      message: `TLS handshake abandoned: the client ${when} ${where} mid-handshake without a TLS alert, ${unread} (so it did not refuse the CA), ${alive}; nothing was sent over this connection, but a request it meant to send there was not seen`,
      ...base,
    };
  }
  const message =
    facts.phase === 'handshake'
      ? facts.refused
        ? `TLS not intercepted: the client refused the interception certificate for ${where} (${facts.reason}); what it sends there cannot be seen`
        : `TLS not intercepted: the client hung up on ${where} without a TLS alert right after it was sent the interception certificate (${facts.reason}), as Node clients refuse one; what it sends there cannot be seen`
      : `TLS not intercepted: the client closed its connection to ${where} right after the handshake without sending a request; it most likely rejected the interception certificate, so what it sends there cannot be seen`;
  return { type: 'connection', rule: RULES.liveTlsNotIntercepted.id, severity: RULES.liveTlsNotIntercepted.severity, message, ...base };
}
