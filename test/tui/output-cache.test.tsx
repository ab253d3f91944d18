/**
 * The inspector keeps Ink's per-line styled cells across frames (src/tui/render/ink-output-cache.ts).
 * It must find Ink's internals (or a keypress costs twice the CPU again, silently), and what is
 * drawn must be the same characters and colours with it as without it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { installOutputCache } from '../../src/tui/render/ink-output-cache.js';
import { detailSource } from '../../src/tui/run-inspector.js';
import { fixtureResults, session, storeWith } from '../helpers/tui-session.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const noop = async () => 'not here';

async function frames(): Promise<string[]> {
  const store = storeWith(await fixtureResults('fixtures/hasura'));
  const app = render(<App store={store} detail={detailSource(session)} effects={{ save: noop, report: noop }} policyName="hasura" maxWarnings={undefined} color={true} />);
  const out = [app.lastFrame() ?? ''];
  // Down twice and back: the frames after the cache is warm reuse the lines of earlier ones.
  for (const key of ['j', 'j', 'k', '\t', 'v', 'v']) {
    app.stdin.write(key);
    await tick();
    out.push(app.lastFrame() ?? '');
  }
  app.unmount();
  return out;
}

describe('Ink output cache', () => {
  it('installs into this Ink and draws the same frames, colours included', async () => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      const before = await frames();
      assert.equal(await installOutputCache(), true, "Ink's Output internals were not found: the inspector draws without the cache");
      const cached = await frames();
      assert.deepEqual(cached, before);
      assert.ok(before.some((f) => f.includes('\u001b[')), 'frames carry colour codes, so styles are compared too');
      assert.notEqual(before[1], before[0], 'keys changed the frame');
    } finally {
      chalk.level = level;
    }
  });
});
