/**
 * `optout --save/--har`: the captures of every scenario, so a leak the matrix shows can be
 * inspected, audited again (`audit FILE`) and fed to `policy infer`. Each record carries its
 * scenario and step in its origin; a path with "{scenario}" gets one file per scenario. Every
 * file is opened before anything runs (an unwritable path is exit 2).
 */
import type { CapturedRequest } from '../capture/captured-request.js';
import type { FakeResponse } from '../live/fake-response.js';
import { CaptureFiles } from './capture-files.js';

const PER_SCENARIO = '{scenario}';

export class ScenarioCaptureFiles {
  private constructor(
    private readonly shared: CaptureFiles | null,
    private readonly perScenario: Map<string, CaptureFiles>,
  ) {}

  static open(opts: { save?: string | undefined; har?: string | undefined; respond: FakeResponse }, scenarios: readonly string[], cwd: string): ScenarioCaptureFiles | null {
    if (opts.save === undefined && opts.har === undefined) return null;
    const split = (file: string | undefined) => (file?.includes(PER_SCENARIO) ? { per: file, shared: undefined } : { per: undefined, shared: file });
    const save = split(opts.save);
    const har = split(opts.har);
    const opened: CaptureFiles[] = [];
    try {
      const shared = save.shared !== undefined || har.shared !== undefined ? CaptureFiles.open({ save: save.shared, har: har.shared, respond: opts.respond }, cwd) : null;
      if (shared) opened.push(shared);
      const per = new Map<string, CaptureFiles>();
      if (save.per !== undefined || har.per !== undefined) {
        for (const name of scenarios) {
          const f = CaptureFiles.open({ save: save.per?.replaceAll(PER_SCENARIO, name), har: har.per?.replaceAll(PER_SCENARIO, name), respond: opts.respond }, cwd);
          opened.push(f);
          per.set(name, f);
        }
      }
      return new ScenarioCaptureFiles(shared, per);
    } catch (err) {
      for (const f of opened) f.close();
      throw err;
    }
  }

  add(request: CapturedRequest): void {
    this.shared?.add(request);
    const scenario = request.origin.kind === 'process' ? request.origin.scenario : undefined;
    if (scenario !== undefined) this.perScenario.get(scenario)?.add(request);
  }

  close(): void {
    this.shared?.close();
    for (const f of this.perScenario.values()) f.close();
  }
}
