import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseJson, parseJsonWalk } from '../../src/json/json-parse.js';

describe('parseJson', () => {
  const valid: Array<[string, unknown]> = [
    ['{"a":1,"b":[true,false,null],"c":"x\\u0041\\n"}', { a: 1, b: [true, false, null], c: 'xA\n' }],
    ['  [1, -2.5e3, 0]  ', [1, -2500, 0]],
    ['"\\ud83d\\ude00"', '😀'],
    ['\uFEFF{}', {}],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${JSON.stringify(text)} like JSON.parse`, () => {
      const r = parseJson(text);
      assert.equal(r.ok, true);
      assert.deepEqual(JSON.parse(JSON.stringify(r.ok && r.value)), expected);
    });
  }

  const invalid: Array<[string, number, number]> = [
    ['{"a":1 "b":2}', 1, 8],
    ['{\n  "a": 01\n}', 2, 8],
    ['[1,2', 1, 5],
    ['{"a":tru}', 1, 6],
    ['{"a":"\u0001"}', 1, 7],
    ['{} x', 1, 4],
    ['', 1, 1],
  ];
  for (const [text, line, column] of invalid) {
    it(`rejects ${JSON.stringify(text)} at ${line}:${column}`, () => {
      const r = parseJson(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.deepEqual([r.position.line, r.position.column], [line, column]);
      assert.throws(() => JSON.parse(text));
    });
  }

  it('reports every duplicate key with its object path and position, keeping the last value', () => {
    const r = parseJson('{"data":{"command":"a --flag","x":1,\n"command":"b"},"data2":{"k":1,"k":2,"k":3}}');
    assert.ok(r.ok);
    assert.deepEqual(
      r.duplicates.map((d) => [d.objectPath, d.key, d.position.line]),
      [
        ['$.data', 'command', 2],
        ['$.data2', 'k', 2],
        ['$.data2', 'k', 2],
      ],
    );
    assert.equal((r.value as { data: { command: string } }).data.command, 'b');
  });

  it('treats "__proto__" as data, not as a prototype', () => {
    const r = parseJson('{"__proto__":{"polluted":true}}');
    assert.ok(r.ok);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(r.value as object), ['__proto__']);
  });

  it('gives the byte span of each top-level array element', () => {
    const text = '[ {"a":1} ,\n  {"b":[2]} ]';
    const r = parseJson(text, { elementSpans: true });
    assert.ok(r.ok);
    assert.deepEqual(r.elementSpans?.map(([s, e]) => text.slice(s, e)), ['{"a":1}', '{"b":[2]}']);
  });

  it('fails closed on absurd nesting instead of overflowing the stack', () => {
    const r = parseJson('['.repeat(100_000));
    assert.equal(r.ok, false);
  });
});

describe('parseJson fast path (native JSON.parse) against the duplicate-aware walk', () => {
  const same = (text: string) => {
    const fast = parseJson(text);
    const walk = parseJsonWalk(text);
    assert.deepEqual(fast, walk, text);
    // deepEqual does not compare prototypes: the walk's objects have none, and so must the fast path's.
    const protos = (v: unknown): unknown[] =>
      typeof v !== 'object' || v === null ? [] : Array.isArray(v) ? v.flatMap(protos) : [Object.getPrototypeOf(v), ...Object.values(v).flatMap(protos)];
    if (fast.ok) assert.ok(protos(fast.value).every((p) => p === null), text);
  };

  it('agrees on generated JSON, with and without duplicated keys, escapes and colons in strings', () => {
    const key = fc.constantFrom('a', 'b', 'a:b', 'x"y', '\\', '__proto__', 'constructor', ':', '');
    const leaf = fc.oneof(fc.constant('null'), fc.integer().map(String), fc.constantFrom('"s:t"', '"\\\\"', '"\\":"', '"\\u003a"', 'true', '1e3'));
    const tree: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('v'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
        fc.array(fc.tuple(key, tie('v')), { maxLength: 5 }).map((kvs) => `{${kvs.map(([k, v]) => `${JSON.stringify(k)} : ${v}`).join(', ')}}`),
      ),
    })).v;
    fc.assert(fc.property(tree, same), { numRuns: 2000 });
    fc.assert(fc.property(fc.json(), same), { numRuns: 500 });
  });

  it('finds a duplicate hidden behind escaped quotes and colons inside strings', () => {
    const text = '{"a\\":":"x:\\"y","a\\":":1}';
    const r = parseJson(text);
    assert.ok(r.ok);
    assert.equal(r.duplicates.length, 1);
    assert.equal(r.duplicates[0]!.key, 'a":');
    same(text);
  });

  it('leaves nesting at the walk\'s limit to the walk', () => {
    for (const depth of [510, 511, 512, 513, 514]) same('['.repeat(depth) + '1' + ']'.repeat(depth));
    for (const depth of [511, 512, 513]) same('{"a":'.repeat(depth) + '{}' + '}'.repeat(depth));
  });
});
