import { Box } from 'ink';
import { headerLines } from '../render/header-lines.js';
import { useInspector } from './InspectorContext.js';
import { LineText } from './LineText.js';

export function Header() {
  const { state, policyName, verdict, layout } = useInspector();
  const [first, second] = headerLines(state, policyName, verdict);
  return (
    <Box flexDirection="column">
      <LineText line={first} width={layout.columns} />
      <LineText line={second} width={layout.columns} />
    </Box>
  );
}
