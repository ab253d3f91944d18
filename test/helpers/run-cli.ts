/** Run the built CLI as a subprocess, as a user or CI would, with a throwaway HOME. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ChildOutput, collectChild } from './child-output.js';
import { CLI, REPO_ROOT } from './paths.js';

export type CliRun = ChildOutput;

export function tempHome(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ta-home-'));
}

export function runCli(
  args: string[],
  opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; wrap?: string[]; /** Another entry (the bundled bin). */ cli?: string } = {},
): Promise<CliRun> {
  const home = tempHome();
  // `wrap`: a command the CLI runs under (e.g. an outer network namespace).
  const [file, ...pre] = [...(opts.wrap ?? []), process.execPath];
  const child = spawn(file!, [...pre, opts.cli ?? CLI, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Unless the caller gave its own HOME (to look at afterwards), the throwaway one goes.
  const done = collectChild(child, opts.timeoutMs ?? 60_000, `CLI ${args.join(' ')}`, () => {
    if (opts.env?.HOME === undefined) rmSync(home, { recursive: true, force: true });
  });
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else child.stdin.end();
  return done;
}

/**
 * Run a command with `--format json` and parse its report; the report must state the exit
 * code the process exited with.
 */
export async function runCliJson<R extends { exitCode: number }>(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; cli?: string } = {},
): Promise<{ code: number | null; report: R; stderr: string }> {
  const r = await runCli(args, opts);
  let report: R;
  try {
    report = JSON.parse(r.stdout) as R;
  } catch {
    throw new Error(`not a JSON report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  if (report.exitCode !== r.code) throw new Error(`the report states exit ${report.exitCode}, the process exited ${r.code}`);
  return { code: r.code, report, stderr: r.stderr };
}
