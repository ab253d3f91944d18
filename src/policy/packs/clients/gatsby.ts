/**
 * Gatsby telemetry (https://www.gatsbyjs.com/docs/telemetry/): the docs still describe anonymous
 * usage events (gatsby-telemetry, POST https://analytics.gatsbyjs.com/events) and the opt-outs
 * GATSBY_TELEMETRY_DISABLED=1 and `gatsby telemetry --disable`. gatsby-cli 5.16.0 no longer depends
 * on gatsby-telemetry and its `telemetry` command prints "Telemetry is no longer gathered and is
 * always disabled". This policy therefore allows nothing: any payload to the documented endpoint
 * fails closed as an unknown field, and any other destination is request/destination.
 */
import type { Policy } from '../../policy-schema.js';
import { kindAt } from './common.js';

export const gatsbyPolicy: Policy = {
  name: 'gatsby',
  title: 'Gatsby telemetry policy (gatsby-cli@5.16.0: telemetry removed)',
  version: '1',
  source: 'https://www.gatsbyjs.com/docs/telemetry/ and gatsby-cli@5.16.0 (lib/create-cli.js)',
  description: 'gatsby-cli 5.16 gathers no telemetry: nothing may be sent.',
  destinations: [{ host: 'analytics.gatsbyjs.com', paths: ['/events'], methods: ['POST'], transport: 'http', kinds: ['removed'] }],
  loopback: 'skip',
  headers: { forbidden: ['cookie', 'authorization', 'proxy-authorization'], unknown: 'warning' },
  unknownFields: 'error',
  kinds: [kindAt('removed', 'Gatsby telemetry (removed in gatsby-cli 5)', 'analytics.gatsbyjs.com', '/events', { type: 'object', fields: {} }, 'gatsby-cli@5.16.0')],
};
