/**
 * A line drawn as one text node with its colours in a transform (src/tui/render/drawn-line.ts)
 * must give Ink's frame exactly as the same line drawn as a <Text> per segment: the same
 * characters, colours and width, for every tone, inverse, colour on and off.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import chalk from 'chalk';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { ColorContext } from '../../src/tui/components/InspectorContext.js';
import { LineBlock, LineText, SegmentTexts } from '../../src/tui/components/LineText.js';
import { drawnLine, standIn, SYMBOLS } from '../../src/tui/render/drawn-line.js';
import { fitLine, type Line, type Tone } from '../../src/tui/render/line.js';
import { rng } from '../helpers/rng.js';

interface Drawn {
  line: Line;
  inverse: boolean;
}

/** The line as the inspector drew it before: a blank line is one space, anything else a <Text> per segment. */
function Segments({ line, width, color, inverse }: { line: Line; width: number; color: boolean; inverse: boolean }) {
  const fitted = fitLine(line, width);
  if (fitted.every((s) => s.text === '')) return <Text> </Text>;
  return <SegmentTexts line={fitted} color={color} inverse={inverse} />;
}

function frame(lines: Drawn[], width: number, color: boolean, way: 'transform' | 'segments' | 'block'): string {
  const app = render(
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={width}>
        {way === 'block' ? (
          <LineBlock lines={lines.map((l) => l.line)} width={width} inverseAt={lines.findIndex((l) => l.inverse)} />
        ) : (
          lines.map((l, i) =>
            way === 'transform' ? <LineText key={i} line={l.line} width={width} inverse={l.inverse} /> : <Segments key={i} line={l.line} width={width} color={color} inverse={l.inverse} />,
          )
        )}
      </Box>
    </ColorContext.Provider>,
  );
  const out = app.lastFrame() ?? '';
  app.unmount();
  return out;
}

function withChalkLevel<T>(level: 0 | 1 | 2 | 3, fn: () => T): T {
  const before = chalk.level;
  chalk.level = level;
  try {
    return fn();
  } finally {
    chalk.level = before;
  }
}

const TONES: Array<Tone | undefined> = [undefined, 'plain', 'dim', 'heading', 'key', 'accent', 'pass', 'warn', 'fail', 'skip', 'added', 'removed'];
// ASCII, the inspector's symbols, and what only Ink may measure: wide, combining, emoji.
const PIECES = ['a', 'kind', ' ', '   ', 'GET /v1', '', ...SYMBOLS];
const OTHERS = ['漢字', 'e\u0301', '🙂', '\u00a0'];

describe('lines drawn through a transform', () => {
  it('draw the same frames as a <Text> per segment, colours and inverse included', () => {
    let transformed = 0;
    let segmented = 0;
    for (const level of [0, 1] as const) {
      for (let seed = 1; seed <= 15; seed++) {
        const r = rng(seed);
        const width = 8 + r(40);
        const lines: Drawn[] = [];
        for (let n = 0; n < 12; n++) {
          const line: Line = [];
          for (let s = r(8); s >= 0; s--) {
            let text = '';
            for (let p = r(4); p >= 0; p--) text += r(30) === 0 ? OTHERS[r(OTHERS.length)] : PIECES[r(PIECES.length)];
            const tone = TONES[r(TONES.length)];
            line.push(tone === undefined ? { text } : { text, tone });
          }
          lines.push({ line, inverse: r(4) === 0 });
          if (drawnLine(fitLine(line, width), true, false)) transformed++;
          else segmented++;
        }
        for (const color of [true, false]) {
          withChalkLevel(level, () => {
            assert.equal(frame(lines, width, color, 'transform'), frame(lines, width, color, 'segments'), `seed ${seed}, width ${width}, colour ${color}, chalk level ${level}`);
            // A pane's rows as one block (one of them inverse, as the list's selection): the frame of a line per node.
            const selected = seed % lines.length;
            const plain = lines.map((l, i) => ({ ...l, inverse: i === selected }));
            assert.equal(frame(plain, width, color, 'block'), frame(plain, width, color, 'segments'), `block: seed ${seed}, width ${width}, colour ${color}, chalk level ${level}`);
          });
        }
      }
    }
    assert.ok(transformed > 100 && segmented > 20, `both ways were drawn (${transformed} through the transform, ${segmented} as segments)`);
  });

  it('measures every symbol as one column, as Ink does: a line of exactly the width is not cut', () => {
    const text = `${SYMBOLS}x${SYMBOLS}`;
    const line: Line = [{ text, tone: 'fail' }];
    assert.ok(drawnLine(line, true, false), 'the symbols take the transform path');
    withChalkLevel(1, () => {
      const drawn = frame([{ line, inverse: false }], text.length, true, 'transform');
      assert.equal(drawn, frame([{ line, inverse: false }], text.length, true, 'segments'));
      assert.ok(drawn.includes(text), 'nothing was cut');
    });
  });

  it('leaves to Ink the width of anything else', () => {
    assert.equal(standIn('GET /v1 ✗ · …'), 'GET /v1 ? ? ?');
    assert.equal(standIn('plain ascii'), 'plain ascii');
    for (const other of ['漢', 'e\u0301', '🙂', '\u00a0', '\u001b[31m', '\t', '\u200b']) assert.equal(standIn(`a${other}b`), undefined, JSON.stringify(other));
  });
});
