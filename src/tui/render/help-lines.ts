/** The `?` help, generated from the key table that dispatches the keys. */
import { KEY_TABLE } from '../keys/key-table.js';
import { seg, type Line } from './line.js';
import { padEnd } from './text-fit.js';

export function helpLines(): Line[] {
  const out: Line[] = [[seg('Keys', 'heading'), seg('   (Esc or ? closes this help)', 'dim')]];
  const width = Math.max(...KEY_TABLE.map((b) => b.label.length)) + 3;
  let section = '';
  for (const b of KEY_TABLE) {
    if (b.section !== section) {
      section = b.section;
      out.push([]);
      out.push([seg(section, 'heading')]);
    }
    out.push([seg('  '), seg(padEnd(b.label, width), 'key'), seg(b.description)]);
  }
  out.push([]);
  out.push([seg('Markers: ', 'heading'), seg('✗ violation (error)', 'fail'), seg('   '), seg('! undocumented (warning)', 'warn'), seg('   '), seg('allowed', 'pass')]);
  return out;
}
