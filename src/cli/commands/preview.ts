/**
 * `telemetry-audit preview --metadata DIR`: the server telemetry a Hasura server would send for
 * this project, computed from its metadata (one server_metrics_v2 payload per source), printed
 * and audited with the project's own names as sensitive terms. A dry run for users who cannot
 * intercept their server.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { CapturedRequest } from '../../capture/captured-request.js';
import { MetadataError, readHasuraMetadata } from '../../hasura-metadata/read-metadata.js';
import { previewPayloads } from '../../hasura-metadata/server-payload.js';
import { AUDIT_RUN_OPTIONS, AuditRun } from '../audit-run.js';
import type { CommandSpec } from '../command.js';
import { writeOut } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { stringOpt } from '../parse-args.js';

const DEFAULT_VERSION = 'v2.36.0';

export const previewCommand: CommandSpec = {
  name: 'preview',
  summary: 'Show and audit the server telemetry Hasura would send for a metadata directory.',
  usage: 'telemetry-audit preview --metadata DIR [options]',
  description: [
    'Computes, per database source, the server_metrics_v2 payload a Hasura server sends for this',
    'metadata (counts of tables, relationships, permissions, triggers, functions, remote schemas,',
    'actions, native queries, logical models), prints it, and audits it against the policy with',
    "every name in the metadata as a sensitive term. Where metadata cannot tell what the server",
    'would know (views vs tables, timings, the database version), the output says so.',
    '',
    'Exit codes as for audit: 0 the payloads conform; 1 errors found (e.g. a data connector name',
    'sent as db_kind); 2 usage error or unreadable metadata.',
  ].join('\n'),
  options: [
    { name: 'hasura-version', type: 'string', value: 'VERSION', description: `server version to put in the payload (default: ${DEFAULT_VERSION})` },
    ...AUDIT_RUN_OPTIONS,
  ],
  examples: ['telemetry-audit preview --metadata hasura/metadata', 'telemetry-audit preview --metadata fixtures/hasura-metadata --format json'],
  async run(args, io) {
    const dir = stringOpt(args, 'metadata');
    if (dir === undefined) throw new UsageError('--metadata DIR is required: the Hasura metadata directory to preview');
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}": preview reads only --metadata`);
    const version = stringOpt(args, 'hasura-version') ?? DEFAULT_VERSION;
    if (!/^v\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version)) throw new UsageError(`--hasura-version must look like v2.36.0, got "${version}"`);

    let md;
    try {
      md = await readHasuraMetadata(path.resolve(io.cwd, dir));
    } catch (err) {
      if (err instanceof MetadataError) throw new ConfigError(`--metadata ${dir}: ${err.message}`);
      throw err;
    }
    const run = await AuditRun.fromArgs(args, io, [dir]);
    const ids = { metadataDbUid: randomUUID(), instanceUid: randomUUID(), defaultDbUid: randomUUID() };
    const previews = previewPayloads(md, { hasuraVersion: version, ...ids });
    if (previews.length === 0) throw new ConfigError(`--metadata ${dir}: the metadata has no database source, so a server sends no per-source payload`);

    const text = run.settings.format === 'text' && !run.settings.quiet;
    if (text) {
      const lines = [`Would-be server telemetry for ${dir} (${previews.length} source${previews.length === 1 ? '' : 's'}; ids are random, as the server's are)`, ''];
      for (const p of previews) {
        lines.push(`source ${p.source}: POST https://telemetry.hasura.io/v1/http`);
        lines.push(...JSON.stringify(p.payload, null, 2).split('\n').map((l) => `  ${l}`));
        for (const u of p.unknowns) lines.push(`  cannot tell: ${u}`);
        lines.push('');
      }
      await writeOut(io.stdout, lines.join('\n') + '\n');
    }
    await run.begin();
    for (const [i, p] of previews.entries()) await run.add(previewRequest(p.payload, version, p.source, i));
    return run.finish();
  },
};

function previewRequest(payload: unknown, version: string, source: string, i: number): CapturedRequest {
  return {
    id: `preview-${i + 1}`,
    time: new Date().toISOString(),
    method: 'POST',
    url: 'https://telemetry.hasura.io/v1/http',
    headers: [
      ['content-type', 'application/json'],
      ['user-agent', `hasura-graphql-engine/${version}`],
    ],
    body: Buffer.from(JSON.stringify(payload)),
    transport: 'http',
    origin: { kind: 'generated', generator: `preview of source ${source}` },
  };
}
