/**
 * The CLI a bench child drives in-process: the compiled tree (dist/src, default) or, with
 * BENCH_CLI=shipped, the bundle the package ships (dist/pkg, scripts/bundle-cli.js), which
 * loads differently (Ink and React bundled into one chunk) and is what a person runs.
 */
type RunCli = typeof import('../../src/cli/run-cli.js').runCli;

export async function loadRunCli(): Promise<RunCli> {
  const which = process.env.BENCH_CLI ?? 'src';
  if (which !== 'src' && which !== 'shipped') throw new Error(`BENCH_CLI must be src or shipped, not ${which}`);
  const url = new URL(which === 'shipped' ? '../../pkg/cli/run-cli.js' : '../../src/cli/run-cli.js', import.meta.url);
  return ((await import(url.href)) as { runCli: RunCli }).runCli;
}
