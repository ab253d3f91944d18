/**
 * Open a local file in a real headless Chromium, driven over its DevTools pipe (the client the
 * `browse` command uses), and look at what it rendered: evaluate expressions in the page and
 * take a screenshot. The browser runs in a network namespace with loopback only (checked before
 * it starts), so nothing it or the page might try can leave the machine.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { CdpPipe } from '../../src/live/browser/cdp-pipe.js';
import { CHECK, sealedUnavailable } from './sealed-shell.js';

export const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Why pages cannot be opened here, or null. */
export function headlessUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)`;
  return sealedUnavailable();
}

export interface OpenPage {
  /** Load another local file in the same page. */
  open(file: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the viewport (or of the whole page). */
  screenshot(fullPage?: boolean): Promise<Buffer>;
  /** Console messages and CSP violations the page reported. */
  readonly messages: string[];
}

export async function withPage<T>(file: string, use: (page: OpenPage) => Promise<T>, opts: { width?: number; height?: number } = {}): Promise<T> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ta-chromium-'));
  const args = [
    '--headless', '--remote-debugging-pipe', '--disable-gpu', '--hide-scrollbars', '--mute-audio', '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-breakpad', '--disable-extensions',
    `--user-data-dir=${profile}`, `--window-size=${opts.width ?? 1200},${opts.height ?? 900}`,
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    'about:blank',
  ];
  // `exec "$@"` keeps fds 3 and 4 (the DevTools pipe) for the browser.
  const child = spawn('unshare', ['--net', 'sh', '-c', `${CHECK}\nexec "$@"`, 'sh', CHROMIUM, ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: profile },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`Chromium exited (${signal ?? code}) before the test was done:\n${stderr}`))));
  exited.catch(() => undefined);
  const cdp = new CdpPipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const messages: string[] = [];
  try {
    return await Promise.race([
      exited,
      (async () => {
        const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
        const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
        cdp.on('Runtime.consoleAPICalled', (p, sid) => sid === sessionId && messages.push(`console: ${JSON.stringify(p.args)}`));
        cdp.on('Log.entryAdded', (p, sid) => sid === sessionId && messages.push(`log: ${JSON.stringify(p.entry)}`));
        await cdp.send('Page.enable', {}, sessionId);
        await cdp.send('Runtime.enable', {}, sessionId);
        await cdp.send('Log.enable', {}, sessionId);
        const page: OpenPage = {
          messages,
          async open(target: string) {
            let off = (): void => undefined;
            const loaded = new Promise<void>((resolve) => (off = cdp.on('Page.loadEventFired', (_p, sid) => sid === sessionId && resolve())));
            const nav = await cdp.send<{ errorText?: string }>('Page.navigate', { url: pathToFileURL(target).href }, sessionId);
            if (nav.errorText) throw new Error(`Chromium could not open ${target}: ${nav.errorText}`);
            await loaded;
            off();
          },
          async evaluate<R>(expression: string): Promise<R> {
            const r = await cdp.send<{ result?: { value?: unknown }; exceptionDetails?: { text?: string } }>('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
            if (r.exceptionDetails) throw new Error(`page script error: ${r.exceptionDetails.text}`);
            return r.result?.value as R;
          },
          async screenshot(fullPage = false) {
            const r = await cdp.send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: fullPage }, sessionId);
            return Buffer.from(r.data, 'base64');
          },
        };
        await page.open(file);
        return await use(page);
      })(),
    ]);
  } finally {
    if (!cdp.closed) await Promise.race([cdp.send('Browser.close').catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(profile, { recursive: true, force: true });
  }
}
