/**
 * The options of the live commands (`run`, `browse`, `serve`, `optout`, `inspect -- cmd`), as
 * data only: a command that lists them (inspect of capture files) does not load the live layer.
 */
import type { OptionSpec } from '../command.js';

export const CAPTURE_OPTIONS: OptionSpec[] = [
  { name: 'save', type: 'string', value: 'FILE', description: 'write every capture to FILE as NDJSON, flushed per request (read back with `audit FILE`)' },
  { name: 'har', type: 'string', value: 'FILE', description: 'write the captures to FILE as HAR 1.2 when the run ends (WebSocket frames in _webSocketMessages)' },
  { name: 'respond', type: 'string', value: 'STATUS[:BODY]', description: 'what the proxy answers in place of the endpoint (default: 200:{})' },
  { name: 'port', type: 'string', value: 'N', description: 'proxy port (default: a free one)' },
  { name: 'node-preload', type: 'string', value: 'MODE', description: 'Node.js preloads in NODE_OPTIONS: both, require (for Node older than 20.6, which refuses --import there), off (default: both)' },
];

export const SEALED_OPTIONS: OptionSpec[] = [
  { name: 'sealed', type: 'boolean', description: 'require the sealed mode (own network namespace: nothing can leave, proxy-ignoring clients are captured); exit 2 if it cannot be set up' },
  { name: 'no-sealed', type: 'boolean', description: 'run behind the proxy (and tracer) only, as on systems without network namespaces' },
];

export const RUN_OPTIONS: OptionSpec[] = [
  ...CAPTURE_OPTIONS,
  ...SEALED_OPTIONS,
  { name: 'timeout', type: 'string', value: 'SECONDS', description: 'stop the command and its children after SECONDS (captures are kept and audited)' },
  { name: 'trace', type: 'boolean', description: 'require syscall tracing (strace) to see connections that bypass the proxy; exit 2 if it cannot run' },
  { name: 'no-trace', type: 'boolean', description: 'do not trace (a run that captures nothing is then inconclusive, exit 3)' },
  { name: 'trace-loopback', type: 'boolean', description: 'also count direct connections to loopback addresses (other than the proxy) as bypasses' },
];
