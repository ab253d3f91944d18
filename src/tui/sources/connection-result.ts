/**
 * A connection event from a live feed (a client that bypassed the proxy, one that refused the
 * CA) is not a request, but it is a finding: it becomes a result of its own, a CONNECT to the
 * host it tried, carrying the feed's rule, so the list, the counts and the exit code see it.
 */
import type { FeedEvent } from '../../capture/capture-feed.js';
import type { RequestResult } from '../../engine/audit-request.js';
import { fingerprintOf, type Finding, type FindingLocation } from '../../engine/finding.js';

export function connectionResult(event: Extract<FeedEvent, { type: 'connection' }>, id: string): RequestResult {
  const hostPort = event.port !== undefined ? `${event.host.includes(':') ? `[${event.host}]` : event.host}:${event.port}` : event.host;
  const location: FindingLocation = { part: 'url', component: 'host' };
  const finding: Finding = {
    rule: event.rule,
    severity: event.severity,
    message: event.message,
    requestId: id,
    kind: null,
    location,
    evidence: hostPort,
    fingerprint: fingerprintOf({ rule: event.rule, kind: null, location, evidence: event.host }),
  };
  return {
    request: {
      id,
      time: event.time,
      method: 'CONNECT',
      url: `tcp://${hostPort}`,
      headers: [],
      body: new Uint8Array(0),
      transport: 'http',
      origin: { kind: 'process', ...(event.scenario !== undefined ? { scenario: event.scenario } : {}) },
    },
    kind: null,
    verdict: event.severity === 'error' ? 'fail' : 'warn',
    findings: [finding],
  };
}
