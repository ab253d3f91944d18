/**
 * The catalogue of rules the engine itself reports (policies add their own). One place for
 * ids, default severities and documentation, so reporters (SARIF's rules[], --help, the TUI)
 * never drift from what the engine emits.
 */
import type { RuleDoc } from '../policy/policy-schema.js';

export const RULES = {
  bodyDecode: {
    id: 'body/decode-failed',
    severity: 'error',
    title: 'Body could not be decoded',
    description: 'The body could not be decoded (Content-Encoding, size cap or UTF-8), so nothing in it can be vouched for.',
  },
  bodyInvalidJson: {
    id: 'body/invalid-json',
    severity: 'error',
    title: 'Body is not valid JSON',
    description: 'The body does not parse as JSON; the position of the first error is reported.',
  },
  bodyDuplicateKey: {
    id: 'body/duplicate-key',
    severity: 'error',
    title: 'Duplicate JSON key',
    description: 'An object repeats a key: the raw bytes carry a value that a parsed object hides, so a receiver may see data the audit did not.',
    leak: true,
  },
  captureDuplicateKey: {
    id: 'capture/duplicate-key',
    severity: 'error',
    title: 'Duplicate key in the capture container',
    description: 'The NDJSON record or HAR entry that holds the request repeats a key (two "body" or "text" keys): a reader may take the other value, so the audited request may not be the one that was sent.',
    leak: true,
  },
  bodyEmpty: {
    id: 'payload/empty',
    severity: 'error',
    title: 'Request without a payload',
    description: 'The request carries no body, so it matches no payload kind of the policy.',
  },
  unknownKind: {
    id: 'payload/unknown-kind',
    severity: 'error',
    title: 'Unknown payload kind',
    description: 'The payload matches no kind the policy allows; unknown data fails closed.',
    leak: true,
  },
  undocumentedKind: {
    id: 'payload/undocumented-kind',
    severity: 'warning',
    title: 'Payload kind not in the published policy',
    description: 'The code sends this kind of payload, but the published policy does not mention it.',
  },
  kindDestination: {
    id: 'payload/kind-destination',
    severity: 'error',
    title: 'Payload kind sent to an unexpected endpoint',
    description: 'The payload kind is not one the policy expects at this destination.',
  },
  destination: {
    id: 'request/destination',
    severity: 'error',
    title: 'Destination not allowed',
    description: 'The request goes to a host, path or transport the policy does not list.',
    leak: true,
  },
  method: {
    id: 'request/method',
    severity: 'error',
    title: 'HTTP method not allowed',
    description: 'The request uses a method the policy does not allow for its destination.',
  },
  forbiddenHeader: {
    id: 'request/forbidden-header',
    severity: 'error',
    title: 'Forbidden header',
    description: 'The request carries a header the policy forbids (cookies, credentials).',
    leak: true,
  },
  undocumentedHeader: {
    id: 'request/undocumented-header',
    severity: 'warning',
    title: 'Header not in the policy',
    description: 'The request carries a header the policy does not list.',
  },
  userAgent: {
    id: 'request/user-agent',
    severity: 'warning',
    title: 'Unexpected User-Agent',
    description: 'The User-Agent header is missing or not of a form the policy expects; a User-Agent can identify the machine.',
  },
  urlQuery: {
    id: 'request/url-query',
    severity: 'error',
    title: 'Query string on a telemetry URL',
    description: 'The telemetry endpoint URL carries a query string the policy does not allow.',
    leak: true,
  },
  unknownField: {
    id: 'schema/unknown-field',
    severity: 'error',
    title: 'Unknown field',
    description: 'The payload has a field the policy does not allow; unknown fields fail closed.',
    leak: true,
  },
  undocumentedField: {
    id: 'schema/undocumented-field',
    severity: 'warning',
    title: 'Field not in the published policy',
    description: 'The code sends this field, but the published policy does not mention it. Its value is still checked.',
  },
  missingField: {
    id: 'schema/missing-field',
    severity: 'warning',
    title: 'Expected field missing',
    description: 'A field the policy describes as always sent is absent; the payload shape differs from what was audited before.',
  },
  type: {
    id: 'schema/type',
    severity: 'error',
    title: 'Wrong value type',
    description: 'A value has a type the policy does not allow for its field.',
    leak: true,
  },
  value: {
    id: 'schema/value',
    severity: 'error',
    title: 'Value not allowed',
    description: 'A value is not one of those the policy allows for its field.',
    leak: true,
  },
  range: {
    id: 'schema/range',
    severity: 'error',
    title: 'Number out of range',
    description: 'A number is outside the range the policy allows (counts are non-negative integers).',
  },
  format: {
    id: 'schema/format',
    severity: 'error',
    title: 'Value does not have its format',
    description: 'A string does not have the format the policy gives its field (timestamp, version, pattern, length).',
    leak: true,
  },
  uuidNotV4: {
    id: 'identity/uuid-not-v4',
    severity: 'error',
    title: 'Identifier is not a random (v4) UUID',
    description: 'The policy promises random UUIDs; a v1 UUID embeds the MAC address and the time it was made, other versions are not random.',
    leak: true,
  },
  checkFailed: {
    id: 'engine/check-failed',
    severity: 'error',
    title: 'Checks failed on this request',
    description:
      'A check of this request (or one part of it) failed with an internal error, so what it contains cannot be vouched for; the other requests are still audited. The error is the evidence.',
  },
  // Live capture (`run`, `serve`): what the proxy and the tracer see that is not a readable request.
  liveBypass: {
    id: 'live/proxy-bypass',
    severity: 'error',
    title: 'Connection that bypassed the proxy',
    description: 'The target connected to an address directly, not through the intercepting proxy, so what it sent there was not seen (the syscall tracer saw the connect()).',
    leak: true,
  },
  liveDnsLookup: {
    id: 'live/dns-lookup',
    severity: 'error',
    title: 'DNS lookup by the target',
    description: 'The target sent a DNS query itself. Through the proxy a client never resolves the names it sends to, so this is a client about to connect on its own; the name is reported.',
    leak: true,
  },
  liveTlsNotIntercepted: {
    id: 'live/tls-not-intercepted',
    severity: 'error',
    title: 'TLS not intercepted',
    description: 'The client refused the per-run interception certificate (certificate pinning or its own trust store), so what it sends to this host cannot be seen.',
  },
  liveHandshakeAbandoned: {
    id: 'live/handshake-abandoned',
    severity: 'warning',
    title: 'TLS handshake abandoned',
    description:
      'The client hung up in the middle of a TLS handshake without a TLS alert while its process lived on (or it could not be told whether it was exiting): it gave up on its own, typically on a short deadline of its own under load. It did not refuse the interception certificate, and nothing was sent over that connection, but a request it meant to send there was not seen.',
  },
  liveProxyCredentials: {
    id: 'live/proxy-credentials',
    severity: 'warning',
    title: 'Client sent proxy credentials',
    description: 'The client sent a Proxy-Authorization header: credentials for the proxy it was given (from its environment), not part of what it sends to the endpoint. They are not audited as a telemetry header, and the report says that they were sent.',
  },
  liveBlocked: {
    id: 'live/blocked-traffic',
    severity: 'error',
    title: 'Traffic blocked inside the sealed namespace',
    description: 'In a sealed run the target sent something other than TCP or DNS (UDP to another port, QUIC, ICMP, another protocol). It was rejected inside the namespace and never left, but what it carried could not be audited; the destination is reported.',
  },
  liveUnreadable: {
    id: 'live/unreadable-traffic',
    severity: 'error',
    title: 'Traffic the proxy could not read',
    description: 'Bytes sent through the proxy that are not HTTP/1.1 (another protocol, HTTP/2 without TLS) or a body over the size cap: they could not be audited.',
  },
} as const satisfies Record<string, RuleDoc>;

export const ENGINE_RULES: readonly RuleDoc[] = Object.values(RULES);
