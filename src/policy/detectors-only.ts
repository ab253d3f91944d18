/**
 * The policy of an audit that has none: an opt-out pack that names no policy is not judged by
 * another tool's (the Hasura policy judging Astro's payloads fails every request for nothing).
 * Where requests go and what shape they have is not checked; every request is still decoded and
 * scanned by the detectors and sensitive terms (identity, secrets, canaries), plain or encoded.
 */
import type { Policy } from './policy-schema.js';

export const DETECTORS_ONLY_POLICY = 'detectors-only';

export const detectorsOnlyPolicy: Policy = {
  name: DETECTORS_ONLY_POLICY,
  title: 'No policy: detectors and sensitive terms only',
  description: 'Audits what is sent for identity, secrets and canaries only; destinations, kinds and fields are not checked.',
  destinations: [{ host: 'detectors-only.invalid' }],
  loopback: 'skip',
  kinds: [{ id: 'any', title: 'Any payload', match: { path: '', exists: true }, schema: { type: 'null' } }],
  severities: {
    'request/*': 'off',
    'payload/*': 'off',
    'schema/*': 'off',
    'body/invalid-json': 'off',
    'body/duplicate-key': 'off',
  },
};
