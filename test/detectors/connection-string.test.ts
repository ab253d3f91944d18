import { connectionStringDetector } from '../../src/detectors/connection-string.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

runDetectorCases(connectionStringDetector, {
  valid: [
    'postgres://localhost:5432/app',
    'https://telemetry.hasura.io/v1/http',
    'postgres://user@db.internal/app',
    'postgres://app:${PG_PASSWORD}@db/app',
    'postgres://app:{{PG_PASSWORD}}@db/app',
    'git@github.com:acme/app.git',
    'contact jane.doe@acme-corp.example',
  ],
  invalid: [
    ['HASURA_GRAPHQL_DATABASE_URL=postgres://hasura:s3cr3t@db.acme-corp.example:5432/inventory', ['postgres://hasura:s3cr3t@db.acme-corp.example']],
    ['"mongodb+srv://svc:pa%40ss@cluster0.example.net/?retryWrites=true"', ['mongodb+srv://svc:pa%40ss@cluster0.example.net']],
    ['redis://default:hunter22@10.0.0.8:6379', ['redis://default:hunter22@10.0.0.8']],
  ],
  adversarial: ['a://', 'a://a:', 'a://a:a', 'a://:@', 'postgres://user:pass', 'x://a:b@'],
});
