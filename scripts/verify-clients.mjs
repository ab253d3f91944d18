#!/usr/bin/env node
// npm run verify:clients [--record] [NAME...]
//
// Installs each pinned real telemetry client (fixtures/clients/NAME/package.json, npm registry
// only, install scripts off so no postinstall phones home or downloads binaries) into a cache
// directory, runs its built-in opt-out pack with `telemetry-audit optout` against the trigger
// recorded in fixtures/clients/clients.json, and compares the measured matrix with the recorded
// one. Nothing the clients send leaves the machine: every scenario runs behind the dry-run proxy
// and the Node preload, with strace required (--trace); a connection that went around the
// proxy is a bypass finding and fails the run. Not part of `npm test` (hundreds of MB).
//
// --record writes the measured matrix back into clients.json (review the diff).
// TELEMETRY_AUDIT_CLIENTS_CACHE: the cache directory (default $TMPDIR/telemetry-audit-clients).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareMatrix } from './verify-clients-compare.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const recordFile = path.join(root, 'fixtures', 'clients', 'clients.json');
const recorded = JSON.parse(readFileSync(recordFile, 'utf8'));
const args = process.argv.slice(2);
const record = args.includes('--record');
const names = args.filter((a) => !a.startsWith('--'));
for (const n of names) if (!recorded[n]) fail(`unknown client "${n}": known are ${Object.keys(recorded).join(', ')}`);
const cache = process.env.TELEMETRY_AUDIT_CLIENTS_CACHE ?? path.join(os.tmpdir(), 'telemetry-audit-clients');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(cli)) fail('dist/ is missing: run `npm run build` first');

function fail(message) {
  console.error(`verify:clients: ${message}`);
  process.exit(2);
}

/** The client's project in the cache, its pinned packages installed once (again only when package.json changes). */
function install(name) {
  const fixture = path.join(root, 'fixtures', 'clients', name);
  // Not named after the client: the audit treats the working directory's name as identity.
  const dir = path.join(cache, `fixture-${name}`);
  mkdirSync(dir, { recursive: true });
  cpSync(fixture, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  const stamp = createHash('sha256').update(readFileSync(path.join(fixture, 'package.json'))).digest('hex');
  const marker = path.join(dir, 'node_modules', '.verify-clients-installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return dir;
  console.error(`verify:clients: installing ${name} into ${dir} (npm registry)`);
  const r = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`npm install for ${name} failed (exit ${r.status})`);
  writeFileSync(marker, stamp);
  return dir;
}

/** Runs the pack; returns { rows: {scenario: {expected, outcome, status}}, bypasses, exit }. */
function runPack(name, dir, spec) {
  const out = mkdtempSync(path.join(os.tmpdir(), `verify-${name}-`));
  const report = path.join(out, 'report.json');
  const r = spawnSync(
    process.execPath,
    [cli, 'optout', '--pack', name, '--project', dir, '--trace', '--format', 'json', '-o', report, '--', ...spec.trigger],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PATH: `${path.join(dir, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` } },
  );
  if (!existsSync(report)) fail(`${name}: optout wrote no report (exit ${r.status})`);
  const json = JSON.parse(readFileSync(report, 'utf8'));
  rmSync(out, { recursive: true, force: true });
  const rows = {};
  let bypasses = 0;
  const bypassed = [];
  for (const s of json.optout.scenarios) {
    rows[s.name] = { expected: s.informational ? `${s.expect} (info)` : s.expect, outcome: s.outcome, status: s.status, rules: (s.rules ?? []).map((r) => r.id ?? r).join(' ') };
    bypasses += s.bypasses ?? 0;
    // What the attempts were (rule ids: a bypass, a DNS lookup, a refused CA), so one is explained, not guessed at.
    if ((s.bypasses ?? 0) > 0) bypassed.push(`${s.name}: ${s.bypasses} (${JSON.stringify(s.rules ?? [])}; ${s.note})`);
  }
  return { rows, bypasses, bypassed, exit: r.status, verdict: json.optout.verdict };
}

let mismatches = 0;
for (const name of names.length ? names : Object.keys(recorded)) {
  const spec = recorded[name];
  const dir = install(name);
  const started = Date.now();
  const m = runPack(name, dir, spec);
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\n${name} (${spec.pinned}, \`${spec.trigger.join(' ')}\`, ${secs} s, optout exit ${m.exit})`);
  console.log(`  ${'scenario'.padEnd(30)}${'expected'.padEnd(18)}${'measured'.padEnd(20)}${'row'.padEnd(14)}recorded`);
  const { rows, differences } = compareMatrix(spec, m);
  const label = { same: 'same', 'not-recorded': 'NOT RECORDED' };
  for (const row of rows) {
    const got = m.rows[row.scenario];
    if (!got) {
      console.log(`  ${row.scenario.padEnd(30)}missing from the run`);
      continue;
    }
    const verdict = label[row.verdict] ?? `DIFFERS (${row.recorded.outcome}, ${row.recorded.status})`;
    console.log(`  ${row.scenario.padEnd(30)}${got.expected.padEnd(18)}${got.outcome.padEnd(20)}${got.status.padEnd(14)}${verdict}${got.rules ? `  [${got.rules}]` : ''}`);
  }
  if (m.bypasses > 0) {
    console.log(`  ${m.bypasses} connection attempt(s) went around the proxy: a client reached for the network directly; find out why before trusting anything`);
    for (const line of m.bypassed) console.log(`    ${line}`);
  }
  if (spec.exit !== undefined && spec.exit !== m.exit) console.log(`  optout exit ${m.exit}, recorded ${spec.exit}`);
  mismatches += differences.length;
  if (record) {
    spec.matrix = Object.fromEntries(Object.entries(m.rows).map(([k, { rules: _, ...row }]) => [k, row]));
    spec.exit = m.exit;
  }
}
if (record) writeFileSync(recordFile, JSON.stringify(recorded, null, 2) + '\n');
console.log(mismatches === 0 ? '\nverify:clients: every measured matrix matches the recorded one' : `\nverify:clients: ${mismatches} difference(s) from the recorded matrices`);
process.exit(mismatches === 0 ? 0 : 1);
