/**
 * The inspector rendered by Ink in memory (ink-testing-library): what a reviewer sees after
 * each key. After writing to stdin the test waits a moment before reading the frame (Ink
 * handles input on the next turns of the event loop; a lone Esc waits for a possible sequence).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { render } from 'ink-testing-library';
import type { RequestResult } from '../../src/engine/audit-request.js';
import { App, type InspectorEffects } from '../../src/tui/components/App.js';
import { sessionFiles } from '../../src/tui/effects/session-files.js';
import { detailSource } from '../../src/tui/run-inspector.js';
import { createStore, type InspectorStore } from '../../src/tui/state/store.js';
import { initialState } from '../../src/tui/state/inspector-state.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { httpRequest, cliFlat } from '../helpers/requests.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { audit, fixtureResults, session, storeWith } from '../helpers/tui-session.js';
import { SummaryBuilder } from '../../src/engine/summary.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-app-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let corpus: RequestResult[] = [];
let N = 0;
/** How many requests of the corpus fail: what `v` lists, `s` saves and `r` reports. */
let FAILING = 0;
before(async () => {
  corpus = await fixtureResults('fixtures/hasura');
  N = corpus.length;
  FAILING = corpus.filter((r) => r.verdict === 'fail').length;
});
/** The second request of the corpus (fixtures/hasura/leaky/cli-command-flag-value.ndjson) is the one most tests look at. */
const FLAG_VALUE_ROW = ['j'];

function mount(store: InspectorStore, effects: Partial<InspectorEffects> = {}) {
  const files = sessionFiles({ dir, policy: hasuraPolicy, toolVersion: 'test', inputs: ['fixtures/hasura'], showEvidence: false, maxWarnings: undefined, notes: [] });
  const app = render(
    <App
      store={store}
      detail={detailSource(session)}
      effects={{ save: files.save, report: files.report, ...effects }}
      policyName="hasura"
      maxWarnings={undefined}
      color={false}
    />,
  );
  const frame = () => app.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
    }
  };
  return { app, frame, press, lines: () => frame().split('\n') };
}

const selectedRow = (lines: string[]) => lines.find((l) => l.startsWith('› '));

describe('inspector in memory (ink-testing-library)', () => {
  it('shows the header counts and verdict, the list with the first request selected, and the payload tab', async () => {
    const ui = mount(storeWith(corpus));
    const lines = ui.lines();
    assert.match(lines[0]!, /^telemetry-audit inspect · test · policy hasura/);
    const s = SummaryBuilder.fold(new SummaryBuilder().build(), corpus);
    assert.equal(
      lines[1],
      `${s.requests} requests (${s.audited} audited, ${s.skipped} skipped) · ${Object.keys(s.kinds).length} kinds · ${s.errors} errors · ${s.warnings} warnings · FAIL (exit 1)`,
    );
    assert.match(lines[2]!, new RegExp(`^ {2}time\\s+kind\\s+destination {3}1/${N}\\s+verdict$`));
    assert.match(selectedRow(lines)!, /cli-flat\s+POST telemetry\.hasura\.io\/v1\/http\s+FAIL\s+1✗\s+1!/);
    assert.ok(lines.some((l) => l.startsWith('[1 Payload]  2 Findings (2)   3 Diff   4 Raw')));
    assert.equal(lines.length, 29, 'one row short of the terminal, so Ink never clears the screen');
    ui.app.unmount();
  });

  it('moves with j/k and the arrow keys, and scrolls the list to keep the selection in view', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press('j', 'j');
    assert.match(selectedRow(ui.lines())!, /cli-flat\s+POST telemetry\.hasura\.io\/v1\/http\s+FAIL\s+1✗\s+1!/);
    assert.match(ui.lines()[2]!, new RegExp(`3/${N}\\s+verdict$`));
    await ui.press('k');
    assert.match(ui.lines()[2]!, new RegExp(`2/${N}\\s+verdict$`));
    await ui.press('\u001b[B', '\u001b[B');
    assert.match(ui.lines()[2]!, new RegExp(`4/${N}\\s+verdict$`));
    await ui.press('G');
    assert.match(ui.lines()[2]!, new RegExp(`${N}/${N}\\s+verdict$`));
    assert.ok(selectedRow(ui.lines()), 'the last request is on screen and selected');
    await ui.press('g');
    assert.match(ui.lines()[2]!, new RegExp(`1/${N}\\s+verdict$`));
    ui.app.unmount();
  });

  it('switches tabs with Tab, Shift-Tab and the digits', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press(...FLAG_VALUE_ROW, '2');
    let f = ui.frame();
    assert.ok(f.includes('[2 Findings (3)]'));
    assert.match(f, /✗ error {4}hasura\/cli-command-flags {2}body \$\.command/);
    assert.match(f, /evidence: \[redacted 15 chars\]/);
    await ui.press('\t');
    assert.ok(ui.frame().includes('[3 Diff]'));
    await ui.press('\t');
    f = ui.frame();
    assert.ok(f.includes('[4 Raw]'));
    assert.ok(f.includes('POST https://telemetry.hasura.io/v1/http'));
    assert.ok(f.includes('user-agent: Go-http-client/1.1'));
    await ui.press('\t');
    assert.ok(ui.frame().includes('[1 Payload]'), 'Tab wraps around (no opt-out tab in a replay)');
    await ui.press('\u001b[Z');
    assert.ok(ui.frame().includes('[4 Raw]'));
    await ui.press('5');
    assert.ok(ui.frame().includes('Opt-out: nothing to show in this session'));
    ui.app.unmount();
  });

  it('colours nothing under NO_COLOR but marks the violating field and its rule in text', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press(...FLAG_VALUE_ROW);
    const command = ui.lines().find((l) => l.includes('"command"'))!;
    // Short of room, the first rule is named and the others counted, and the value stays whole.
    assert.match(command, /^✗ {3}"command": "hasura migrate apply --database-name inventory_prod",\s+✗ hasura\/cli-command-flags \+1$/);
    assert.ok(!ui.frame().includes('\u001b['), 'no escape sequences at all in a NO_COLOR frame');
    ui.app.unmount();
  });

  it('reveals evidence with e and hides it again', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press(...FLAG_VALUE_ROW, '2', 'e');
    assert.match(ui.frame(), /evidence: "--database-name"/);
    await ui.press('e');
    assert.doesNotMatch(ui.frame(), /--database-name"/);
    ui.app.unmount();
  });

  it('filters with / by kind, verdict and text; Esc clears the filter', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press('/');
    assert.match(ui.lines().at(-1)!, /^\/█/);
    await ui.press('kind:console-v2 verdict:fail', '\r');
    let lines = ui.lines();
    assert.match(lines[2]!, /destination {3}1\/4 · filter kind:console-v2 verdict:fail\s+verdict$/);
    const rows = lines.filter((l) => /^[› ] \d\d:\d\d:\d\d /.test(l));
    assert.equal(rows.length, 4);
    assert.ok(rows.every((r) => /console-v2\s+WS wss:\/\/telemetry\.hasura\.io\/v1\/ws\s+FAIL/.test(r)));
    await ui.press('/', '\u0015', 'releases.hasura', '\r');
    lines = ui.lines();
    assert.match(lines[2]!, /1\/1 · filter releases\.hasura\s+verdict$/);
    assert.match(selectedRow(lines)!, /GET releases\.hasura\.io/);
    await ui.press('\u001b');
    await tick(50);
    // The whole list again, still on the request that was selected.
    assert.match(ui.lines()[2]!, new RegExp(`\\d+/${N}\\s+verdict$`));
    assert.match(selectedRow(ui.lines())!, /GET releases\.hasura\.io/);
    ui.app.unmount();
  });

  it('shows a filter error without losing what was typed', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press('/', 'verdict:nope', '\r');
    assert.match(ui.lines().at(-1)!, /^\/verdict:nope█\s+verdict:nope: use fail, warn, pass or skip/);
    ui.app.unmount();
  });

  it('shows violations only with v, and everything again', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press('v');
    const lines = ui.lines();
    assert.match(lines[2]!, new RegExp(`1/${FAILING} · violations only\\s+verdict$`));
    const rows = lines.filter((l) => /^[› ] \d\d:\d\d:\d\d /.test(l));
    assert.ok(rows.length > 0 && rows.every((r) => r.includes(' FAIL ')));
    await ui.press('v');
    assert.match(ui.lines()[2]!, new RegExp(`1/${N}\\s+verdict$`));
    ui.app.unmount();
  });

  it('renders the diff against the documented sample and the previous payload of the kind', async () => {
    const ui = mount(storeWith(corpus, { columns: 100, rows: 80 }));
    await ui.press(...FLAG_VALUE_ROW, '3');
    const f = ui.frame();
    assert.ok(f.includes('- documented / previous   + this payload   (kind cli-flat)'));
    assert.match(f, /vs the documented sample: shape {2}\+2 -2/);
    assert.ok(f.includes('+   "error": "null",'));
    assert.ok(f.includes('-   "id": "integer",'));
    assert.ok(ui.frame().includes('the previous cli-flat: 09:15:02, fixtures/hasura/leaky/cli-command-argument.ndjson:1'));
    assert.match(ui.frame(), /vs the previous cli-flat: shape\s+same fields and types/);
    assert.match(ui.frame(), /vs the previous cli-flat: values {2}\+\d+ -\d+/);
    ui.app.unmount();
  });

  it('shows the help generated from the key table, and closes it with Esc', async () => {
    const ui = mount(storeWith(corpus, { columns: 100, rows: 60 }));
    await ui.press('?');
    const f = ui.frame();
    for (const text of ['Keys', '↓ j', 'next request', 'Tab →', '/', 'show violations (failing requests) only', 's', 'save the listed requests as an NDJSON capture', 'q', "quit, with the audit's exit code"]) {
      assert.ok(f.includes(text), `help shows ${text}`);
    }
    await ui.press('\u001b');
    await tick(50);
    assert.ok(ui.frame().includes('[1 Payload]'));
    ui.app.unmount();
  });

  it('saves the listed requests as NDJSON that `audit` reads back, and writes a report', async () => {
    const ui = mount(storeWith(corpus));
    await ui.press('v', 's');
    await tick(200);
    assert.match(ui.lines().at(-1)!, new RegExp(`^saved ${FAILING} requests to telemetry-audit-capture-\\d{8}-\\d{6}\\.ndjson$`));
    const saved = readdirSync(dir).find((f) => f.endsWith('.ndjson'))!;
    const reread = [];
    for await (const r of readInputs(await resolveInputs([path.join(dir, saved)], REPO_ROOT))) reread.push(audit(r));
    assert.equal(reread.length, FAILING);
    assert.ok(reread.every((r) => r.verdict === 'fail'), 'the saved captures fail again when audited');
    await ui.press('r');
    await tick(200);
    assert.match(ui.lines().at(-1)!, new RegExp(`^wrote the report of ${FAILING} requests \\(exit 1\\) to telemetry-audit-report-\\d{8}-\\d{6}\\.json$`));
    const report = JSON.parse(readFileSync(path.join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!), 'utf8'));
    assert.equal(report.exitCode, 1);
    assert.equal(report.requests.length, FAILING);
    assert.equal(report.evidence, 'redacted');
    assert.ok(!JSON.stringify(report).includes('inventory_prod'), 'the report does not leak what it found');
    ui.app.unmount();
  });

  it('quits on q after stopping the source', async () => {
    let stopped = 0;
    const ui = mount(storeWith(corpus), { beforeQuit: async () => void stopped++ });
    await ui.press('q');
    await tick(50);
    assert.equal(stopped, 1);
    const frames = ui.app.frames.length;
    await ui.press('j');
    assert.equal(ui.app.frames.length, frames, 'the app has exited: keys draw nothing');
  });

  it('adapts the layout to a resize', async () => {
    const ui = mount(storeWith(corpus));
    const stdout = ui.app.stdout;
    Object.defineProperty(stdout, 'columns', { value: 70, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: 20, configurable: true });
    stdout.emit('resize');
    await tick();
    const lines = ui.lines();
    assert.equal(lines.length, 19);
    assert.ok(lines.every((l) => [...l].length <= 70), 'no line is wider than the terminal');
    assert.ok(selectedRow(lines));
    Object.defineProperty(stdout, 'columns', { value: 50, configurable: true });
    stdout.emit('resize');
    await tick();
    assert.match(ui.frame(), /the inspector needs at\s+least 60x14/);
    ui.app.unmount();
  });

  it('shows requests from a live source as they arrive, without moving the selection', async () => {
    const store = createStore(initialState({ size: { columns: 100, rows: 30 }, source: { label: 'following capture.ndjson', live: true } }));
    const ui = mount(store);
    assert.match(ui.frame(), /Waiting for requests…/);
    assert.match(ui.lines()[0]!, /● live/);
    store.dispatch({ type: 'results-added', results: [audit(httpRequest(cliFlat(), { id: 'a' }))] });
    await tick();
    assert.match(ui.lines()[1]!, /^1 request .*PASS \(with warnings\) \(exit 0\)$/);
    assert.match(ui.lines()[2]!, /1\/1\s+verdict$/);
    store.dispatch({ type: 'results-added', results: [audit(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' }), { id: 'b' }))] });
    await tick();
    assert.match(ui.lines()[1]!, /^2 requests .*FAIL \(exit 1\)$/);
    assert.match(ui.lines()[2]!, /1\/2\s+verdict$/, 'the selection stays on the first request');
    store.dispatch({ type: 'source-ended', exitCode: 0 });
    await tick();
    assert.match(ui.lines()[0]!, /■ target exit 0/);
    ui.app.unmount();
  });

  it('fills the opt-out matrix tab as the runner dispatches', async () => {
    const store = createStore(initialState({ size: { columns: 100, rows: 30 }, source: { label: 'optout hasura-cli', live: true } }));
    store.dispatch({ type: 'optout/begin', title: 'hasura-cli', scenarios: [{ name: 'control', expectation: 'send' }, { name: 'env false', expectation: 'suppress' }] });
    const ui = mount(store);
    await ui.press('5');
    assert.match(ui.frame(), /control\s+send\s+0\s+0\s+… waiting/);
    store.dispatch({ type: 'results-added', results: [audit(httpRequest(cliFlat(), { origin: { kind: 'process', scenario: 'control' } }))] });
    store.dispatch({ type: 'optout/outcome', scenario: 'control', outcome: 'sent' });
    store.dispatch({ type: 'optout/progress', scenario: 'env false', phase: 'quiet-window', progress: 0.5 });
    await tick();
    const f = ui.frame();
    assert.match(f, /control\s+send\s+1\s+0\s+✓ sent/);
    assert.match(f, /env false\s+suppress\s+0\s+0\s+… quiet window\s+█████░░░░░ quiet window/);
    ui.app.unmount();
  });

  it('never lets a captured value drive the terminal', async () => {
    const evil = audit(httpRequest(cliFlat({ command: 'hasura \u001b[2J\u001b]0;owned\u0007version' }), { url: 'https://telemetry.hasura.io/v1/http?\u001b[31m' }));
    const ui = mount(storeWith([evil]));
    await ui.press('4');
    const f = ui.frame();
    assert.ok(!/\u001b[\[\]]/.test(f), 'no escape sequence from the payload reaches the screen');
    assert.ok(f.includes('\\u001b[2J'));
    ui.app.unmount();
  });
});
