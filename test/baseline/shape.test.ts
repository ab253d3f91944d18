import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftBetween, type CaptureSide } from '../../src/baseline/drift.js';
import { shapeIssues } from '../../src/baseline/shape-check.js';
import { keySegment, parseShapeFile, shapeFile, shapeOf, ShapeSet, topmost, UNCLASSIFIED } from '../../src/baseline/shape.js';
import { stableJson } from '../../src/baseline/stable-json.js';

const entries = (set: ShapeSet, kind: string) => Object.fromEntries([...set.kinds.get(kind)!.fields].map(([p, t]) => [p, [...t].sort()]));

describe('payload shapes', () => {
  it('records every path with its JSON types, array elements as []', () => {
    const shape = shapeOf({ a: 1, b: { c: 'x', d: null }, e: [{ f: true }, { f: 2, g: [] }], 'x-y': 0.5 });
    assert.deepEqual(Object.fromEntries([...shape].map(([p, t]) => [p, [...t].sort()])), {
      $: ['object'],
      '$.a': ['number'],
      '$.b': ['object'],
      '$.b.c': ['string'],
      '$.b.d': ['null'],
      '$.e': ['array'],
      '$.e[]': ['object'],
      '$.e[].f': ['boolean', 'number'],
      '$.e[].g': ['array'],
      '$["x-y"]': ['number'],
    });
  });

  it('never records a key that looks like data rather than a field name', () => {
    for (const key of ['jane.doe@acme-corp.example', '/home/jane/project', 'select * from users', 'a'.repeat(65)]) {
      const seg = keySegment(key);
      assert.match(seg, /^\[#[0-9a-f]{12}\]$/, key);
      assert.equal(keySegment(key), seg, 'stable');
      const text = stableJson(shapeFile(withPayload('k', { [key]: 1 }), 'p'));
      assert.ok(!text.includes(key) && !text.includes(key.slice(0, 8)), text);
    }
    assert.equal(keySegment('resource_cpu'), '.resource_cpu');
    assert.equal(keySegment('x-forwarded-for'), '["x-forwarded-for"]');
  });

  it('merges payloads per kind and round-trips through the file form, sorted', () => {
    const set = new ShapeSet();
    set.add('k2', { b: 1 });
    set.add('k1', { a: 'x' });
    set.add('k1', { a: null, c: [1] });
    set.add(null, { z: 1 });
    const text = stableJson(shapeFile(set, 'hasura'));
    assert.deepEqual(Object.keys(JSON.parse(text).kinds), [UNCLASSIFIED, 'k1', 'k2']);
    assert.match(text, /"\$\.a": \["null", "string"\]/);
    const back = parseShapeFile(text);
    assert.ok(back.ok);
    assert.deepEqual(entries(back.value, 'k1'), entries(set, 'k1'));
    assert.equal(stableJson(shapeFile(back.value, 'hasura')), text);
  });

  it('rejects a file that is not a shape file', () => {
    for (const bad of ['{', '{}', '{"shapeVersion":1,"tool":"telemetry-audit","policy":"p","kinds":{"k":{"fields":{"a":["string"]}}}}', '{"shapeVersion":1,"tool":"telemetry-audit","policy":"p","kinds":{"k":{"fields":{"$":["text"]}}}}']) {
      assert.equal(parseShapeFile(bad).ok, false, bad);
    }
  });

  it('topmost keeps a new object as one change', () => {
    assert.deepEqual(topmost(['$.a.b', '$.a', '$.a[]', '$.ab', '$.c.d']), [
      { path: '$.a', nested: 2 },
      { path: '$.ab', nested: 0 },
      { path: '$.c.d', nested: 0 },
    ]);
  });
});

function withPayload(kind: string, ...payloads: unknown[]): ShapeSet {
  const set = new ShapeSet();
  for (const p of payloads) set.add(kind, p);
  return set;
}

describe('shape baseline check', () => {
  const baseline = withPayload('k', { a: 1, b: { c: 'x' }, n: null });
  const issues = (kind: string, payload: unknown) => shapeIssues(kind, shapeOf(payload), baseline).map((i) => `${i.rule} ${i.path}`);

  it('passes a payload within the baseline, including one with fewer fields', () => {
    assert.deepEqual(issues('k', { a: 2, b: { c: 'y' }, n: null }), []);
    assert.deepEqual(issues('k', { a: 2 }), []);
  });
  it('reports a new field once, at its top', () => {
    assert.deepEqual(issues('k', { a: 1, b: { c: 'x', d: { e: 1, f: 2 } }, n: null }), ['shape/new-field $.b.d']);
  });
  it('reports a new type', () => {
    assert.deepEqual(issues('k', { a: '1', b: { c: 'x' }, n: { x: 1 } }), ['shape/new-field $.n.x', 'shape/new-type $.a', 'shape/new-type $.n']);
  });
  it('reports a new kind', () => {
    assert.deepEqual(issues('other', { a: 1 }), ['shape/new-kind $']);
  });
});

function side(shapes: ShapeSet, findings: Array<[string, string]> = []): CaptureSide {
  return {
    inputs: ['x'],
    requests: 1,
    audited: 1,
    shapes,
    findings: new Map(findings.map(([fp, rule]) => [fp, { fingerprint: fp, rule, severity: 'error' as const, kind: null, location: 'body $', message: 'm', count: 1 }])),
  };
}

describe('drift', () => {
  it('lists added, removed and retyped fields per kind, and new findings', () => {
    const d = driftBetween(side(withPayload('k', { a: 1, b: 'x', gone: 1 }), [['f1', 'r/one']]), side(withPayload('k', { a: 1, b: null, added: { c: 1 } }), [['f1', 'r/one'], ['f2', 'r/two']]));
    const k = d.kinds[0]!;
    assert.equal(k.status, 'changed');
    assert.deepEqual(k.added.map((f) => f.path), ['$.added', '$.added.c']);
    assert.deepEqual(k.removed.map((f) => f.path), ['$.gone']);
    assert.deepEqual(k.changed, [{ path: '$.b', old: ['string'], new: ['null'] }]);
    assert.deepEqual(d.newFindings.map((f) => f.fingerprint), ['f2']);
    assert.equal(d.grew, true);
  });

  it('a new error finding alone is growth; a new warning alone is not', () => {
    const k = () => withPayload('k', { a: 1 });
    const grown = driftBetween(side(k()), side(k(), [['f2', 'r/two']]));
    assert.equal(grown.grew, true);
    const warned = driftBetween(side(k()), { ...side(k()), findings: new Map([['w', { fingerprint: 'w', rule: 'schema/missing-field', severity: 'warning' as const, kind: 'k', location: 'body $.b', message: 'm', count: 1 }]]) });
    assert.deepEqual([warned.grew, warned.changed, warned.newFindings.length], [false, true, 1]);
  });

  it('a kind renamed between releases is paired with its predecessor by shared fields', () => {
    const old = withPayload('v1', { topic: 't', data: { id: 'x', version: '1', m: { a: 1, b: 2, c: 3 } } });
    const next = withPayload('v2', { topic: 't', data: { id: 'x', hasura_version: '1', m: { a: 1, b: 2, c: 3, d: 4 } } });
    next.add('resources', { cpu: 1, mem: 2 });
    const d = driftBetween(side(old), side(next));
    assert.deepEqual(
      d.kinds.map((k) => [k.kind, k.status, k.previousKind ?? null]),
      [
        ['resources', 'added', null],
        ['v2', 'changed', 'v1'],
      ],
    );
    const v2 = d.kinds.find((k) => k.kind === 'v2')!;
    assert.deepEqual(v2.added.map((f) => f.path), ['$.data.hasura_version', '$.data.m.d']);
    assert.deepEqual(v2.removed.map((f) => f.path), ['$.data.version']);
  });

  it('unrelated kinds are not paired', () => {
    const d = driftBetween(side(withPayload('a', { x: 1, y: 2 })), side(withPayload('b', { p: 1, q: 2 })));
    assert.deepEqual(d.kinds.map((k) => [k.kind, k.status]), [['b', 'added'], ['a', 'removed']]);
  });

  it('removals alone change the telemetry without growing it; identical sets have no drift', () => {
    const shrink = driftBetween(side(withPayload('k', { a: 1, b: 2 })), side(withPayload('k', { a: 1 })));
    assert.equal(shrink.grew, false);
    assert.equal(shrink.changed, true);
    const same = driftBetween(side(withPayload('k', { a: 1 })), side(withPayload('k', { a: 2 })));
    assert.equal(same.changed, false);
    assert.equal(same.kinds[0]!.status, 'unchanged');
  });
});
