// The judgement of `npm run verify:clients`, apart from the installing and running: a measured
// matrix against the recorded one. Where a client breaks its docs, the recorded row is the
// measured disagreement (the pack's `expected` stays what the docs promise), so a client that
// starts keeping its promise, or breaks another, is a difference too.

/**
 * @param {{ matrix?: Record<string, { outcome: string, status: string }>, exit?: number }} recorded
 * @param {{ rows: Record<string, { outcome: string, status: string }>, bypasses: number, exit: number | null }} measured
 * @returns {{ rows: Array<{ scenario: string, verdict: 'same' | 'differs' | 'not-recorded' | 'missing', recorded?: { outcome: string, status: string } }>, differences: string[] }}
 */
export function compareMatrix(recorded, measured) {
  const want = recorded.matrix ?? {};
  const rows = [];
  const differences = [];
  for (const [scenario, got] of Object.entries(measured.rows)) {
    const w = want[scenario];
    if (!w) {
      rows.push({ scenario, verdict: 'not-recorded' });
      differences.push(`${scenario}: measured ${got.outcome} (${got.status}), nothing recorded`);
    } else if (w.outcome !== got.outcome || w.status !== got.status) {
      rows.push({ scenario, verdict: 'differs', recorded: w });
      differences.push(`${scenario}: measured ${got.outcome} (${got.status}), recorded ${w.outcome} (${w.status})`);
    } else rows.push({ scenario, verdict: 'same', recorded: w });
  }
  for (const scenario of Object.keys(want)) {
    if (measured.rows[scenario]) continue;
    rows.push({ scenario, verdict: 'missing', recorded: want[scenario] });
    differences.push(`${scenario}: recorded, missing from the run`);
  }
  // Never recorded as known: a connection around the proxy means the capture cannot be trusted.
  if (measured.bypasses > 0) differences.push(`${measured.bypasses} connection attempt(s) went around the proxy`);
  if (recorded.exit !== undefined && recorded.exit !== measured.exit) differences.push(`optout exit ${measured.exit}, recorded ${recorded.exit}`);
  return { rows, differences };
}
