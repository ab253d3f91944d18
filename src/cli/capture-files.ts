/**
 * The capture files of a live session: --save (NDJSON, one line written per request at once,
 * so the file is valid after a crash or Ctrl-C) and --har (HAR 1.2, written when the session
 * ends). Both are opened before the target starts: an unwritable path is an error, exit 2,
 * with nothing run.
 */
import { closeSync, fchmodSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { CapturedRequest } from '../capture/captured-request.js';
import { serializeCaptureLine } from '../capture/capture-record.js';
import { HarBuilder } from '../capture/har-writer.js';
import type { FakeResponse } from '../live/fake-response.js';
import { ConfigError } from './errors.js';
import { TOOL_VERSION } from './version.js';

function openForWriting(file: string, cwd: string, option: string): { fd: number; path: string } {
  const abs = path.resolve(cwd, file);
  try {
    // Private (0600): captures hold Authorization and Cookie values as they were sent. The mode
    // of open() applies only to a new file, so an existing one is narrowed too.
    const fd = openSync(abs, 'w', 0o600);
    fchmodSync(fd, 0o600);
    return { fd, path: abs };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(`cannot write ${option} ${file}: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
  }
}

export class CaptureFiles {
  private readonly harBuilder: HarBuilder | null;

  private constructor(
    private readonly saveFd: number | null,
    private readonly harPath: string | null,
    respond: FakeResponse,
  ) {
    this.harBuilder = harPath ? new HarBuilder(respond, { name: 'telemetry-audit', version: TOOL_VERSION }) : null;
  }

  static open(opts: { save?: string | undefined; har?: string | undefined; respond: FakeResponse }, cwd: string): CaptureFiles {
    const save = opts.save ? openForWriting(opts.save, cwd, '--save') : null;
    let harPath: string | null = null;
    if (opts.har) {
      try {
        const har = openForWriting(opts.har, cwd, '--har');
        closeSync(har.fd);
        harPath = har.path;
      } catch (err) {
        if (save) closeSync(save.fd);
        throw err;
      }
    }
    return new CaptureFiles(save?.fd ?? null, harPath, opts.respond);
  }

  add(request: CapturedRequest): void {
    if (this.saveFd !== null) writeSync(this.saveFd, serializeCaptureLine(request));
    this.harBuilder?.add(request);
  }

  close(): void {
    if (this.saveFd !== null) closeSync(this.saveFd);
    if (this.harBuilder && this.harPath) writeFileSync(this.harPath, this.harBuilder.toString(), { mode: 0o600 });
  }
}
