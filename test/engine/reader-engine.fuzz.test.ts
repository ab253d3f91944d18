/**
 * Fuzzing of the readers (NDJSON, HAR, bare JSON) and the engine with fast-check: random
 * nesting, keys, encodings, duplicate keys and control characters. Whatever the input, the
 * reader and the engine never crash and finish within a bound, and an input that carries a
 * planted canary never passes. Run counts are bounded so this stays a few seconds.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { InputError, readSource } from '../../src/capture/read-inputs.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { LeakScanner } from '../../src/terms/leak-scanner.js';
import { TERM_RULE_DOCS } from '../../src/terms/sensitive-term.js';

const policy = compilePolicy(hasuraPolicy, [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS]);
const CANARY = 'zq7canaryvx93k';
const options = { detectors: DEFAULT_DETECTORS, scanners: [new LeakScanner({ terms: [{ value: CANARY, kind: 'canary' }], detectors: DEFAULT_DETECTORS })] };
const URL_ = 'https://telemetry.hasura.io/v1/http';
/** Wall time one input may take through reader and engine: generous, the machine is shared. */
const BOUND_MS = 5_000;

// Keys and strings with controls, quotes, escapes, astral characters and lone surrogates.
const nastyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('\u001b[2J', '\u0000', '\u009b', '"', '\\', '\ud800', '__proto__', 'constructor', 'body', 'text', ''),
);
const jsonTree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), nastyString, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(nastyString, tie('value')), { maxLength: 4 }),
})).value;

/** JSON text of a tree, objects written as key lists so duplicate keys survive. */
function toText(v: unknown, canaryAt: { n: number }, plant: number): string {
  if (Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')) {
    return '{' + (v as Array<[string, unknown]>).map(([k, x]) => `${JSON.stringify(k)}:${toText(x, canaryAt, plant)}`).join(',') + '}';
  }
  if (Array.isArray(v)) return '[' + v.map((x) => toText(x, canaryAt, plant)).join(',') + ']';
  if (typeof v === 'string' && canaryAt.n++ === plant) return JSON.stringify(v + CANARY);
  return JSON.stringify(v) ?? 'null';
}

/** Where the payload text travels: each container the readers know, or raw bytes. */
const containers = {
  ndjson: (body: string) => JSON.stringify({ method: 'POST', url: URL_, transport: 'http', headers: [['content-type', 'application/json']], body }) + '\n',
  'ndjson with a duplicate body': (body: string) => `{"method":"POST","url":"${URL_}","transport":"http","headers":[],"body":${JSON.stringify(body)},"body":"{}"}\n`,
  har: (body: string) => JSON.stringify({ log: { version: '1.2', entries: [{ request: { method: 'POST', url: URL_, headers: [], postData: { mimeType: 'application/json', text: body } } }] } }),
  'bare json': (body: string) => body,
};

async function readAll(bytes: Buffer): Promise<CapturedRequest[] | InputError> {
  const out: CapturedRequest[] = [];
  try {
    for await (const r of readSource({ display: '-', path: null }, Readable.from([bytes]))) out.push(r);
  } catch (err) {
    if (err instanceof InputError) return err; // a refusal with a message, exit 2: never a pass
    throw err;
  }
  return out;
}

describe('fuzzing the readers and the engine (fast-check)', () => {
  it('never crash, finish in bounded time, and never pass an input with a planted canary', async () => {
    await fc.assert(
      fc.asyncProperty(
        jsonTree,
        fc.nat(),
        fc.constantFrom(...(Object.keys(containers) as Array<keyof typeof containers>)),
        fc.constantFrom('utf8', 'invalid-utf8', 'bom'),
        async (tree, plantSeed, container, encoding) => {
          const count = { n: 0 };
          toText(tree, count, -1);
          const plant = count.n === 0 ? -1 : plantSeed % count.n;
          // No string to carry it: the canary becomes an extra field of the top object.
          let body = toText(tree, { n: 0 }, plant);
          if (plant === -1) body = `{"k":${JSON.stringify(CANARY)},"v":${body}}`;
          let bytes = Buffer.from(containers[container](body), 'utf8');
          if (encoding === 'bom') bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
          if (encoding === 'invalid-utf8') bytes = Buffer.concat([bytes.subarray(0, bytes.length >> 1), Buffer.from([0xff, 0xc3]), bytes.subarray(bytes.length >> 1)]);
          const started = Date.now();
          const read = await readAll(bytes);
          if (read instanceof InputError) return;
          assert.ok(read.length > 0, 'an input that was read yields a request');
          const results = read.map((r) => auditRequest(r, policy, options));
          assert.ok(Date.now() - started < BOUND_MS, `took ${Date.now() - started} ms`);
          // Planted and read: some request of it does not pass.
          assert.ok(results.some((r) => r.verdict === 'fail'), `passed: ${container} ${encoding} ${JSON.stringify(body).slice(0, 300)}`);
          // Where the bytes are intact and not hidden behind a duplicate key (itself an error),
          // the canary itself is what is found, not just any error.
          if (encoding !== 'invalid-utf8' && container !== 'ndjson with a duplicate body') {
            const found = results.some((r) => r.findings.some((f) => f.matched?.split(',').includes('canary')));
            assert.ok(found, `canary not found: ${container} ${encoding} ${JSON.stringify(body).slice(0, 300)}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the engine alone never crashes on random bytes, deep nesting or huge keys', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.nat({ max: 5000 }).map((d) => new TextEncoder().encode('['.repeat(d) + ']'.repeat(d))),
          fc.string({ maxLength: 20 }).map((k) => new TextEncoder().encode(JSON.stringify({ [k.repeat(500)]: k, [k]: [k, { [k]: k }] }))),
        ),
        (body) => {
          const r = auditRequest({ id: 'f', time: '2026-01-01T00:00:00.000Z', method: 'POST', url: URL_, headers: [], body, transport: 'http', origin: { kind: 'generated', generator: 'fuzz' } }, policy, options);
          assert.ok(['pass', 'warn', 'fail'].includes(r.verdict));
        },
      ),
      { numRuns: 200 },
    );
  });
});
