/**
 * A one-line progress display on stderr for long audits and report writing: how many requests,
 * how fast, how many failed, and which source is being read; then which report is being written
 * and how much of it. Only for a person at a terminal: off when stderr is not a terminal, when
 * CI is set, for TERM=dumb and with --quiet, so logs and pipes never get a byte of it.
 *
 * The line is redrawn in place (carriage return, erase to end of line) at most every 100 ms,
 * with a trailing redraw so the last count shows while the input stalls; it is erased before
 * anything else is printed to the terminal and when the run ends, so it never mixes with the
 * report. Source and report names are user data: their control characters are escaped.
 */
import { sourceOf } from '../report/finding-text.js';
import { escapeControls } from '../report/control-chars.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { CliIO } from './command.js';
import { isCi } from './tui-mode.js';

export const PROGRESS_INTERVAL_MS = 100;
const ERASE = '\r\x1b[K';

export interface ProgressOptions {
  /** Milliseconds, monotonic; injectable so tests can drive the throttle. */
  now?: () => number;
}

type Stage = { kind: 'audit' } | { kind: 'write'; display: string; bytes: number };

export class Progress {
  private requests = 0;
  private failing = 0;
  private source = '';
  private stage: Stage = { kind: 'audit' };
  private readonly started: number;
  private lastDraw = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private shown = false;
  /** Something changed that the line does not show yet. */
  private dirty = false;
  private closed = false;
  private readonly now: () => number;

  private constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    opts: ProgressOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** Whether progress may be shown, and why not. */
  static decide(io: Pick<CliIO, 'stderr' | 'env'>, quiet: boolean): { show: true } | { show: false; reason: string } {
    if (quiet) return { show: false, reason: '--quiet' };
    if ((io.stderr as { isTTY?: boolean }).isTTY !== true) return { show: false, reason: 'stderr is not a terminal' };
    if (isCi(io.env)) return { show: false, reason: 'CI is set' };
    if (io.env.TERM === 'dumb') return { show: false, reason: 'TERM is dumb' };
    return { show: true };
  }

  /** A progress line on stderr, or null when it must not be shown. */
  static for(io: Pick<CliIO, 'stderr' | 'env'>, quiet: boolean, opts: ProgressOptions = {}): Progress | null {
    return Progress.decide(io, quiet).show ? new Progress(io.stderr, opts) : null;
  }

  /** A request was audited and reported. */
  request(result: RequestResult): void {
    this.requested(1, result.verdict === 'fail' ? 1 : 0, sourceOf(result.request.origin));
  }

  /** `count` requests were audited and reported, `failing` of them failing, the last from `source`. */
  requested(count: number, failing: number, source: string | undefined): void {
    this.requests += count;
    this.failing += failing;
    if (source !== undefined) this.source = source;
    this.update();
  }

  /** `bytes` of the report `display` are written. */
  writing(display: string, bytes: number): void {
    // The final count is shown before the line moves on to the reports.
    if (this.stage.kind === 'audit' && this.dirty && !this.closed) this.draw();
    this.stage = { kind: 'write', display, bytes };
    this.update();
  }

  /** Erase the line before other output reaches the terminal; the next update draws it again. */
  clear(): void {
    if (!this.shown) return;
    this.out.write(ERASE);
    this.shown = false;
  }

  /** The run is over: show what was not drawn yet (the final count), then erase the line for good. */
  done(): void {
    if (this.closed) return;
    if (this.dirty) this.draw();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.clear();
    this.closed = true;
  }

  private update(): void {
    if (this.closed) return;
    const since = this.now() - this.lastDraw;
    if (since >= PROGRESS_INTERVAL_MS) {
      this.draw();
      return;
    }
    // Trailing redraw: what arrived inside the interval is shown when it ends.
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.draw();
    }, PROGRESS_INTERVAL_MS - since).unref();
  }

  private draw(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
    this.lastDraw = this.now();
    this.out.write(`${ERASE}${this.text((this.out.columns ?? 80) - 1)}`);
    this.shown = true;
  }

  /** The line as it is drawn (without the erase), at most `width` code points: a line that wrapped could not be erased in place. */
  text(width = Infinity): string {
    const seconds = Math.max(0.001, (this.now() - this.started) / 1000);
    const count = `${this.requests.toLocaleString('en')} request${this.requests === 1 ? '' : 's'}`;
    if (this.stage.kind === 'write') return fitLine(escapeControls(`writing ${this.stage.display}: ${mib(this.stage.bytes)} · ${count} audited`), width);
    const rate = `${Math.round(this.requests / seconds).toLocaleString('en')}/s`;
    const failing = this.failing > 0 ? ` · ${this.failing.toLocaleString('en')} failing` : '';
    const head = `auditing: ${count} · ${rate}${failing} · `;
    // A long path loses its start: the file name is the part worth seeing.
    const source = [...escapeControls(this.source)];
    const room = width - head.length;
    if (source.length <= room) return `${head}${source.join('')}`;
    if (room < 8) return fitLine(head.trimEnd().replace(/ ·$/, ''), width);
    return `${head}…${source.slice(source.length - room + 1).join('')}`;
  }
}

function mib(bytes: number): string {
  return bytes < 1 << 20 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Cut to `width` code points (a line that wrapped could not be erased in place). */
function fitLine(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(1, width - 1)).join('')}…`;
}
