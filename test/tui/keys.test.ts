/** The key table, key names, and the router that sends keys to commands or to the filter. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandAction, type Effect } from '../../src/tui/keys/command-action.js';
import { keyNames, type InkKey } from '../../src/tui/keys/key-name.js';
import { routeInput } from '../../src/tui/keys/key-router.js';
import { commandFor, KEY_TABLE, type Command } from '../../src/tui/keys/key-table.js';
import { helpLines } from '../../src/tui/render/help-lines.js';
import { lineText } from '../../src/tui/render/line.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';
import { audit, storeWith } from '../helpers/tui-session.js';

const KEY: InkKey = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
};

const ALL_COMMANDS: Command[] = [
  'down', 'up', 'page-down', 'page-up', 'first', 'last', 'tab-next', 'tab-prev', 'tab-1', 'tab-2', 'tab-3', 'tab-4', 'tab-5',
  'detail-down', 'detail-up', 'detail-page-down', 'detail-page-up', 'filter', 'violations', 'back', 'reveal', 'save', 'report', 'help', 'quit',
];

describe('key table and help', () => {
  it('binds every command to at least one key, each key once', () => {
    const bound = new Set(KEY_TABLE.map((b) => b.command));
    assert.deepEqual([...bound].sort(), [...ALL_COMMANDS].sort());
    const keys = KEY_TABLE.flatMap((b) => b.keys);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('the issue\'s keys do what it says', () => {
    const expect: Record<string, Command> = {
      up: 'up', down: 'down', j: 'down', k: 'up', tab: 'tab-next', '1': 'tab-1', '5': 'tab-5', '/': 'filter', v: 'violations', s: 'save', r: 'report', '?': 'help', q: 'quit',
    };
    for (const [key, command] of Object.entries(expect)) assert.equal(commandFor(key), command, key);
  });

  it('the help is generated from the table: every binding, with its description', () => {
    const text = helpLines().map(lineText).join('\n');
    for (const b of KEY_TABLE) {
      assert.ok(text.includes(b.label), `help lists ${b.label}`);
      assert.ok(text.includes(b.description), `help describes ${b.command}`);
    }
  });

  it('every command turns into an action or a named effect', () => {
    const state = { help: true, filter: { applied: 'x' }, violationsOnly: false };
    for (const c of ALL_COMMANDS) assert.notEqual(commandAction(c, { lines: 100, rows: 10 }, state), null, c);
    assert.deepEqual(commandAction('detail-page-down', { lines: 100, rows: 10 }, state), { type: 'detail-scroll', delta: 9, max: 90 });
    assert.equal(commandAction('back', { lines: 0, rows: 10 }, { help: false, filter: { applied: '' }, violationsOnly: false }), null);
  });
});

describe('key names', () => {
  it('names special keys and splits typed text into characters', () => {
    assert.deepEqual(keyNames('', { ...KEY, upArrow: true }), ['up']);
    assert.deepEqual(keyNames('', { ...KEY, tab: true, shift: true }), ['shift-tab']);
    assert.deepEqual(keyNames('c', { ...KEY, ctrl: true }), ['ctrl-c']);
    assert.deepEqual(keyNames('', { ...KEY, escape: true, meta: true }), ['escape']);
    assert.deepEqual(keyNames('jj ', KEY), ['j', 'j', 'space']);
  });
});

describe('key router', () => {
  const results = [0, 1, 2, 3].map((i) => audit(httpRequest(cliFlat(i === 2 ? { command: 'hasura seed apply --file x' } : {}), { id: `r${i}` })));

  function harness() {
    const store = storeWith(results);
    const effects: Effect[] = [];
    const ctx = { getState: store.getState, dispatch: store.dispatch, effect: (e: Effect) => effects.push(e), detail: () => ({ lines: 50, rows: 10 }) };
    return { store, effects, type: (input: string, key: Partial<InkKey> = {}) => routeInput(input, { ...KEY, ...key }, ctx) };
  }

  it('a held key moves once per character', () => {
    const h = harness();
    h.type('jjj');
    assert.equal(h.store.getState().cursor, 3);
  });

  it('a fast-typed filter goes to the filter, not to the commands its letters are bound to', () => {
    const h = harness();
    h.type('/verdict:fail rule:flags\r');
    const s = h.store.getState();
    assert.deepEqual(h.effects, [], 'the "s" and "r" in the text saved or reported nothing');
    assert.equal(s.filter.editing, false);
    assert.equal(s.filter.applied, 'verdict:fail rule:flags');
    assert.deepEqual(s.view, [2]);
  });

  it('edits the filter with backspace and cancels it with Esc', () => {
    const h = harness();
    h.type('/');
    h.type('kindx');
    h.type('', { backspace: true });
    assert.equal(h.store.getState().filter.draft, 'kind');
    h.type('', { escape: true, meta: true });
    assert.equal(h.store.getState().filter.editing, false);
    assert.equal(h.store.getState().filter.applied, '');
  });

  it('s, r and q are effects for the entry point to carry out', () => {
    const h = harness();
    h.type('s');
    h.type('r');
    h.type('q');
    assert.deepEqual(h.effects, ['save', 'report', 'quit']);
  });

  it('scrolls the detail by what the detail pane reports', () => {
    const h = harness();
    h.type(' ');
    assert.equal(h.store.getState().detailTop, 9);
    h.type('JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ');
    assert.equal(h.store.getState().detailTop, 40, 'stops where the last line is at the bottom');
  });
});

describe('docs/tui.md', () => {
  it('documents every key of the key table', async () => {
    const { readFileSync } = await import('node:fs');
    const { REPO_ROOT } = await import('../helpers/paths.js');
    const doc = readFileSync(`${REPO_ROOT}/docs/tui.md`, 'utf8');
    const shown: Record<string, string> = {
      down: '↓', up: '↑', pagedown: 'PgDn', pageup: 'PgUp', home: 'Home', end: 'End', tab: 'Tab', 'shift-tab': 'S-Tab',
      right: '→', left: '←', space: 'Space', escape: 'Esc',
    };
    for (const b of KEY_TABLE) {
      for (const k of b.keys) {
        const name = shown[k] ?? (k.startsWith('ctrl-') ? `Ctrl-${k.slice(5).toUpperCase()}` : k);
        assert.ok(doc.includes(`\`${name}\``), `docs/tui.md mentions \`${name}\` (${b.command})`);
      }
    }
  });
});
