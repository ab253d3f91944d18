/**
 * Drive a real terminal: a detached tmux session of a fixed size on a private socket, with
 * helpers to wait for text on the screen, send keys and read the exit code of the command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tmuxVersion(): string | null {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class TmuxSession {
  readonly socket = `ta-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'ta-tmux-'));
  readonly exitFile = path.join(this.dir, 'exit-code');

  /** Start `argv` in a `columns`x`rows` terminal, in a temp working directory with a temp HOME. */
  constructor(argv: string[], opts: { columns?: number; rows?: number; env?: Record<string, string>; stdinFile?: string } = {}) {
    const env = {
      HOME: this.dir,
      PATH: process.env.PATH ?? '',
      TERM: 'xterm-256color',
      // The UI is shown only outside CI; the test machine may well be a CI runner.
      CI: 'false',
      ...opts.env,
    };
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    // env -i: nothing from the test runner's environment (CONTINUOUS_INTEGRATION, FORCE_COLOR,
    // NO_COLOR) leaks into what is under test; the exit code is written where the test reads it.
    const stdin = opts.stdinFile ? ` < ${shellQuote(opts.stdinFile)}` : '';
    const command = `cd ${shellQuote(this.dir)} && env -i ${assignments.join(' ')} ${argv.map(shellQuote).join(' ')}${stdin}; echo $? > ${shellQuote(this.exitFile)}; sleep 600`;
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(opts.columns ?? 120), '-y', String(opts.rows ?? 40), command);
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  /** The screen as text; with escapes, the colours and attributes too. */
  capture(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'main');
  }

  /** Polls until the screen shows `test`; the bound only stops a test that can never pass (a loaded machine takes long to start Node). */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 90_000, escapes = false): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.capture(escapes);
      if (ok(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${String(test)}; the screen shows:\n${screen}`);
  }

  send(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Literal text, not key names. */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
  }

  async exitCode(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (existsSync(this.exitFile)) {
        const text = readFileSync(this.exitFile, 'utf8').trim();
        if (text !== '') return Number(text);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the command did not exit; the screen shows:\n${this.capture()}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
