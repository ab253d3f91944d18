/**
 * A headless browser as the target of a LiveSession: the command line that starts it with a
 * DevTools pipe, and the drive once it runs (load the page, run the steps, keep it open, close
 * it). The session adds the proxy, trust and profile flags itself (see chromium.ts), so the
 * browser is launched like any other target and a wrapper (the tracer, a sealed namespace) wraps
 * it the same way.
 */
import type { StdioOptions } from 'node:child_process';
import type { LiveSession } from '../live-session.js';
import type { BrowserScript } from './browser-script.js';
import { CdpPipe } from './cdp-pipe.js';
import { PageDriver, StepError } from './page-driver.js';

/** Headless, driven over a pipe; `about:blank` until the driver loads the page. */
export function headlessBrowserCommand(browser: string): string[] {
  return [browser, '--headless', '--remote-debugging-pipe', '--disable-gpu', '--mute-audio', '--hide-scrollbars', 'about:blank'];
}

/** stdio for the browser: its output kept aside (it is noisy), fds 3 and 4 the DevTools pipe. */
export const BROWSER_STDIO: StdioOptions = ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'];

export interface DriveOptions {
  url: string;
  script?: BrowserScript | undefined;
  /** Seconds the page stays open after the steps, for what it sends late. */
  forSeconds: number;
  /** Seconds the first load may take. */
  loadTimeoutS?: number;
  status: (message: string) => void;
  /** Called once the page has loaded and the steps ran (or the drive failed). */
  onSettled?: () => void;
  /** Ends the wait after the steps early (the scenario or the user stopped the run). */
  signal?: AbortSignal;
}

export interface DriveResult {
  /** Why the drive could not finish (the page did not load, a step failed, the browser died). */
  failure?: string;
  steps: number;
}

/** Drive the browser a started session runs; always asks it to close at the end. */
export async function drivePage(session: LiveSession, opts: DriveOptions): Promise<DriveResult> {
  const { fd3, fd4 } = session.targetPipes();
  if (!fd3 || !fd4) return { failure: 'the browser was started without its DevTools pipe', steps: 0 };
  const cdp = new CdpPipe(fd3, fd4);
  // A browser that dies ends the drive at once, whatever it was waiting for.
  const died = session.exited.then((exit) => {
    throw new StepError(exit?.spawnError ? `the browser could not be started: ${exit.spawnError}` : `the browser exited (${exit?.signal ?? `code ${exit?.code}`})`);
  });
  died.catch(() => {});
  let steps = 0;
  let failure: string | undefined;
  try {
    await Promise.race([
      died,
      (async () => {
        const page = await PageDriver.open(cdp, (url) => session.setPage(url));
        opts.status(`loading ${new URL(opts.url).origin} in headless ${session.commandName()}`);
        await page.load(opts.url, opts.loadTimeoutS ?? 30);
        if (opts.script) {
          await page.run(opts.script, (line) => {
            steps++;
            opts.status(line);
          });
        }
      })(),
    ]);
    opts.onSettled?.();
    if (opts.forSeconds > 0 && !opts.signal?.aborted) {
      opts.status(`keeping the page open ${opts.forSeconds} s for late senders`);
      await Promise.race([died, sleep(opts.forSeconds * 1000, opts.signal)]);
    }
  } catch (err) {
    failure = (err as Error).message;
    opts.onSettled?.();
  }
  // Connections the browser is still opening are cut by the close, not refused.
  session.closingTarget();
  if (!cdp.closed) await Promise.race([cdp.send('Browser.close').catch(() => {}), sleep(5000)]);
  return { ...(failure !== undefined ? { failure } : {}), steps };
}

/** After drivePage asked the browser to close: wait for its tree, stop a browser that lingers. */
export async function awaitBrowserExit(session: LiveSession, graceMs = 10_000): Promise<void> {
  const closed = await Promise.race([session.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref())]);
  if (!closed) await session.stop('stop');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
