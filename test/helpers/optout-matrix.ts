/** A fixed opt-out matrix (control, a proxy-only pass, a leak, an informational row) for the report tests. */
import type { OptoutMatrix, ScenarioRowReport } from '../../src/optout/matrix.js';

const base: Omit<ScenarioRowReport, 'name'> = {
  expect: 'suppress', informational: false, control: false, outcome: 'suppressed', status: 'pass', proxyOnly: false,
  requests: 0, loopback: 0, bypasses: 0, errors: 0, warnings: 0, rules: [], probes: [], exit: null, durationMs: 1000, note: 'exited, and nothing was sent',
};
export const DEMO_MATRIX: OptoutMatrix = {
  pack: { name: 'demo', title: 'Demo tool', origin: 'demo.yaml' },
  target: 'cli',
  command: 'demo run {{optout}}',
  trace: { active: false, reason: 'tracing was turned off (--no-trace)' },
  concurrency: 3,
  scenarios: [
    { ...base, name: 'control', control: true, expect: 'send', outcome: 'sent', requests: 2, warnings: 1, rules: ['schema/undocumented-field'], note: '2 requests' },
    { ...base, name: 'env-off', proxyOnly: true },
    { ...base, name: 'flag-off', outcome: 'sent', status: 'fail', requests: 1, errors: 1, rules: ['term/canary'], note: 'LEAK: 1 request (stopped at the first one)' },
    { ...base, name: 'dnt', informational: true, outcome: 'sent', status: 'info', requests: 1, note: '1 request' },
  ],
  verdict: { exitCode: 1, label: 'FAIL', conclusion: '1 opt-out path leaked (flag-off)' },
  timing: { wallMs: 2100, slowestMs: 2000, slowest: 'control' },
};
