import { seg, type Line } from '../render/line.js';
import { availableTabs, TABS } from '../state/inspector-state.js';
import { useInspector } from './InspectorContext.js';
import { LineText } from './LineText.js';

export function TabBar({ width }: { width: number }) {
  const { state } = useInspector();
  if (state.help) return <LineText line={[seg(' Help ', 'heading'), seg(' keys from the key table; Esc or ? closes', 'dim')]} width={width} />;
  const available = availableTabs(state);
  const index = state.view[state.cursor];
  const findings = index === undefined ? 0 : (state.results[index]?.findings.length ?? 0);
  const line: Line = [];
  TABS.forEach((t, i) => {
    if (!available.includes(t.id)) return;
    const label = t.id === 'findings' && findings > 0 ? `${t.label} (${findings})` : t.label;
    // Brackets mark the active tab without colour; the heading tone makes it bold as well.
    line.push(state.tab === t.id ? seg(`[${i + 1} ${label}]`, 'heading') : seg(` ${i + 1} ${label} `, 'dim'));
    line.push(seg(' '));
  });
  return <LineText line={line} width={width} />;
}
