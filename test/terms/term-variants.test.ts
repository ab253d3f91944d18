import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { base64Piece, MIN_ENCODED_LENGTH, termVariants } from '../../src/terms/term-variants.js';

const byEncoding = (term: string) => {
  const map = new Map<string, string[]>();
  for (const v of termVariants(term)) map.set(v.encoding, [...(map.get(v.encoding) ?? []), v.text]);
  return map;
};

describe('termVariants', () => {
  const v = byEncoding('Inventory Prod/2');

  it('lists the raw term first and every encoding the issue names', () => {
    assert.equal(termVariants('Inventory Prod/2')[0]!.encoding, 'raw');
    for (const enc of ['url-encoded', 'url-encoded-twice', 'json-escaped', 'json-unicode', 'html-entities', 'hex', 'base64']) {
      assert.ok(v.has(enc), `missing ${enc}`);
    }
    for (const alg of ['md5', 'sha1', 'sha256', 'sha512']) for (const f of ['hex', 'base64']) assert.ok(v.has(`${alg}-${f}`), `${alg}-${f}`);
    // base64url is named only where it differs from base64 ("-" or "_" in place of "+" or "/").
    const url = byEncoding('data~~~>>>?');
    assert.ok(url.get('base64url')!.every((t) => /[-_]/.test(t)));
    assert.ok(url.get('base64')!.some((t) => /[+/]/.test(t)));
  });

  it('URL-encodes with %20 and with +, every byte, and twice', () => {
    const url = v.get('url-encoded')!;
    assert.ok(url.includes('Inventory%20Prod%2F2'));
    assert.ok(url.includes('Inventory+Prod%2F2'));
    assert.ok(url.includes('%49%6E%76%65%6E%74%6F%72%79%20%50%72%6F%64%2F%32'));
    assert.ok(v.get('url-encoded-twice')!.includes('Inventory%2520Prod%252F2'));
  });

  it('escapes for JSON and HTML', () => {
    assert.ok(v.get('json-escaped')!.includes('Inventory Prod\\/2'));
    assert.ok(v.get('json-unicode')![0]!.startsWith('\\u0049\\u006e\\u0076'));
    assert.ok(v.get('html-entities')!.includes('&#73;&#110;&#118;&#101;&#110;&#116;&#111;&#114;&#121;&#32;&#80;&#114;&#111;&#100;&#47;&#50;'));
    assert.ok(v.get('html-entities')!.some((x) => x.startsWith('&#x49;&#x6e;')));
  });

  it('hashes the term as given and lower-cased, in hex, base64 and base64url', () => {
    const sha = (s: string) => createHash('sha256').update(s).digest();
    assert.deepEqual(v.get('sha256-hex'), [sha('Inventory Prod/2').toString('hex')]);
    assert.deepEqual(v.get('sha256-hex(lowercased)'), [sha('inventory prod/2').toString('hex')]);
    const b64 = sha('Inventory Prod/2').toString('base64');
    const b64url = sha('Inventory Prod/2').toString('base64url');
    assert.deepEqual(v.get('sha256-base64'), /[-_]/.test(b64url) ? [b64] : [b64, b64url]);
    const s512 = createHash('sha512').update('Inventory Prod/2').digest('base64url');
    assert.ok([...(v.get('sha512-base64url') ?? []), ...(v.get('sha512-base64') ?? [])].includes(s512));
    assert.ok(termVariants('abcd1234').every((x) => !x.encoding.includes('lowercased')), 'a lower-case term has no separate lower-cased forms');
  });

  it('has a base64 piece for each of the three alignments, found inside any longer blob', () => {
    const term = Buffer.from('loyalty_points');
    for (const offset of [0, 1, 2] as const) {
      for (let trial = 0; trial < 20; trial++) {
        const prefix = randomBytes(offset + 3 * (trial % 4));
        const blob = Buffer.concat([prefix, term, randomBytes(trial % 5)]);
        for (const alphabet of ['base64', 'base64url'] as const) {
          const piece = base64Piece(term, offset, alphabet);
          assert.ok(piece.length >= MIN_ENCODED_LENGTH);
          assert.ok(blob.toString(alphabet).includes(piece), `${alphabet} offset ${offset}`);
        }
      }
    }
    assert.equal(new Set([0, 1, 2].map((o) => base64Piece(term, o as 0 | 1 | 2, 'base64'))).size, 3);
  });

  it('lists a form once (a plain word is its own URL encoding) and drops encoded forms too short to be specific', () => {
    const texts = termVariants('acme').map((x) => `${x.exactCase}|${x.exactCase ? x.text : x.text.toLowerCase()}`);
    assert.equal(new Set(texts).size, texts.length);
    assert.ok(!termVariants('acme').some((x) => x.encoding === 'url-encoded' && x.text === 'acme'));
    assert.ok(termVariants('acme').every((x) => !x.exactCase || x.token || x.text.length >= MIN_ENCODED_LENGTH));
    assert.ok(termVariants('ab cd').some((x) => x.text === 'ab+cd'), 'a form as long as the term is kept');
  });

  it('marks digests as tokens and base64 forms as exact-case', () => {
    for (const x of termVariants('warehouse_7')) {
      assert.equal(x.token === true, /^(md5|sha1|sha256|sha512)-/.test(x.encoding), x.encoding);
      assert.equal(x.exactCase, /base64/.test(x.encoding), x.encoding);
    }
  });
});
