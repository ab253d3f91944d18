/**
 * Helpers for sealed-run tests. A test that starts a proxy-ignoring emitter (one that connects to
 * TEST-NET addresses or names under .example/.test) runs the whole CLI inside an outer network
 * namespace of its own, verified to hold only `lo`, whose output hook counts (and rejects) every
 * packet to a non-loopback address: if sealing failed, the count says so, and even then nothing
 * could leave this machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sealedSupport } from '../../src/live/sealed/sealed-target.js';
import { runCli, type CliRun } from './run-cli.js';

/** Why sealed tests cannot run here, or null when they can. */
export function sealedSkip(): string | null {
  const s = sealedSupport();
  if (!s.available) return `sealed runs are not possible here (${s.reason}); not starting any proxy-ignoring emitter`;
  const outer = spawnSync('unshare', ['-n', 'true']);
  if (outer.status !== 0) return 'cannot make an outer network namespace for the escape check; not starting any proxy-ignoring emitter';
  return null;
}

const OUTER = `#!/bin/sh
# Run "$@" in this (fresh) network namespace after checking it has only lo; count escapes.
set -e
links=$(ip -o link show | wc -l)
if [ "$links" != 1 ]; then echo "outer namespace has $links interfaces, refusing" >&2; exit 99; fi
ip link set lo up
ip route add default dev lo
ip -6 route add default dev lo 2>/dev/null || true
nft -f - <<'NFT'
table inet outer_watch {
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr 127.0.0.0/8 accept
    ip6 daddr ::1 accept
    counter reject
  }
}
NFT
set +e
"$@"
rc=$?
echo "outer-escapes: $(nft list table inet outer_watch | grep -o 'packets [0-9]*' | awk '{ n += $2 } END { print n + 0 }')" >&2
exit $rc
`;

let script: string | null = null;
function outerScript(): string {
  if (!script) {
    script = path.join(mkdtempSync(path.join(os.tmpdir(), 'ta-outer-')), 'outer.sh');
    writeFileSync(script, OUTER, { mode: 0o755 });
  }
  return script;
}

export interface OuterRun extends CliRun {
  /** Packets to a non-loopback address that reached the outer namespace (dropped there). */
  escapes: number;
}

/** Run the CLI inside an outer namespace with only lo; `escapes` counts what tried to leave it. */
export async function runCliInOuterNamespace(args: string[], opts: Parameters<typeof runCli>[1] = {}): Promise<OuterRun> {
  const r = await runCli(args, { ...opts, wrap: ['unshare', '-n', outerScript()] });
  const m = /outer-escapes: (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`the outer namespace did not report (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  return { ...r, escapes: Number(m[1]) };
}
