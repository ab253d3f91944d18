/**
 * `optout --tui` in a real terminal (tmux, CI=false): the Opt-out tab shows the matrix filling
 * in and the run's verdict, the leaked row marked, and quitting exits with the opt-out run's own
 * code (after printing the text matrix, which stays in the shell). Skipped only without tmux.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, FIXTURES } from '../helpers/paths.js';
import { TmuxSession, tmuxVersion } from '../helpers/tmux.js';

const version = tmuxVersion();
const skip = version ? false : 'tmux is not installed: the real-terminal tests cannot run here (.ci/run installs it)';
const sessions: TmuxSession[] = [];
after(() => {
  for (const s of sessions) s.kill();
});

describe(`optout --tui in a real terminal (${version ?? 'no tmux'})`, { skip }, () => {
  it('fills the matrix live, marks the leak, and quits with exit 1', async () => {
    const t = new TmuxSession(
      [process.execPath, CLI, 'optout', '--tui', '--no-local-identity', '--pack', 'hasura-cli', '--window', '1', '--', process.execPath, path.join(FIXTURES, 'emitters', 'hasura-cli.mjs'), 'version', '{{optout}}'],
      { env: { EMITTER_VARIANT: 'ignores-config' }, columns: 140, rows: 45 },
    );
    sessions.push(t);
    await t.waitFor(/Opt-out/);
    t.send('5');
    let screen = await t.waitFor(/Opt-out matrix · Hasura CLI: telemetry opt-outs/);
    screen = await t.waitFor(/FAIL: 1 opt-out path leaked \(config-false\) \(exit 1\)/, 60_000);
    assert.match(screen, /config-false\s+suppress\s+1\s+0\s+✗ sent/);
    assert.match(screen, /env-false\s+suppress\s+0\s+0\s+✓ suppressed/);
    assert.match(screen, /control\s+send\s+1\s+0\s+✓ sent/);
    assert.match(screen, /env-non-boolean\s+observe\s+0\s+0\s+· suppressed/);
    assert.match(screen, /^ {4}0 errors, 2 warnings in what it sent · LEAK: 1 request \(stopped at the first one\)$/m);
    t.send('q');
    assert.equal(await t.exitCode(), 1);
    assert.match(t.capture(), /Opt-out verdict: FAIL: 1 opt-out path leaked \(config-false\)/);
  });
});
