/**
 * The built CLI in a real terminal (tmux, fixed size, CI=false): what a person would see on the
 * bundled corpus, keys sent as a person would, and the exit code the shell gets after `q`.
 * Skipped, saying so, only where tmux is not installed (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import { CLI, FIXTURES } from '../helpers/paths.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';
import { TmuxSession, tmuxVersion } from '../helpers/tmux.js';
import { runCli } from '../helpers/run-cli.js';

const version = tmuxVersion();
const skip = version ? false : 'tmux is not installed: the real-terminal tests cannot run here (.ci/run installs it)';
if (skip) console.log(`# SKIPPED terminal tests: ${skip}`);

const sessions: TmuxSession[] = [];
after(() => {
  for (const s of sessions) s.kill();
});
function start(args: string[], opts: ConstructorParameters<typeof TmuxSession>[1] = {}): TmuxSession {
  const s = new TmuxSession([process.execPath, CLI, ...args], opts);
  sessions.push(s);
  return s;
}
const CORPUS = path.join(FIXTURES, 'hasura');
const lineWith = (screen: string, text: string) => screen.split('\n').find((l) => l.includes(text));
/** SGR sequences that set a foreground colour (tmux re-encodes attributes on capture). */
const COLOUR = /\u001b\[[0-9;]*(?:3[0-7]|9[0-7]|38;[0-9;]+)m/;
const RED = /\u001b\[(?:[0-9;]*;)?31(?:;[0-9;]*)?m/;

/** What `audit` says of the corpus on this machine (local identity terms differ between machines). */
let expected = { requests: 0, audited: 0, skipped: 0, errors: 0, warnings: 0 };
before(async () => {
  const run = await runCli(['audit', CORPUS, '--format', 'json', '--quiet']);
  expected = (JSON.parse(run.stdout) as { summary: typeof expected }).summary;
});
const header = () => new RegExp(`${expected.requests} requests \\(${expected.audited} audited, ${expected.skipped} skipped\\)`);

describe(`inspect in a real terminal (${version ?? 'no tmux'})`, { skip }, () => {
  it('shows the corpus, highlights a violation in the payload tree, diffs it, and quits with exit 1', async () => {
    const t = start(['inspect', CORPUS]);
    let screen = await t.waitFor(header());
    assert.match(screen, /FAIL \(exit 1\)/);
    assert.match(screen, new RegExp(`time\\s+kind\\s+destination\\s+1/${expected.requests}\\s+verdict`));
    assert.match(screen, /› \d\d:\d\d:\d\d cli-flat\s+POST telemetry\.hasura\.io\/v1\/http\s+FAIL/);
    assert.ok((screen.match(/cli-flat\s+POST telemetry\.hasura\.io\/v1\/http\s+FAIL/g) ?? []).length >= 4, 'the list shows the leaky CLI requests');
    assert.match(screen, /\[1 Payload\] {2}2 Findings \(2\) {3}3 Diff {3}4 Raw/);

    // Down once: the CLI event whose command carries a flag and its value.
    t.send('j');
    screen = await t.waitFor(/"command": "hasura migrate apply --database-name inventory_prod",\s+✗ hasura\/cli-command-flags \+1$/m);
    assert.match(lineWith(screen, '"command"')!, /^✗ {3}"command"/);
    assert.match(lineWith(screen, '"error"')!, /^! {3}"error": null,\s+! schema\/undocumented-field/);
    const coloured = t.capture(true);
    assert.match(lineWith(coloured, '"command"')!, RED, 'the violating field is drawn in red');
    assert.doesNotMatch(lineWith(coloured, '"os_platform"')!, RED, 'an allowed field is not');
    assert.match(lineWith(coloured, '"os_platform"')!, COLOUR);

    t.send('3');
    screen = await t.waitFor(/vs the documented sample: shape {2}\+2 -2/);
    assert.match(screen, /\[3 Diff\]/);
    assert.match(screen, /^\+ {3}"error": "null",$/m);
    assert.match(screen, /^- {3}"id": "integer",$/m);

    t.send('q');
    assert.equal(await t.exitCode(), 1);
    screen = await t.waitFor(new RegExp(`telemetry-audit inspect: ${expected.requests} requests`));
    assert.match(screen, new RegExp(`${expected.errors} errors, ${expected.warnings} warnings: FAIL \\(exit 1\\)`));
    assert.doesNotMatch(screen, /\[1 Payload\]/, 'the alternate screen is gone: the shell is back as it was');
  });

  it('quits with exit 0 on a clean corpus', async () => {
    const t = start(['inspect', path.join(CORPUS, 'wire')]);
    await t.waitFor(/23 requests .*PASS \(with warnings\) \(exit 0\)/);
    t.send('q');
    assert.equal(await t.exitCode(), 0);
  });

  it('applies a baseline as audit does: approved findings do not fail, and the exit code is audit\'s', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-inspect-baseline-'));
    try {
      const baseline = path.join(dir, 'baseline.json');
      const wrote = await runCli(['audit', CORPUS, '--baseline', baseline, '--update-baseline', '--quiet']);
      assert.equal(wrote.code, 0, wrote.stderr);
      const audited = await runCli(['audit', CORPUS, '--baseline', baseline, '--format', 'json', '--quiet']);
      assert.equal(audited.code, 0, 'audit passes with every finding approved');
      const t = start(['inspect', CORPUS, '--baseline', baseline]);
      const screen = await t.waitFor(new RegExp(`${header().source}.*PASS.*\\(exit 0\\)`));
      assert.doesNotMatch(screen, /FAIL \(exit 1\)/);
      t.send('q');
      assert.equal(await t.exitCode(), 0);
      // Writing approvals is audit's job: the inspector refuses it rather than approve and drop them.
      const refused = start(['inspect', CORPUS, '--baseline', baseline, '--update-baseline']);
      assert.equal(await refused.exitCode(), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('under NO_COLOR draws no colour, and still marks the violation in text', async () => {
    const t = start(['inspect', CORPUS], { env: { NO_COLOR: '1' } });
    await t.waitFor(header());
    t.send('/');
    t.type('rule:cli-command-flags');
    t.send('Enter');
    const screen = await t.waitFor(/filter rule:cli-command-flags/);
    assert.match(screen, /1\/3 · filter rule:cli-command-flags/);
    const coloured = t.capture(true);
    assert.doesNotMatch(coloured, COLOUR, 'no colour anywhere on the screen');
    assert.match(lineWith(coloured, '"command"') ?? '', /✗ hasura\/cli-command-flags/);
    t.send('q');
    assert.equal(await t.exitCode(), 1);
  });

  it('with CI set prints the text report instead, never a screen', async () => {
    const t = start(['inspect', CORPUS], { env: { CI: 'true' } });
    assert.equal(await t.exitCode(), 1);
    const screen = t.capture();
    assert.match(screen, /Verdict: FAIL \(exit 1\)/);
    assert.doesNotMatch(screen, /\[1 Payload\]/);
  });

  it('adapts to the terminal being resized, smaller and then wide enough for side by side', async () => {
    const t = start(['inspect', CORPUS]);
    await t.waitFor(header());
    t.resize(80, 24);
    // Ink redraws the whole frame after a resize; tmux may be captured between two frames, so
    // the screen judged is the first one whose header fits and whose footer is drawn.
    const rows = (s: string) => s.replace(/\n+$/, '').split('\n');
    let screen = await t.waitFor((s) => rows(s).some((l) => /^ {2}time .*verdict$/.test(l) && l.length <= 80 && l.length > 70) && /q quit|q q…/.test(rows(s).at(-1) ?? ''));
    const lines = rows(screen);
    assert.ok(lines.length <= 24);
    assert.ok(lines.every((l) => [...l].length <= 80));
    assert.match(lines.at(-1)!, /q quit|q q…/, 'the footer is on the last row');
    t.resize(170, 40);
    screen = await t.waitFor(/time .*verdict\s+\[1 Payload\]/);
    assert.ok(lineWith(screen, '"execution_id"'), 'the payload is shown beside the list');
    t.send('q');
    assert.equal(await t.exitCode(), 1);
  });

  it('reads captures from standard input and keys from the terminal', async () => {
    const t = start(['inspect', '-'], { stdinFile: path.join(CORPUS, 'leaky', 'cli-command-flags.ndjson') });
    const screen = await t.waitFor(/1 request \(1 audited, 0 skipped\).*FAIL \(exit 1\)/);
    assert.match(screen, /telemetry-audit inspect · standard input/);
    t.send('2');
    await t.waitFor(/\[2 Findings \(2\)\]/);
    t.send('q');
    assert.equal(await t.exitCode(), 1);
  });

  it('follows a capture file as another process appends to it', async () => {
    const t = start(['inspect', '--follow', 'live.ndjson']);
    const file = path.join(t.dir, 'live.ndjson');
    await t.waitFor(/waiting for live\.ndjson to appear/);
    writeFileSync(file, serializeCaptureLine(httpRequest(cliFlat())));
    await t.waitFor(/1 request \(1 audited, 0 skipped\).*PASS \(with warnings\) \(exit 0\)/);
    appendFileSync(file, serializeCaptureLine(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' }))));
    const screen = await t.waitFor(/2 requests \(2 audited, 0 skipped\).*FAIL \(exit 1\)/);
    assert.match(screen, /● live/);
    t.send('q');
    assert.equal(await t.exitCode(), 1);
  });
  it('follows a capture file by name through rotation and truncation, says so, and judges what the new file holds', async () => {
    const t = start(['inspect', '--no-local-identity', '--follow', 'live.ndjson'], { columns: 220 });
    const file = path.join(t.dir, 'live.ndjson');
    writeFileSync(file, serializeCaptureLine(httpRequest(cliFlat(), { id: 'clean-1' })));
    await t.waitFor(/1 request \(1 audited, 0 skipped\).*PASS \(with warnings\) \(exit 0\)/);

    // Rotated as logrotate does: the old file moved aside, a new one made under the name.
    renameSync(file, `${file}.1`);
    writeFileSync(file, serializeCaptureLine(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' }), { id: 'leaky-rotated' })));
    let screen = await t.waitFor(/2 requests \(2 audited, 0 skipped\).*FAIL \(exit 1\)/);
    assert.match(screen, /live\.ndjson was replaced by a new file/);
    t.send('G');
    screen = await t.waitFor(/"command": "hasura migrate apply --admin-secret",\s+✗ hasura\/cli-command-flags/);
    assert.match(lineWith(screen, '› ')!, /cli-flat\s+POST telemetry\.hasura\.io\/v1\/http\s+FAIL/, 'the new file\'s request is listed and fails');

    // Truncated and refilled in place (same inode), with a different leak.
    writeFileSync(file, serializeCaptureLine(httpRequest(cliFlat({ command: 'hasura metadata apply --endpoint' }), { id: 'leaky-truncated' })));
    screen = await t.waitFor(/3 requests \(3 audited, 0 skipped\).*FAIL \(exit 1\)/);
    assert.match(screen, /live\.ndjson was truncated/);
    t.send('G');
    screen = await t.waitFor(/"command": "hasura metadata apply --endpoint",\s+✗ hasura\/cli-command-flags/);
    assert.match(screen, /3\/3/);
    t.send('q');
    assert.equal(await t.exitCode(), 1);
  });

  it('inspect -- <command> runs it with interception and shows its requests as they arrive', async () => {
    const emitter = path.join(FIXTURES, 'emitters', 'hasura-cli.mjs');
    const t = start(['inspect', '--no-local-identity', '--', process.execPath, emitter, 'migrate', 'apply', '--admin-secret', 's3cret'], {
      env: { EMITTER_VARIANT: 'flags' },
    });
    let screen = await t.waitFor(/1 request \(1 audited/);
    assert.match(screen, /cli-flat\s+POST telemetry\.hasura\.io\/v1\/http\s+FAIL/);
    assert.match(screen, /log: \S+command\.log/, 'the header names the log of the command\'s own output');
    screen = await t.waitFor(/"command": "hasura migrate apply --admin-secret"/);
    t.send('q');
    assert.equal(await t.exitCode(), 1);
  });
});
