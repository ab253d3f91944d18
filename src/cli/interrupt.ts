/**
 * Ctrl-C and SIGTERM during a live command: stop the target (and keep every capture) instead
 * of dying with it. Handlers live only as long as `body` runs.
 */
export async function withInterruptHandler<T>(onInterrupt: (signal: NodeJS.Signals) => void, body: () => Promise<T>): Promise<T> {
  const handler = (signal: NodeJS.Signals): void => onInterrupt(signal);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
  try {
    return await body();
  } finally {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
    process.removeListener('SIGHUP', handler);
  }
}
