/**
 * A `connection` feed event (a bypass, a DNS lookup, a refused CA, unreadable bytes) as an audit
 * result, so it is reported, counted and exit-coded like any request with a finding. Its
 * request is a stand-in for the attempt: method CONNECT, url tcp://host:port, no body.
 */
import type { FeedEvent } from '../capture/capture-feed.js';
import type { CaptureOrigin } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { CompiledPolicy } from '../engine/compiled-policy.js';
import { fingerprintOf, type Finding } from '../engine/finding.js';

export type ConnectionEvent = Extract<FeedEvent, { type: 'connection' }>;

let seq = 0;

/** The result for a connection event, or null when the policy turns its rule off. */
export function connectionResult(event: ConnectionEvent, policy: CompiledPolicy, origin: CaptureOrigin): RequestResult | null {
  const severity = policy.policy.severities?.[event.rule] !== undefined ? policy.severityOf(event.rule) : event.severity;
  if (severity === null) return null;
  const host = event.host.includes(':') ? `[${event.host}]` : event.host;
  const id = `conn-${++seq}`;
  const location = { part: 'request' } as const;
  const finding: Finding = {
    rule: event.rule,
    severity,
    message: event.message,
    requestId: id,
    kind: null,
    location,
    // The destination, not the message: the same bypass on another run has the same fingerprint.
    fingerprint: fingerprintOf({ rule: event.rule, kind: null, location, evidence: `${event.host}:${event.port ?? ''}` }),
  };
  return {
    request: {
      id,
      time: event.time,
      method: 'CONNECT',
      url: `tcp://${host}${event.port !== undefined ? `:${event.port}` : ''}`,
      headers: [],
      body: new Uint8Array(),
      transport: 'http',
      origin: event.scenario !== undefined && origin.kind === 'process' ? { ...origin, scenario: event.scenario } : origin,
    },
    kind: null,
    verdict: severity === 'error' ? 'fail' : 'warn',
    findings: [finding],
  };
}
