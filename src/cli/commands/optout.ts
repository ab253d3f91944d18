/**
 * `telemetry-audit optout [--pack NAME|FILE] -- <command>`: prove or disprove every opt-out of
 * a pack against a real program. Each scenario runs the command in its own temporary HOME
 * behind its own live capture; what it sends is audited; the matrix says which opt-outs held.
 */
import { escapeControlsKeepLines } from '../../report/control-chars.js';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { CapturedRequest } from '../../capture/captured-request.js';
import type { CaptureFeed, FeedEvent } from '../../capture/capture-feed.js';
import type { RequestResult } from '../../engine/audit-request.js';
import { loadPack, packPolicyRef, type LoadedPack } from '../../optout/load-pack.js';
import { DETECTORS_ONLY_POLICY } from '../../policy/detectors-only.js';
import type { OptoutMatrix, ScenarioRowReport } from '../../optout/matrix.js';
import { OPTOUT_PLACEHOLDER } from '../../optout/pack-schema.js';
import { makeRunRoot, OptoutRunError, OptoutRunner, scenarioDirs, type OptoutEvents } from '../../optout/run-pack.js';
import { STAND_IN_NOTE, standInIdentity } from '../../optout/stand-in-identity.js';
import type { ScenarioOutcome, Expectation as TuiExpectation } from '../../tui/state/optout-matrix.js';
import type { InspectorStore } from '../../tui/state/store.js';
import { AUDIT_RUN_OPTIONS, AuditRun } from '../audit-run.js';
import { ScenarioCaptureFiles } from '../scenario-capture-files.js';
import type { CommandSpec, OptionSpec, ParsedArgs } from '../command.js';
import { writeOut } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { withInterruptHandler } from '../interrupt.js';
import { CAPTURE_OPTIONS, captureSettings, containmentNote, SEALED_OPTIONS, sealedMode, traceFor, traceMode, unsealedNote } from '../options/live-options.js';
import { boolOpt, intOpt, secondsOpt, stringOpt, stringsOpt } from '../parse-args.js';
import { loadInspector, tuiDecision } from '../tui-mode.js';

const OPTOUT_OPTIONS: OptionSpec[] = [
  { name: 'pack', type: 'string', value: 'NAME|FILE', description: 'opt-out pack: hasura-cli, hasura-server, hasura-cli-console, a real client (`pack list`), or a JSON/YAML file (default: hasura-server when the command names graphql-engine, else hasura-cli)' },
  { name: 'window', type: 'string', value: 'SECONDS', description: "how long to watch every scenario: the quiet window after a CLI exits, or a server's observation (default: the pack's)" },
  { name: 'concurrency', type: 'string', value: 'N', description: `most scenarios at once (default: all, up to 16; a pack's own limit, when lower, wins)` },
  { name: 'tui', type: 'boolean', description: 'show the matrix filling in live in the terminal UI (the text report when not a terminal, or CI is set)' },
  { name: 'project', type: 'string', value: 'DIR', description: "the project each scenario gets its own copy of, when the pack has a project without a template (default: the current directory)" },
  { name: 'save', type: 'string', value: 'FILE', description: 'write every scenario\'s captures to FILE as NDJSON (0600), each labelled with its scenario and step; "{scenario}" in FILE makes one file per scenario' },
  { name: 'har', type: 'string', value: 'FILE', description: 'write the captures as HAR 1.2 when the run ends; "{scenario}" in FILE makes one file per scenario' },
  ...CAPTURE_OPTIONS.filter((o) => o.name === 'respond' || o.name === 'node-preload'),
  ...SEALED_OPTIONS,
  { name: 'trace', type: 'boolean', description: 'require syscall tracing (strace) to see connections that bypass the proxy; exit 2 if it cannot run' },
  { name: 'no-trace', type: 'boolean', description: 'do not trace: a "suppressed" result then rests on the proxy alone (said in the matrix)' },
  { name: 'browser', type: 'string', value: 'PATH', description: "run the scenarios' browser steps (e.g. the console a server hosts) in this Chromium-family browser, e.g. chromium; without it they are skipped and the report says so" },
  { name: 'trace-loopback', type: 'boolean', description: 'also count direct connections to loopback addresses (other than the proxy) as bypasses' },
];

/** Which pack, when none is named: the Hasura server's for a graphql-engine command, else the CLI's. */
export function defaultPack(command: readonly string[]): string {
  return command.slice(0, 3).some((a) => /graphql-engine/.test(path.basename(a))) ? 'hasura-server' : 'hasura-cli';
}

/** A fresh random term per run for {{canary}}: long, lower-case hex after a marker no payload carries. */
export function freshCanary(): string {
  return `cnry${randomBytes(8).toString('hex')}`;
}

function usesCanary(loaded: LoadedPack, command: readonly string[]): boolean {
  return /\{\{\s*canary\s*\}\}/.test(JSON.stringify(loaded.pack) + JSON.stringify(command));
}

const TUI_EXPECT = { send: 'send', suppress: 'suppress', 'refuse-start': 'refuse' } as const;
const TUI_OUTCOME: Record<ScenarioRowReport['outcome'], ScenarioOutcome> = {
  suppressed: 'suppressed',
  sent: 'sent',
  'refused to start': 'refused-to-start',
  inconclusive: 'inconclusive',
};

/** Every scenario's requests and connection attempts as one feed, for the inspector. */
class ScenariosFeed implements CaptureFeed {
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  constructor(private readonly onStop: () => Promise<void>) {}
  subscribe(listener: (e: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: FeedEvent): void {
    for (const l of this.listeners) l(event);
  }
  stop(): Promise<void> {
    return this.onStop();
  }
}

export const optoutCommand: CommandSpec = {
  name: 'optout',
  summary: 'Prove or disprove every documented opt-out of a program: each scenario of a pack beside a control that must send.',
  usage: 'telemetry-audit optout [--pack NAME|FILE] [--window SECONDS] [--concurrency N] [options] -- <command> [args...]',
  takesCommand: true,
  description: [
    'Runs the command once per scenario of the pack, each in its own temporary HOME (with XDG',
    'directories) and working directory, behind its own intercepting proxy; on Linux, where it can',
    'be set up, each scenario is sealed in its own network namespace (--no-sealed: proxy only, plus',
    'strace where it works); nothing is forwarded.',
    '{{optout}} in the command marks where scenario arguments go; {{canary}} becomes a fresh random',
    'term that no request may carry, in any encoding.',
    'A CLI scenario ends when the command exits and the quiet window has passed; a server is',
    'observed, then stopped; a scenario that must not send ends at its first request.',
    '',
    'Exit codes: 0 the control sent and every opt-out held, with no audit error; 1 an opt-out',
    'path leaked, a scenario did not behave as the pack expects, or an audit error; 2 usage, pack,',
    'policy or command errors (before anything runs); 3 inconclusive: the control sent nothing (or',
    'did not start), or a scenario could not conclude.',
  ].join('\n'),
  options: [...AUDIT_RUN_OPTIONS, ...OPTOUT_OPTIONS],
  examples: [
    'telemetry-audit optout --pack hasura-cli -- hasura version {{optout}}',
    'telemetry-audit optout --pack hasura-server -- graphql-engine --database-url postgres://… serve {{optout}}',
    'telemetry-audit optout --pack my-tool.optout.yaml --format junit -o optout.xml -- my-tool build {{optout}}',
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}": put the command after "--"`);
    if (args.rest.length === 0) throw new UsageError('no command given: telemetry-audit optout [options] -- <command> [args...]');
    const command = args.rest;
    if (command.filter((a) => a === OPTOUT_PLACEHOLDER).length > 1) throw new UsageError(`${OPTOUT_PLACEHOLDER} may appear once in the command`);
    const capture = captureSettings({ ...args, values: { ...args.values, save: undefined, har: undefined, port: undefined } });
    const mode = traceMode(args);
    const window = secondsOpt(args, 'window');
    const concurrency = intOpt(args, 'concurrency', 1);

    const packName = stringOpt(args, 'pack');
    const loaded = await loadPack(packName ?? defaultPack(command), io.cwd);
    const notes: string[] = [];
    if (packName === undefined) notes.push(`opt-out pack: ${loaded.origin} (no --pack given)`);

    const browser = stringOpt(args, 'browser');
    const withBrowser = loaded.pack.scenarios.filter((s) => s.browser !== undefined).length;
    if (withBrowser > 0) {
      notes.push(
        browser !== undefined
          ? `browser steps: ${withBrowser} scenario${withBrowser === 1 ? '' : 's'} load a page of the target in headless ${browser}; what the page sends is judged with the scenario`
          : `browser steps of ${withBrowser} scenario${withBrowser === 1 ? '' : 's'} not run (give --browser chromium to judge what the page itself sends)`,
      );
    }

    // A browser step's Chromium is never sealed (its DevTools pipe cannot pass the namespace helper)
    // and must reach the page the trigger serves: those scenarios' triggers run unsealed too.
    const browserSteps = browser !== undefined && withBrowser > 0;
    if (browserSteps && sealedMode(args) === 'on') throw new ConfigError(`--sealed cannot contain the browser steps of ${withBrowser} scenario${withBrowser === 1 ? '' : 's'} (a browser's DevTools pipe cannot pass the namespace helper); leave out --browser or --sealed`);
    const sealing = sealedMode(args);
    const { trace, sealed, containment } = traceFor(mode, io, sealing);
    notes.push(containmentNote(containment).replace('contained: sealed (', 'contained: sealed, each scenario in its own namespace ('));
    const unsealed = unsealedNote(sealing, containment, io);
    if (unsealed) notes.push(unsealed);
    if (browserSteps && containment === 'sealed') notes.push(`not sealed: the ${withBrowser} scenario${withBrowser === 1 ? '' : 's'} with a browser step run their target and the browser behind the proxy (and the tracer where strace works), so the browser can reach the page`);
    if (containment !== 'sealed') notes.push(trace.active ? 'bypass detection: strace follows every connect() and DNS query of each scenario' : `bypasses could not be seen: ${trace.reason}`);

    // The pack names the policy that audits what its scenarios send, unless --policy says otherwise.
    const values = { ...args.values };
    if (values.policy === undefined) {
      const ref = packPolicyRef(loaded);
      if (ref !== undefined) values.policy = ref;
      else {
        // Another tool's policy would fail every request for nothing: without one, only what
        // the detectors and sensitive terms find counts.
        values.policy = DETECTORS_ONLY_POLICY;
        notes.push(`${loaded.origin} names no policy (and no --policy): requests are audited by the detectors and sensitive terms only`);
      }
    }
    const canary = freshCanary();
    if (usesCanary(loaded, command)) {
      values.canary = [...stringsOpt(args, 'canary'), canary];
      notes.push('{{canary}}: replaced by a fresh random term; every request is searched for it in every encoding');
    }
    const runArgs: ParsedArgs = { ...args, values };

    const decision = boolOpt(args, 'tui') ? tuiDecision(io) : null;
    if (decision && !decision.use) await writeOut(io.stderr, `telemetry-audit optout: ${decision.reason}: printing the text report instead of the interactive view\n`);
    const tui = decision?.use ? decision : null;

    // The scenario directories exist before the audit is set up: they are searched for.
    const root = makeRunRoot();
    let run: AuditRun;
    try {
      const standIns = boolOpt(args, 'no-local-identity') ? undefined : { terms: standInIdentity(scenarioDirs(root, loaded.pack.scenarios)), note: STAND_IN_NOTE };
      run = await AuditRun.fromArgs(runArgs, io, [loaded.origin, command.join(' ')], { notes, ...(standIns ? { standIns } : {}) });
    } catch (err) {
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
    const quiet = run.settings.quiet;
    const status = (line: string) => (quiet || tui ? undefined : writeOut(io.stderr, `telemetry-audit optout: ${escapeControlsKeepLines(line)}\n`));

    // Results reach the report in order, one at a time; with the UI they wait until it closes.
    let chain: Promise<unknown> = Promise.resolve();
    const held: RequestResult[] = [];
    const report = (r: RequestResult) => {
      if (tui) held.push(r);
      else chain = chain.then(() => run.addResult(r));
    };

    let store: InspectorStore | null = null;
    const feed = new ScenariosFeed(async () => {
      runner.interrupt();
      await running;
    });
    const events: OptoutEvents = {
      begin(scenarios) {
        void status(`${loaded.origin}: ${scenarios.length} scenarios, ${runner.concurrency} at a time${window !== undefined ? `, window ${window} s` : ''}`);
        store?.dispatch({
          type: 'optout/begin',
          title: loaded.pack.title,
          scenarios: scenarios.map((s) => ({ name: s.name, expectation: s.informational ? 'inform' : (TUI_EXPECT[s.expect] as TuiExpectation), ...(s.title ? { description: s.title } : {}) })),
        });
      },
      progress(scenario, phase, detail) {
        if (!store) return;
        const tuiPhase = phase === 'observing' ? 'running' : phase === 'setup' ? 'starting' : phase;
        store.dispatch({ type: 'optout/progress', scenario, phase: tuiPhase, ...(detail.fraction !== undefined ? { progress: detail.fraction } : {}), ...(detail.message ? { message: detail.message } : {}) });
      },
      outcome(row) {
        const mark = { pass: '✓', fail: '✗', inconclusive: '?', info: '·' }[row.status];
        void status(`${mark} ${row.name}: ${row.outcome} (${(row.durationMs / 1000).toFixed(1)} s)${row.status === 'pass' ? '' : `: ${row.note}`}`);
        // The tab counts findings itself: the message keeps the rest of the note.
        const message = row.note.replace(/; \d+ errors?, \d+ warnings? in what it sent/, '');
        store?.dispatch({ type: 'optout/outcome', scenario: row.name, outcome: TUI_OUTCOME[row.outcome], message });
      },
      ...(tui ? { forward: (e: FeedEvent) => feed.emit(e) } : {}),
    };

    let files: ReturnType<typeof ScenarioCaptureFiles.open>;
    try {
      files = ScenarioCaptureFiles.open({ save: stringOpt(args, 'save'), har: stringOpt(args, 'har'), respond: capture.respond }, loaded.pack.scenarios.map((s) => s.name), io.cwd);
    } catch (err) {
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
    const project = stringOpt(args, 'project');
    const runner = new OptoutRunner({
      loaded,
      root,
      command,
      baseEnv: io.env,
      commandCwd: io.cwd,
      ...(project !== undefined ? { projectDir: project } : {}),
      ...(files ? { capture: (r: CapturedRequest) => files.add(r) } : {}),
      canary,
      ...(window !== undefined ? { windowSeconds: window } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      trace: mode,
      sealed,
      traceLoopback: boolOpt(args, 'trace-loopback'),
      respond: capture.respond,
      nodePreload: capture.nodePreload,
      ...(browser !== undefined ? { browser } : {}),
      policy: run.compiled,
      audit: (r: CapturedRequest) => run.audit(r),
      report,
      events,
    });

    let running: Promise<OptoutMatrix | Error> | undefined;
    const start = () => {
      running = withInterruptHandler(
        () => {
          void status('interrupted: stopping every scenario (captures are kept)');
          runner.interrupt();
        },
        () => runner.run(),
      ).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      return running;
    };

    let outcome: OptoutMatrix | Error;
    if (tui) {
      try {
        const { runInspector } = await loadInspector(io.env);
        let started: Promise<OptoutMatrix | Error> | null = null;
        await runInspector({
          io,
          keys: tui.keys,
          run,
          label: `optout ${loaded.pack.name}: ${command.join(' ')}`,
          inputs: [loaded.origin, command.join(' ')],
          source: { kind: 'feed', feed },
          optout: { title: loaded.pack.title, scenarios: [] },
          onStore: (s) => {
            store = s;
            started = start();
            void started.then((m) => {
              if (!(m instanceof Error)) s.dispatch({ type: 'optout/verdict', label: `${m.verdict.label}: ${m.verdict.conclusion}`, exitCode: m.verdict.exitCode });
            });
          },
        });
        // Quitting the UI before the end stops the run; what finished is still reported.
        runner.interrupt();
        outcome = await (started ?? start());
      } finally {
        if (tui.ownsKeys) tui.keys.destroy();
        // The runner removes its root when it runs; a UI that failed before starting it did not.
        if (running === undefined) rmSync(root, { recursive: true, force: true });
      }
    } else {
      await run.begin();
      outcome = await start();
    }
    files?.close();
    if (outcome instanceof Error) {
      await chain;
      if (outcome instanceof OptoutRunError) throw new ConfigError(outcome.message);
      throw outcome;
    }
    const matrix: OptoutMatrix = { ...outcome, trace, containment };
    if (tui) {
      await run.begin();
      for (const r of held) await run.addResult(r);
    } else {
      await chain;
    }
    const verdict = withWarningBudget(matrix, run.settings.maxWarnings);
    const dnsQueries = matrix.scenarios.flatMap((r) => (r.dnsQueries ?? []).map((q) => ({ ...q, scenario: r.name })));
    return run.finish({ exitCode: verdict.exitCode, conclusion: verdict.conclusion, optout: { ...matrix, verdict } }, { mode: containment, dnsQueries });
  },
};

/** --max-warnings applies to what the promised scenarios sent, as it does to any audit. */
function withWarningBudget(m: OptoutMatrix, maxWarnings: number | undefined): OptoutMatrix['verdict'] {
  if (maxWarnings === undefined || m.verdict.exitCode !== EXIT.OK) return m.verdict;
  const warnings = m.scenarios.filter((r) => !r.informational).reduce((n, r) => n + r.warnings, 0);
  if (warnings <= maxWarnings) return m.verdict;
  return { exitCode: EXIT.FINDINGS, label: 'FAIL', conclusion: `${warnings} warnings in what the scenarios sent: more than --max-warnings ${maxWarnings}` };
}
