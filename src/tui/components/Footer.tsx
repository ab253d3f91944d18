/** The last line: the filter being typed, a message, or the keys a newcomer needs. */
import { seg, type Line } from '../render/line.js';
import { sanitize } from '../render/text-fit.js';
import { HINT_COMMANDS, KEY_TABLE } from '../keys/key-table.js';
import { useInspector } from './InspectorContext.js';
import { LineText } from './LineText.js';

const HINTS: Line = HINT_COMMANDS.flatMap((c) => {
  const b = KEY_TABLE.find((k) => k.command === c)!;
  const short: Record<string, string> = { down: 'move', 'tab-next': 'tabs', filter: 'filter', violations: 'violations', save: 'save', report: 'report', help: 'help', quit: 'quit' };
  const label = c === 'down' ? '↑↓ jk' : c === 'tab-next' ? 'Tab 1-5' : b.label;
  return [seg(label, 'key'), seg(` ${short[c]}  `, 'dim')];
});

export function Footer() {
  const { state, layout } = useInspector();
  let line: Line;
  if (state.filter.editing) {
    line = [seg('/', 'key'), seg(sanitize(state.filter.draft)), seg('█', 'accent')];
    if (state.filter.error) line.push(seg(`   ${sanitize(state.filter.error)}`, 'fail'));
    else line.push(seg('   Enter applies · Esc cancels · kind: verdict: rule: body: -negates', 'dim'));
  } else if (state.flash) {
    line = [seg(sanitize(state.flash.text), state.flash.tone === 'error' ? 'fail' : 'accent')];
  } else {
    line = HINTS;
  }
  return <LineText line={line} width={layout.columns} />;
}
