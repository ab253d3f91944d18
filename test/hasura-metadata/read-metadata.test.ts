import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { metadataTerms } from '../../src/hasura-metadata/metadata-terms.js';
import { parseActionSdl, readHasuraMetadata } from '../../src/hasura-metadata/read-metadata.js';
import { FIXTURES } from '../helpers/paths.js';

const DIR = path.join(FIXTURES, 'hasura-metadata');

function tempMetadata(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-md-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('readHasuraMetadata (v3 layout)', () => {
  it('reads sources, tables through !include, functions, native queries and logical models', async () => {
    const md = await readHasuraMetadata(DIR);
    assert.deepEqual(md.sources.map((s) => [s.name, s.kind, s.tables.length]), [
      ['default', 'postgres', 6],
      ['inventory_prod', 'postgres', 3],
      ['sales_warehouse', 'acme_sales_warehouse', 2],
    ]);
    const def = md.sources[0]!;
    const customers = def.tables.find((t) => t.table.name === 'customers')!;
    assert.deepEqual(customers.table.schema, ['public']);
    assert.deepEqual(customers.relationships, [
      { name: 'loyalty_account', manual: true, remoteTable: { schema: ['public'], name: 'loyalty_points' } },
      { name: 'purchase_history', manual: false, remoteTable: { schema: ['public'], name: 'orders' } },
    ]);
    assert.deepEqual(customers.permissions.select, ['customer_support', 'storefront_customer']);
    assert.ok(customers.columns.includes('loyalty_tier') && customers.columns.includes('full_name'));
    assert.deepEqual(def.tables.find((t) => t.table.name === 'orders')!.eventTriggers.map((e) => e.name), ['notify_order_shipped', 'order_fraud_screening']);
    assert.equal(def.tables.find((t) => t.table.name === 'order_status')!.isEnum, true);
    assert.deepEqual(def.functions.map((f) => f.function.name), ['search_customers']);
    assert.deepEqual(md.sources[1]!.nativeQueries, [{ name: 'top_loyal_customers', arguments: ['min_points'], returns: 'loyal_customer_row' }]);
    assert.deepEqual(md.sources[2]!.tables[0]!.table, { schema: ['ANALYTICS'], name: 'REGIONAL_TARGETS' });
    assert.ok(md.files.includes('databases/default/tables/public_orders.yaml'));
  });

  it('reads actions with their GraphQL signatures, custom types, remote schemas, cron triggers, roles and connectors', async () => {
    const md = await readHasuraMetadata(DIR);
    assert.deepEqual(md.actions.map((a) => [a.name, a.type, a.kind, a.outputType]), [
      ['customer_credit_score', 'query', 'synchronous', 'CreditScore'],
      ['recalculate_customer_segments', 'mutation', 'asynchronous', 'SegmentJob!'],
      ['redeem_loyalty_points', 'mutation', 'synchronous', 'RedemptionResult'],
    ]);
    assert.deepEqual(md.actions[2]!.arguments, [{ name: 'customer_id', type: 'Int!' }, { name: 'points', type: 'Int!' }]);
    assert.deepEqual(md.customTypes.find((t) => t.name === 'RedemptionResult')!.relationships, ['redeeming_customer']);
    assert.deepEqual(md.remoteSchemas.map((r) => r.name), ['payments_gateway', 'shipping_rates']);
    assert.deepEqual(md.cronTriggers.map((c) => c.name), ['nightly_loyalty_rollup', 'purge_abandoned_carts']);
    assert.deepEqual(md.inheritedRoles, [{ name: 'support_supervisor', roleSet: ['analyst', 'customer_support'] }]);
    assert.deepEqual(md.dataConnectors.map((c) => c.name), ['acme_sales_warehouse']);
  });

  it('fails with a clear message when the directory is not v3 metadata or a file is broken', async () => {
    await assert.rejects(readHasuraMetadata(tempMetadata({ 'version.yaml': 'version: 3\n' })), /no databases\/databases.yaml/);
    await assert.rejects(readHasuraMetadata(tempMetadata({ 'databases/databases.yaml': '- name: x\n  kind: [\n' })), /databases\/databases.yaml: invalid YAML/);
    await assert.rejects(
      readHasuraMetadata(tempMetadata({ 'databases/databases.yaml': '- name: x\n  kind: postgres\n  tables: "!include ../../../etc/passwd"\n' })),
      /outside/,
    );
    await assert.rejects(readHasuraMetadata(tempMetadata({ 'version.yaml': 'version: 2\n', 'databases/databases.yaml': '[]\n' })), /only the v3/);
    await assert.rejects(readHasuraMetadata(path.join(DIR, 'nope')), /not a directory/);
  });

  it('parses the SDL the CLI writes for actions', () => {
    const sdl = parseActionSdl('type Mutation {\n  a(\n    x: [Int!]!\n    y: String\n  ): Out!\n}\ntype Out { f: Int g: String! }\n');
    assert.deepEqual(sdl.get('a'), { root: 'Mutation', arguments: [{ name: 'x', type: '[Int!]!' }, { name: 'y', type: 'String' }], outputType: 'Out!' });
    assert.deepEqual(sdl.typeFields.get('Out'), ['f', 'g']);
  });
});

describe('metadataTerms', () => {
  it('takes every user-chosen name with its kind, and leaves out short and common ones', async () => {
    const { terms, skipped } = metadataTerms(await readHasuraMetadata(DIR));
    const kindsOf = (value: string) => terms.filter((t) => t.value === value).map((t) => t.kind).sort();
    assert.deepEqual(kindsOf('inventory_prod'), ['metadata:source']);
    assert.deepEqual(kindsOf('loyalty_points'), ['metadata:table']);
    assert.deepEqual(kindsOf('public.loyalty_points'), ['metadata:table']);
    assert.deepEqual(kindsOf('acme_sales_warehouse'), ['metadata:connector']);
    assert.deepEqual(kindsOf('top_loyal_customers'), ['metadata:native-query']);
    assert.deepEqual(kindsOf('customer_support'), ['metadata:role']);
    assert.deepEqual(kindsOf('notify_order_shipped'), ['metadata:event-trigger']);
    assert.deepEqual(kindsOf('payments_gateway'), ['metadata:remote-schema']);
    assert.deepEqual(kindsOf('redeem_loyalty_points'), ['metadata:action']);
    assert.deepEqual(kindsOf('search_customers'), ['metadata:function']);
    assert.deepEqual(kindsOf('nightly_loyalty_rollup'), ['metadata:cron-trigger']);
    assert.deepEqual(kindsOf('https://hooks.acme-corp.example/orders/shipped'), ['metadata:webhook']);
    assert.deepEqual(kindsOf('loyalty-api.acme-corp.example'), ['metadata:handler']);
    assert.deepEqual(kindsOf('support_supervisor'), ['metadata:role']);
    assert.deepEqual(kindsOf('REGIONAL_TARGETS'), ['metadata:table']);
    assert.ok(kindsOf('postgres://inventory_reader:Xr8vQ2mLpT@inventory-db.acme-corp.example:5432/inventory').includes('metadata:connection'));
    // Templated URLs are not terms; environment variable names are not written values.
    assert.ok(!terms.some((t) => t.value.includes('{{')));
    assert.ok(!terms.some((t) => t.value === 'LOYALTY_DATABASE_URL'));
    assert.deepEqual(skipped.map((t) => t.value).sort(), ['QUARTER', 'balance', 'city', 'code', 'created_at', 'default', 'email', 'id', 'month', 'public', 'quantity', 'score', 'sku', 'status', 'title']);
  });
});
