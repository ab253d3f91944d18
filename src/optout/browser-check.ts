/**
 * A scenario's browser step: a page the running target serves (the console a server hosts),
 * loaded in headless Chromium behind a capture of its own, labelled with the scenario. What the
 * page sends is handed to the scenario like the target's own requests, so "the console follows the
 * server's switch" is judged on the frames a real browser sent. The result reads like a probe:
 * ok when the page loaded and every step ran, null (inconclusive) when the browser could not.
 */
import type { FeedEvent } from '../capture/capture-feed.js';
import { awaitBrowserExit, BROWSER_STDIO, drivePage, headlessBrowserCommand } from '../live/browser/browse-page.js';
import type { FakeResponse } from '../live/fake-response.js';
import { LiveSession } from '../live/live-session.js';
import type { ProbeResult } from './matrix.js';
import type { ScenarioPlan } from './plan-scenario.js';

export interface BrowserCheckOptions {
  check: NonNullable<ScenarioPlan['browser']>;
  /** The browser to run (a Chromium-family executable). */
  browser: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  scenario: string;
  respond: FakeResponse;
  timeoutMs: number;
  onEvent: (event: FeedEvent) => void;
  /** The steps ran (or failed): the observation may end from now on. */
  onSettled: () => void;
  /** The scenario is over: close the page. */
  signal: AbortSignal;
}

export async function runBrowserCheck(opts: BrowserCheckOptions): Promise<ProbeResult> {
  const { check } = opts;
  const what = check.description ?? `the page ${check.url} in headless Chromium`;
  const base = { url: check.url, ...(check.description ? { description: check.description } : {}) };
  let session: LiveSession;
  try {
    session = await LiveSession.create({
      command: headlessBrowserCommand(opts.browser),
      env: opts.env,
      cwd: opts.cwd,
      // The browser's resolver probes IPv6 with a UDP connect() the tracer cannot tell from a bypass.
      trace: 'off',
      // Never sealed: the DevTools pipe (fds 3/4) cannot pass the namespace helper, and the page
      // the browser loads is served on the host's loopback (the trigger runs unsealed beside it).
      sealed: 'off',
      respond: opts.respond,
      scenario: opts.scenario,
      proxyThread: false,
      captureOutput: true,
      stdio: BROWSER_STDIO,
      timeoutMs: opts.timeoutMs,
    });
  } catch (err) {
    opts.onSettled();
    return { ...base, ok: null, detail: `${what}: the browser could not be set up (${(err as Error).message})` };
  }
  session.subscribe(opts.onEvent);
  let failure: string | undefined;
  let steps = 0;
  try {
    await session.start();
    const drive = await drivePage(session, {
      url: check.url,
      script: { steps: check.steps ?? [] },
      // Open until the scenario ends: a console that sends late is still seen.
      forSeconds: Math.ceil(opts.timeoutMs / 1000),
      status: () => {},
      onSettled: opts.onSettled,
      signal: opts.signal,
    });
    failure = drive.failure;
    steps = drive.steps;
  } finally {
    opts.onSettled();
    await awaitBrowserExit(session);
    await session.done;
  }
  if (failure !== undefined) return { ...base, ok: null, detail: `${what}: ${failure}` };
  return { ...base, ok: true, detail: `${what}: loaded${steps > 0 ? `, ${steps} step${steps === 1 ? '' : 's'} run` : ''}, its requests judged with the scenario's` };
}
