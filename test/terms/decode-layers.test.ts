import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeLayers, htmlDecode, jsonUnescape, percentDecode, readable } from '../../src/terms/decode-layers.js';

const texts = (t: string) => decodeLayers(t).map((l) => `${l.chain.join('>')}:${l.text}`);

describe('decodeLayers', () => {
  it('undoes percent-encoding, including "+" and double encoding', () => {
    assert.equal(percentDecode('a%20b+c%2Fd%C3%A9'), 'a b c/dé');
    const t = texts('/x?q=inventory%255Fprod');
    assert.ok(t.includes('url-encoded:/x?q=inventory%5Fprod'));
    assert.ok(t.includes('url-encoded>url-encoded:/x?q=inventory_prod'));
  });

  it('undoes JSON and HTML escapes', () => {
    assert.equal(jsonUnescape('\\u0069nv\\x65n\\/t\\"'), 'inven/t"');
    assert.equal(htmlDecode('&#105;&#x6E;v&amp;&lt;&unknown;'), 'inv&<&unknown;');
  });

  it('decodes base64, base64url and hex blobs that are text, also between path slashes', () => {
    const b64 = Buffer.from('{"table":"loyalty_points"}').toString('base64');
    assert.ok(texts(`token=${b64}`).includes('base64:{"table":"loyalty_points"}'));
    const url = Buffer.from('??>>loyalty_points??').toString('base64url');
    assert.ok(/[-_]/.test(url));
    assert.ok(texts(url).includes('base64url:??>>loyalty_points??'));
    assert.ok(texts(`/data/${Buffer.from('inventory_prod').toString('base64')}/modify`).some((x) => x.endsWith(':inventory_prod')));
    assert.ok(texts(Buffer.from('inventory_prod').toString('hex')).includes('hex:inventory_prod'));
  });

  it('nests decodings: base64 of a percent-encoded name', () => {
    const inner = Buffer.from('name=loyalty%5Fpoints').toString('base64');
    assert.ok(texts(inner).includes('base64>url-encoded:name=loyalty_points'));
  });

  it('ignores binary blobs, UUIDs, identifiers and hashes', () => {
    assert.deepEqual(texts(randomBytes(48).toString('base64').replace(/[A-Z]/, 'Q')).filter((x) => x.startsWith('base64:')).length <= 1, true);
    assert.deepEqual(texts('6513270e-269e-4d37-b2a7-4de452e6b438'), []);
    assert.deepEqual(texts('server_metrics_v2'), []);
    assert.deepEqual(texts('387be7ec2c71e35042406018efd9b18843615c726ab6142057b5553e68c94b7e'), []);
    assert.equal(readable(Buffer.from([0, 1, 2, 3, 4, 5])), null);
    assert.equal(readable(Buffer.from('héllo wörld', 'utf8')), 'héllo wörld');
  });

  it('stops at the depth bound', () => {
    let t = 'loyalty_points table';
    for (let i = 0; i < 6; i++) t = Buffer.from(t).toString('base64');
    const layers = decodeLayers(t);
    assert.ok(layers.every((l) => l.chain.length <= 3));
    assert.ok(!layers.some((l) => l.text.includes('loyalty_points')));
    assert.ok(decodeLayers(t, 6).some((l) => l.text === 'loyalty_points table'));
  });
});
