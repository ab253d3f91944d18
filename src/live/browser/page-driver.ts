/**
 * Drive one page of a browser over CDP: load a URL, run the step script. Elements are looked for
 * until they appear (the page may still be rendering) and clicked with HTMLElement.click(), which
 * fires the same listeners a user's click does; an error a listener throws reaches the page's
 * window "error" handlers as it would for a user.
 */
import { type BrowserScript, type BrowserStep, DEFAULT_STEP_TIMEOUT_S, describeStep } from './browser-script.js';
import { CdpError, type CdpPipe } from './cdp-pipe.js';

export class StepError extends Error {
  override name = 'StepError';
}

const POLL_MS = 100;

export class PageDriver {
  private constructor(
    private readonly cdp: CdpPipe,
    private readonly sessionId: string,
    private readonly onPage: (url: string) => void,
  ) {}

  /** Open a new page and attach to it; nothing is loaded yet. */
  static async open(cdp: CdpPipe, onPage: (url: string) => void): Promise<PageDriver> {
    const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    await cdp.send('Page.enable', {}, sessionId);
    await cdp.send('Runtime.enable', {}, sessionId);
    return new PageDriver(cdp, sessionId, onPage);
  }

  /** Load `url` like a typed address and wait for its load event. */
  async load(url: string, timeoutS: number): Promise<void> {
    this.onPage(pageLabel(url));
    let unsubscribe = (): void => {};
    const loaded = new Promise<void>((resolve) => {
      unsubscribe = this.cdp.on('Page.loadEventFired', (_p, sid) => sid === this.sessionId && resolve());
    });
    try {
      const result = await this.cdp.send<{ errorText?: string }>('Page.navigate', { url }, this.sessionId);
      if (result.errorText) throw new StepError(`could not load ${pageLabel(url)}: ${result.errorText}`);
      await withTimeout(loaded, timeoutS, `${pageLabel(url)} did not finish loading`);
    } finally {
      unsubscribe();
    }
  }

  async currentUrl(): Promise<string> {
    return String(await this.evaluate('location.href'));
  }

  /** Run every step in order; throws StepError naming the step that failed. */
  async run(script: BrowserScript, onStep: (line: string) => void): Promise<void> {
    const defaultTimeout = script.timeout ?? DEFAULT_STEP_TIMEOUT_S;
    for (const [i, step] of script.steps.entries()) {
      onStep(`step ${i + 1}: ${describeStep(step)}`);
      try {
        await this.step(step, 'timeout' in step && step.timeout !== undefined ? step.timeout : defaultTimeout);
      } catch (err) {
        if (err instanceof StepError || err instanceof CdpError) throw new StepError(`step ${i + 1} (${describeStep(step)}) failed: ${err.message}`);
        throw err;
      }
    }
  }

  private async step(step: BrowserStep, timeoutS: number): Promise<void> {
    if ('click' in step) {
      await this.until(`(() => { const el = document.querySelector(${JSON.stringify(step.click)}); if (!el) return false; el.click(); return true; })()`, timeoutS, `no element matches ${step.click}`);
    } else if ('navigate' in step) {
      await this.load(new URL(step.navigate, await this.currentUrl()).href, timeoutS);
    } else if ('waitFor' in step) {
      await this.until(`document.querySelector(${JSON.stringify(step.waitFor)}) !== null`, timeoutS, `no element matches ${step.waitFor}`);
    } else if ('waitForText' in step) {
      await this.until(`(document.body?.innerText ?? '').includes(${JSON.stringify(step.waitForText)})`, timeoutS, `the page never showed ${JSON.stringify(step.waitForText)}`);
    } else {
      await new Promise((r) => setTimeout(r, step.wait * 1000));
    }
  }

  /** Poll `expression` until it is true; fail after `timeoutS`. */
  private async until(expression: string, timeoutS: number, failure: string): Promise<void> {
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
      if ((await this.evaluate(expression)) === true) return;
      if (Date.now() >= deadline) throw new StepError(`${failure} after ${timeoutS} s`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async evaluate(expression: string): Promise<unknown> {
    const r = await this.cdp.send<{ result?: { value?: unknown }; exceptionDetails?: { text?: string; exception?: { description?: string } } }>(
      'Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true },
      this.sessionId,
    );
    if (r.exceptionDetails) throw new StepError(`script error: ${r.exceptionDetails.exception?.description?.split('\n')[0] ?? r.exceptionDetails.text ?? 'exception'}`);
    return r.result?.value;
  }
}

/** The page as an origin label: scheme, host and path; the query and fragment may carry tokens. */
export function pageLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

function withTimeout<T>(p: Promise<T>, seconds: number, failure: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new StepError(`${failure} after ${seconds} s`)), seconds * 1000);
    }),
  ]);
}
