import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { readHasuraMetadata } from '../../src/hasura-metadata/read-metadata.js';
import { previewPayloads } from '../../src/hasura-metadata/server-payload.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { FIXTURES } from '../helpers/paths.js';
import { httpRequest } from '../helpers/requests.js';

const ids = { hasuraVersion: 'v2.36.0', metadataDbUid: '6513270e-269e-4d37-b2a7-4de452e6b438', instanceUid: 'd23f0824-128b-4f33-8c5c-7fd0a6a3a450', defaultDbUid: '9531985d-5d9d-49f8-9818-e811892f902b' };

describe('previewPayloads', async () => {
  const md = await readHasuraMetadata(path.join(FIXTURES, 'hasura-metadata'));
  const previews = previewPayloads(md, ids);
  const data = (source: string) => previews.find((p) => p.source === source)!.payload.data as Record<string, any>;

  it('counts the default source as the server would', () => {
    assert.deepEqual(data('default').metrics, {
      tables: 6,
      views: 0,
      enum_tables: 1,
      relationships: { manual: 1, auto: 6 },
      permissions: { select: 8, insert: 1, update: 2, delete: 1, roles: 4 },
      event_triggers: 2,
      functions: 1,
      remote_schemas: 2,
      service_timings: null,
      actions: { synchronous: 1, asynchronous: 1, query_actions: 1, type_relationships: 1, custom_types: 5 },
      native_queries: { with_parameters: 0, without_parameters: 1 },
      stored_procedures: { with_parameters: 0, without_parameters: 0 },
      logical_models: { count: 1 },
    });
    assert.deepEqual(data('default').source_metadata, { db_uid: ids.defaultDbUid, backend_type: 'postgres', db_kind: 'postgres', db_version: null });
  });

  it('sends remote schemas and actions only with the default source, and the connector name as db_kind', () => {
    assert.equal(data('inventory_prod').metrics.remote_schemas, null);
    assert.equal(data('inventory_prod').metrics.actions, null);
    assert.deepEqual(data('inventory_prod').metrics.native_queries, { with_parameters: 1, without_parameters: 0 });
    assert.equal(data('inventory_prod').source_metadata.db_uid, null);
    assert.deepEqual(data('sales_warehouse').source_metadata, { db_uid: null, backend_type: 'dataconnector', db_kind: 'acme_sales_warehouse', db_version: null });
  });

  it('says what metadata cannot tell', () => {
    for (const p of previews) assert.ok(p.unknowns.some((u) => u.startsWith('views:')));
    assert.ok(previews[0]!.unknowns.some((u) => u.startsWith('service_timings:')));
  });

  it('produces payloads the Hasura pack classifies as server-v2, failing only on the connector name', () => {
    const policy = compilePolicy(hasuraPolicy, detectorRules(DEFAULT_DETECTORS));
    const errors = previews.map((p) => {
      const r = auditRequest(httpRequest(p.payload), policy, { detectors: DEFAULT_DETECTORS });
      assert.equal(r.kind, 'server-v2');
      return r.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
    });
    assert.deepEqual(errors, [[], [], ['hasura/db-kind-name']]);
  });
});
