/** The pure line builders behind each pane: what a reviewer reads, checked as text and tones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRequest } from '../../src/engine/audit-request.js';
import { diffJson } from 'diff';
import { diffJsonLines, diffLines, jsonDiffLines, shapeOf } from '../../src/tui/render/diff-lines.js';
import { findingsLines } from '../../src/tui/render/findings-lines.js';
import { fitLine, lineText, seg, type Line } from '../../src/tui/render/line.js';
import { destinationOf, listRow } from '../../src/tui/render/list-row.js';
import { fieldMarks, payloadLines, payloadTree } from '../../src/tui/render/payload-tree.js';
import { rawLines } from '../../src/tui/render/raw-lines.js';
import { fit, sanitize, wrap } from '../../src/tui/render/text-fit.js';
import { CLI_SAMPLE } from '../../src/policy/packs/hasura/samples.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';
import { audit, compiled, auditOptions } from '../helpers/tui-session.js';
import { rng } from '../helpers/rng.js';

const text = (lines: Line[]) => lines.map(lineText);
const withPayload = (r: ReturnType<typeof audit>) => auditRequest(r.request, compiled, { ...auditOptions, keepPayload: true });

describe('text fitting', () => {
  it('shows control characters as escapes, so a payload cannot drive the terminal', () => {
    assert.equal(sanitize('a\u001b[31mb\u0007\u009b'), 'a\\u001b[31mb\\u0007\\u009b');
    assert.equal(sanitize('tab\there'), 'tab  here');
  });

  it('cuts with an ellipsis and wraps at spaces near the end of a row', () => {
    assert.equal(fit('abcdef', 4), 'abc…');
    assert.equal(fit('abc', 4), 'abc');
    assert.deepEqual(wrap('aaaa bbbb cccc', 10), ['aaaa bbbb ', 'cccc']);
    assert.deepEqual(wrap('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('fits a line of segments, marking the cut even on a segment boundary', () => {
    assert.equal(lineText(fitLine([seg('abcd'), seg('efgh')], 6)), 'abcde…');
    assert.equal(lineText(fitLine([seg('abcd'), seg('efgh')], 4)), 'abc…');
    assert.equal(lineText(fitLine([seg('ab')], 4)), 'ab');
  });
});

describe('payload tree', () => {
  const leaky = withPayload(audit(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' }))));

  it('marks the violating field with ✗ and its rule ids, the undocumented one with !, the rest allowed', () => {
    const lines = payloadLines(leaky.payload, true, leaky.findings, 120);
    const command = lines.find((l) => lineText(l).includes('"command"'))!;
    assert.match(lineText(command), /^✗ {3}"command": "hasura migrate apply --admin-secret",\s+✗ hasura\/cli-command-flags/);
    assert.ok(command.some((s) => s.tone === 'fail' && s.text.includes('"command"')), 'the field is in the violation tone');
    const error = lines.find((l) => lineText(l).includes('"error"'))!;
    assert.match(lineText(error), /^! {3}"error": null,\s+! schema\/undocumented-field$/);
    assert.ok(error.some((s) => s.tone === 'warn'));
    const os = lines.find((l) => lineText(l).includes('"os_platform"'))!;
    assert.match(lineText(os), /^ {4}"os_platform": "linux",$/);
    assert.ok(os.some((s) => s.tone === 'pass'));
  });

  it('keeps the rule ids visible and cuts the value instead when the line is narrow', () => {
    const lines = payloadLines(leaky.payload, true, leaky.findings, 60);
    const command = lineText(lines.find((l) => lineText(l).includes('"command"'))!);
    assert.ok(command.includes('✗ hasura/cli-command-flags'));
    assert.ok(command.includes('…'));
  });

  it('names every rule when there is room, else the first and a count, before cutting the value', () => {
    const two = withPayload(audit(httpRequest(cliFlat({ command: 'hasura migrate apply --database-name x' }))));
    const at = (width: number) => lineText(payloadLines(two.payload, true, two.findings, width).find((l) => lineText(l).includes('"command"'))!);
    assert.match(at(120), /"hasura migrate apply --database-name x",\s+✗ hasura\/cli-command-flags, hasura\/cli-command-args$/);
    assert.match(at(90), /"hasura migrate apply --database-name x",\s+✗ hasura\/cli-command-flags \+1$/);
    assert.match(at(60), /…\s+✗ hasura\/cli-command-flags \+1$/);
  });

  it('maps findings by JSON path: nested objects, arrays, and keys that need brackets', () => {
    const payload = { data: { 'odd key': [1, { deep: 'x' }] }, ok: true };
    const marks = fieldMarks([
      { rule: 'a/deep', severity: 'error', message: '', requestId: 'r', kind: null, location: { part: 'body', path: '$.data["odd key"][1].deep' }, fingerprint: '' },
      { rule: 'a/odd', severity: 'warning', message: '', requestId: 'r', kind: null, location: { part: 'body', path: '$.data["odd key"]' }, fingerprint: '' },
    ]);
    const tree = payloadTree(payload, marks);
    const deep = tree.lines.find((l) => l.path === '$.data["odd key"][1].deep')!;
    assert.equal(deep.own, 'violation');
    const one = tree.lines.find((l) => l.path === '$.data["odd key"][0]')!;
    assert.equal(one.own, 'allowed');
    assert.equal(one.effective, 'warning', 'inside an undocumented field, a field is undocumented too');
    assert.equal(tree.lines.find((l) => l.path === '$.ok')!.effective, 'allowed');
    assert.deepEqual([...tree.placed].sort(), ['$.data["odd key"]', '$.data["odd key"][1].deep']);
  });

  it('lists findings that point at no field of the tree below it', () => {
    const r = withPayload(audit(httpRequest(cliFlat(), { headers: [['cookie', 'session=1'], ['user-agent', 'Go-http-client/1.1']] })));
    const lines = text(payloadLines(r.payload, true, r.findings, 100));
    const at = lines.indexOf('Findings not on a field of this tree:');
    assert.ok(at > 0);
    assert.ok(lines.slice(at).some((l) => /✗ request\/forbidden-header\s+header cookie/.test(l)));
  });

  it('says so when the body is not JSON, and still lists the findings', () => {
    const r = withPayload(audit(httpRequest('not json {', { raw: true })));
    const lines = text(payloadLines(r.payload, r.payload !== undefined, r.findings, 100));
    assert.match(lines[0]!, /not a JSON payload/);
    assert.ok(lines.some((l) => l.includes('body/invalid-json')));
  });

  it('escapes control characters inside payload strings', () => {
    const lines = text(payloadLines({ k: 'a\u001b[2Jb' }, true, [], 100));
    assert.ok(lines.some((l) => l.includes('a\\u001b[2Jb')));
    assert.ok(!lines.some((l) => l.includes('\u001b')));
  });
});

describe('diff', () => {
  it('reduces a payload to its shape: types for leaves, distinct element shapes for arrays', () => {
    assert.deepEqual(shapeOf({ a: 1, b: 1.5, c: 'x', d: null, e: [1, 2, 'x'], f: { g: false } }), {
      a: 'integer', b: 'number', c: 'string', d: 'null', e: ['integer', 'string'], f: { g: 'boolean' },
    });
  });

  it('shows added and removed lines as hunks with a little context', () => {
    const before = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
    const after = { ...before, k10: 99, extra: true };
    const d = jsonDiffLines(before, after);
    assert.ok(!('tooLarge' in d));
    const lines = text(d.lines);
    assert.ok(lines.includes('-   "k10": 10,'));
    assert.ok(lines.includes('+   "k10": 99,'));
    assert.ok(lines.includes('+   "extra": true,'));
    assert.ok(lines.some((l) => /⋯ \d+ unchanged lines/.test(l)), 'long unchanged runs are folded');
    assert.deepEqual(d.stats, { added: 2, removed: 1 });
  });

  it('compares a CLI payload with the documented sample and with the previous one of its kind', () => {
    const first = withPayload(audit(httpRequest(cliFlat({ command: 'hasura version' }))));
    const second = withPayload(audit(httpRequest(cliFlat({ command: 'hasura seed apply' }))));
    const lines = text(diffLines({ kind: 'cli-flat', payload: second.payload, hasPayload: true, sample: CLI_SAMPLE, previous: { label: 'earlier', payload: first.payload } }));
    const sampleShape = lines.indexOf(lines.find((l) => l.startsWith('vs the documented sample: shape'))!);
    assert.ok(sampleShape >= 0);
    assert.ok(lines.includes('+   "error": "null",'), 'the undocumented field shows in the shape diff');
    assert.ok(lines.includes('the previous cli-flat: earlier'));
    assert.ok(lines.some((l) => /^vs the previous cli-flat: shape\s+same fields and types$/.test(l)));
    assert.ok(lines.includes('-   "command": "hasura version",'));
    assert.ok(lines.includes('+   "command": "hasura seed apply",'));
  });

  it("finds the same changes as the diff library's diffJson, on random payloads", () => {
    const r = rng(7);
    const leaf = (): unknown => [1, 2.5, 'a', 'b,', ',', null, true, [], {}][r(9)];
    const value = (depth: number): unknown => {
      if (depth > 2 || r(3) === 0) return leaf();
      if (r(2) === 0) return Array.from({ length: r(5) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: r(6) }, () => [`k${r(8)}`, value(depth + 1)]));
    };
    // Edits of the first value, so the two share most lines (where a trailing comma matters).
    const edit = (v: unknown): unknown => {
      if (Array.isArray(v)) return r(4) === 0 ? [...v, leaf()] : v.map((e) => (r(3) === 0 ? edit(e) : e));
      if (v !== null && typeof v === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) if (r(6) !== 0) out[k] = r(3) === 0 ? edit(e) : e;
        if (r(3) === 0) out[`n${r(8)}`] = value(2);
        return out;
      }
      return r(2) === 0 ? leaf() : v;
    };
    for (let i = 0; i < 300; i++) {
      const before = value(0);
      const after = r(5) === 0 ? value(0) : edit(before);
      const a = typeof before === 'object' && before !== null ? before : JSON.stringify(before);
      const b = typeof after === 'object' && after !== null ? after : JSON.stringify(after);
      assert.deepEqual(diffJsonLines(a, b), diffJson(a, b), `case ${i}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    }
  });

  it('says what it cannot compare', () => {
    assert.match(text(diffLines({ kind: null, payload: {}, hasPayload: true }))[0]!, /matches no kind/);
    const first = text(diffLines({ kind: 'cli-flat', payload: { a: 1 }, hasPayload: true }));
    assert.ok(first.some((l) => l.includes('the policy has no sample for cli-flat')));
    assert.ok(first.some((l) => l.includes('this is the first one')));
  });
});

describe('findings, raw and list rows', () => {
  const leaky = audit(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' })));

  it('findings show rule, severity, location and redacted evidence until revealed', () => {
    const hidden = text(findingsLines(leaky, false, 100)).join('\n');
    assert.match(hidden, /✗ error {4}hasura\/cli-command-flags {2}body \$\.command/);
    assert.match(hidden, /evidence: \[redacted 14 chars\]/);
    assert.ok(!hidden.includes('--admin-secret'));
    const shown = text(findingsLines(leaky, true, 100)).join('\n');
    assert.match(shown, /evidence: "--admin-secret"/);
  });

  it('raw shows the request as sent: hex for a gzipped body, then the decoded text', () => {
    const gz = audit(httpRequest(cliFlat(), { gzip: true, headers: [['x-note', 'a\u001b]0;pwned\u0007']] }));
    const full = withPayload(gz);
    const lines = text(rawLines(gz.request, full.bodyText, 100));
    assert.equal(lines[0], 'POST https://telemetry.hasura.io/v1/http');
    assert.ok(lines.some((l) => l === '  x-note: a\\u001b]0;pwned\\u0007'));
    assert.ok(lines.some((l) => /^Body as sent \(\d+ bytes, not text, content-encoding gzip\)$/.test(l)));
    assert.ok(lines.some((l) => l.startsWith('000000  1f 8b')), 'gzip magic in the hex dump');
    assert.ok(lines.includes('Body decoded (as audited)'));
    assert.ok(lines.some((l) => l.includes('"os_platform":"linux"')));
  });

  it('a list row has time, kind, destination and a verdict badge with counts', () => {
    const row = lineText(listRow(leaky, 100, true));
    assert.match(row, /^› 09:15:02 cli-flat\s+POST telemetry\.hasura\.io\/v1\/http\s+FAIL\s+1✗\s+1!$/);
    assert.equal(row.length, 100);
    assert.equal(destinationOf(audit(httpRequest({}, { url: null, origin: { kind: 'file', file: 'a.json', format: 'json' } }))), 'bare payload · a.json');
  });

  it('an opt-out request\'s row names its scenario and the step that sent it, within the width', () => {
    const fromStep = audit(httpRequest(cliFlat(), { origin: { kind: 'process', command: 'tool telemetry disable', pid: 7, scenario: 'telemetry-disable', step: 'disable' } }));
    const row = lineText(listRow(fromStep, 120, false));
    assert.match(row, /^  \d\d:\d\d:\d\d cli-flat\s+telemetry-disable\/disable POST telemetry\.hasura\.io\/v1\/http\s+(pass|WARN|FAIL)/);
    assert.equal(row.length, 120);
    assert.equal(lineText(listRow(fromStep, 100, false)).length, 100, 'narrower: the URL is cut, the row keeps its width');
    const trigger = audit(httpRequest(cliFlat(), { origin: { kind: 'process', pid: 8, scenario: 'control', step: 'trigger' } }));
    assert.match(lineText(listRow(trigger, 100, false)), / control\/trigger POST /);
    // A long scenario name takes at most half the destination column.
    const long = audit(httpRequest(cliFlat(), { origin: { kind: 'process', pid: 9, scenario: 'x'.repeat(80), step: 'disable' } }));
    const narrow = lineText(listRow(long, 100, false));
    assert.equal(narrow.length, 100);
    assert.match(narrow, /x… POST telemetry\.hasura/);
  });
});
