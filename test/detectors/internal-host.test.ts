import { internalHostDetector } from '../../src/detectors/internal-host.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

runDetectorCases(internalHostDetector, {
  valid: [
    'https://telemetry.hasura.io/v1/http',
    'http://localhost:9695/static/main.js',
    'at Jt (http://localhost:9695/static/main.js:2:10234)',
    'config.local.json',
    'src/internal.lan.ts',
    'v2.36.0',
    'api.example.com',
    'hasura-graphql-engine/v2.36.0',
    'db.internal.example.com',
  ],
  invalid: [
    ['"URL":"https://hasura.internal.acme-corp.example/v1/version"', ['hasura.internal.acme-corp.example']],
    ['dial tcp: lookup pg-primary.db.svc.cluster.local', ['pg-primary.db.svc.cluster.local']],
    ['\\\\fileserver.corp\\share', ['fileserver.corp']],
    ['printer.lan:631', ['printer.lan']],
    ['ws.local', ['ws.local']],
  ],
  adversarial: ['a.', 'a.internal.', 'a-', 'aaaa.aaaa.', '.internal'],
});
