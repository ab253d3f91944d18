import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CliProcess } from '../helpers/live.js';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const EMITTERS = path.join(FIXTURES, 'emitters');
const NODE_CLI = [process.execPath, path.join(EMITTERS, 'hasura-cli.mjs')];
const CONSOLE = [process.execPath, path.join(EMITTERS, 'hasura-console.mjs')];
const TIMEOUT = { timeoutMs: 90_000 };
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ta-run-'));

/** Running (a zombie is dead: it lingers only until its parent reaps it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
  } catch {
    return false;
  }
}

/**
 * A target that sends once, then stays up with a detached grandchild; both record their pids as
 * this machine sees them (/proc/self: a sealed run has its own PID namespace, process.pid is its).
 */
function lingeringTarget(dir: string): string[] {
  const script = path.join(dir, 'linger.mjs');
  const kidFile = path.join(dir, 'kid-pid');
  writeFileSync(
    script,
    `import { spawn } from 'node:child_process'; import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
     const kid = spawn(process.execPath, ['-e', ${JSON.stringify(`require('fs').writeFileSync(${JSON.stringify(kidFile)}, require('fs').readlinkSync('/proc/self')); setInterval(() => {}, 1000)`)}], { detached: true, stdio: 'ignore' });
     kid.unref();
     while (!existsSync(${JSON.stringify(kidFile)})) await new Promise((r) => setTimeout(r, 20));
     writeFileSync(${JSON.stringify(path.join(dir, 'pids'))}, JSON.stringify([Number(readlinkSync('/proc/self')), Number(readFileSync(${JSON.stringify(kidFile)}, 'utf8'))]));
     const body = JSON.stringify({ server_metrics: { resource_cpu: 2048, resource_memory: 4294967296, resource_checker_error_code: null } });
     await fetch('https://telemetry.hasura.io/v1/http', { method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'hasura-graphql-engine/v2.36.0' } });
     setInterval(() => {}, 1000);`,
  );
  return [process.execPath, script];
}

describe('run: faults before the command starts exit 2 and start nothing', () => {
  const marker = (dir: string): string[] => [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, '')`];

  it('no command', async () => {
    const r = await runCli(['run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no command given/);
  });

  it('a command that does not exist', async () => {
    const r = await runCli(['run', '--', 'telemetry-audit-no-such-command']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /telemetry-audit-no-such-command: command not found/);
  });

  it('an unwritable --save path', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--save', path.join(dir, 'missing', 'x.ndjson'), '--', ...marker(dir)]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot write --save/);
    assert.equal(existsSync(path.join(dir, 'ran')), false);
  });

  it('a proxy port already in use', async () => {
    const dir = tmp();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    try {
      const r = await runCli(['run', '--port', String((blocker.address() as net.AddressInfo).port), '--', ...marker(dir)]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /port \d+ is already in use/);
      assert.equal(existsSync(path.join(dir, 'ran')), false);
    } finally {
      blocker.close();
    }
  });

  it('a CA that cannot be created', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--', ...marker(dir)], { env: { TMPDIR: path.join(dir, 'no', 'such', 'tmp') } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /interception CA/);
    assert.equal(existsSync(path.join(dir, 'ran')), false);
  });

  it('contradictory or malformed live options', async () => {
    for (const [args, message] of [
      [['--trace', '--no-trace'], /contradict/],
      [['--timeout', 'soon'], /--timeout needs a number/],
      [['--respond', 'ok'], /--respond needs STATUS/],
    ] as const) {
      const r = await runCli(['run', ...args, '--', 'true']);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });
});

describe('run: faults while the command runs keep every capture', () => {
  it('a crash after sending: a clear message, the capture audited and saved', async () => {
    const dir = tmp();
    const save = path.join(dir, 'c.ndjson');
    const r = await runCli(['run', '-q', '--save', save, '--', ...NODE_CLI, 'version'], { env: { EMITTER_CRASH: '70' }, ...TIMEOUT });
    assert.match(r.stderr, /exited with code 70/);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Requests: 1 \(1 audited/);
    assert.equal(readFileSync(save, 'utf8').trim().split('\n').length, 1);
  });

  it('--timeout stops the command and its detached children; what they sent is kept', async () => {
    const dir = tmp();
    const save = path.join(dir, 'c.ndjson');
    // Long enough for the send on a loaded machine (the target starts in its own namespace first).
    const r = await runCli(['run', '-q', '--no-trace', '--timeout', '10', '--save', save, '--', ...lingeringTarget(dir)], TIMEOUT);
    assert.match(r.stderr, /outlived --timeout and was stopped/);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(save, 'utf8').trim().split('\n').length, 1);
    const pids = JSON.parse(readFileSync(path.join(dir, 'pids'), 'utf8')) as number[];
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} is gone`);
  });

  it('Ctrl-C stops the whole tree and keeps every capture, in --save and --har', async () => {
    const dir = tmp();
    const save = path.join(dir, 'c.ndjson');
    const har = path.join(dir, 'c.har');
    const cli = new CliProcess(['run', '--save', save, '--har', har, '--', ...lingeringTarget(dir)]);
    await cli.waitFor('the capture to be saved', () => existsSync(save) && readFileSync(save, 'utf8').includes('\n') && existsSync(path.join(dir, 'pids')), 60_000);
    cli.child.kill('SIGINT');
    const code = await cli.exited;
    assert.equal(code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stderr, /interrupted/);
    assert.match(cli.stdout, /Requests: 1 \(1 audited/);
    for (const pid of JSON.parse(readFileSync(path.join(dir, 'pids'), 'utf8')) as number[]) assert.equal(alive(pid), false, `pid ${pid} is gone`);
    for (const file of [save, har]) {
      const back = await runCli(['audit', '-q', file]);
      assert.equal(back.code, 0, `${file}: ${back.stdout}`);
      assert.match(back.stdout, /Requests: 1 \(1 audited/);
    }
  });
});

describe('run: --save and --har are read back by audit with the same verdict', () => {
  for (const [name, command, env] of [
    ['CLI over HTTPS', [...NODE_CLI, 'migrate', 'apply', '--admin-secret', 'x'], { EMITTER_VARIANT: 'flags' }],
    ['console over WebSocket', CONSOLE, { EMITTER_VARIANT: 'route-name' }],
  ] as const) {
    it(name, async () => {
      const dir = tmp();
      const save = path.join(dir, 'c.ndjson');
      const har = path.join(dir, 'c.har');
      const live = await runCli(['run', '--format', 'json', '--save', save, '--har', har, '--', ...command], { env, ...TIMEOUT });
      const liveReport = JSON.parse(live.stdout) as { summary: unknown; exitCode: number };
      assert.equal(liveReport.exitCode, 1);
      for (const file of [save, har]) {
        const back = await runCli(['audit', '--format', 'json', file]);
        const report = JSON.parse(back.stdout) as { summary: unknown; exitCode: number };
        assert.equal(report.exitCode, liveReport.exitCode, file);
        assert.deepEqual(report.summary, liveReport.summary, file);
      }
    });
  }
});
