/**
 * The inspector keeps Ink's output rows across frames (src/tui/render/ink-output-cache.ts).
 * It must find Ink's internals (or a keypress costs twice the CPU again, silently), and what is
 * drawn must be the same characters and colours with it as without it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { inkOutputClass, installOutputCache, originalGet, sampleFrames } from '../../src/tui/render/ink-output-cache.js';
import { detailSource } from '../../src/tui/run-inspector.js';
import { fixtureResults, session, storeWith } from '../helpers/tui-session.js';
import { rng } from '../helpers/rng.js';

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

describe('Ink output rows kept across frames', () => {
  // Pieces of the text Ink writes: plain, coloured, bold/dim (one end code for both), inverse,
  // open styles, wide and zero-width characters, escapes a payload could carry.
  const pieces = ['a', 'bc', ' ', '   ', '漢', '字x', 'e\u0301', '\u001b[31m', '\u001b[39m', '\u001b[1m', '\u001b[2m', '\u001b[22m', '\u001b[7m', '\u001b[27m', '\u001b[32mgreen\u001b[39m', '\u001b[0m', '\u001b[38;5;208mo\u001b[39m', '…', '│', '\n'];
  const transformers = [(l: string) => `\u001b[7m${l}\u001b[27m`, (l: string, i: number) => `${i}${l}`, (l: string) => l.toUpperCase()];

  it('draws every frame exactly as Ink does, the first time and from the kept rows', async () => {
    assert.equal(await installOutputCache(), true);
    const Output = (await inkOutputClass())!;
    const ink = originalGet()!;
    assert.ok(ink && Output.prototype.get !== ink, 'the patched get() is installed and Ink\'s own is kept');
    const draw = (frame: ReturnType<typeof sampleFrames>[number], get: typeof ink) => {
      const out = new Output({ width: frame.width, height: frame.height });
      for (const [x, y, text, t] of frame.writes) out.write(x, y, text, { transformers: t });
      return get.call(out);
    };
    const frames = sampleFrames();
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const width = 1 + r(30);
      const height = 1 + r(6);
      const writes: ReturnType<typeof sampleFrames>[number]['writes'] = [];
      for (let w = r(6); w >= 0; w--) {
        let text = '';
        for (let p = r(8); p >= 0; p--) text += pieces[r(pieces.length)];
        const t = r(3) === 0 ? [transformers[r(transformers.length)]!] : [];
        writes.push([r(width + 4) - 2, r(height + 2) - 1, text, t]);
      }
      frames.push({ width, height, writes });
    }
    for (const [i, frame] of frames.entries()) {
      const expected = draw(frame, ink);
      assert.deepEqual(draw(frame, Output.prototype.get), expected, `frame ${i}: ${JSON.stringify(frame.writes)}`);
      assert.deepEqual(draw(frame, Output.prototype.get), expected, `frame ${i} from the kept rows`);
    }
  });
});
