import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { CLIENT_PACKS } from '../../src/optout/packs/clients/index.js';
import { BUILTIN_PACKS } from '../../src/optout/packs/index.js';
import { checkBuiltinPack } from '../../src/optout/load-pack.js';
import { CLIENT_POLICIES } from '../../src/policy/packs/clients/index.js';
import { PolicySchema } from '../../src/policy/policy-schema.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { runCli, tempHome } from '../helpers/run-cli.js';

const CAPTURES = path.join(FIXTURES, 'client-captures');

/** Rewrites the body of the first request of a capture file and returns the new file. */
function altered(name: string, edit: (body: any) => any): string {
  const [first] = readFileSync(path.join(CAPTURES, `${name}.ndjson`), 'utf8').split('\n');
  const record = JSON.parse(first!);
  record.body = typeof record.body === 'string' && /^[[{]/.test(record.body) ? JSON.stringify(edit(JSON.parse(record.body))) : edit(record.body);
  const file = path.join(tempHome(), `${name}-altered.ndjson`);
  writeFileSync(file, JSON.stringify(record) + '\n');
  return file;
}

async function audit(policy: string, file: string): Promise<{ code: number | null; rules: string[]; errors: string[] }> {
  const r = await runCli(['audit', '--policy', policy, '--format', 'json', file]);
  const report = JSON.parse(r.stdout);
  const rules = report.requests.flatMap((q: any) => q.findings.map((f: any) => f.rule));
  const errors = report.requests.flatMap((q: any) => q.findings.filter((f: any) => f.severity === 'error').map((f: any) => f.rule));
  return { code: r.code, rules, errors };
}

describe('built-in policies and packs of real npm clients', () => {
  it('are valid data, compile, and every pack names its own built-in policy', () => {
    for (const [name, policy] of Object.entries(CLIENT_POLICIES)) {
      const parsed = PolicySchema.safeParse(JSON.parse(JSON.stringify(policy)));
      assert.ok(parsed.success, name);
      assert.doesNotThrow(() => compilePolicy(parsed.data!), name);
    }
    for (const [name, pack] of Object.entries(CLIENT_PACKS)) {
      assert.equal(BUILTIN_PACKS[name], pack, `${name} is registered`);
      assert.doesNotThrow(() => checkBuiltinPack(name, pack), name);
      assert.equal(pack.policy, name, `${name} names its policy`);
      assert.ok(CLIENT_POLICIES[pack.policy!], `${name}: policy exists`);
    }
  });

  it('keeps every real-client pack within 40 lines', () => {
    const dir = path.join(REPO_ROOT, 'src', 'optout', 'packs', 'clients');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !['index.ts', 'conventions.ts'].includes(f))) {
      const lines = readFileSync(path.join(dir, file), 'utf8').trimEnd().split('\n').length;
      assert.ok(lines <= 40, `${file}: ${lines} lines`);
    }
  });

  // What the real control captures break, by client: Prisma's checkpoint sends the command with
  // its flag values (`init --datasource-provider sqlite`), which its docs do not promise.
  const KNOWN_BREAKS: Record<string, string[]> = { prisma: ['prisma/command-values'] };

  it('pass the real control captures of every client, but for the breaks each tool really has', async () => {
    for (const name of readdirSync(CAPTURES).filter((f) => f.endsWith('.ndjson')).map((f) => f.replace('.ndjson', ''))) {
      const r = await audit(name, path.join(CAPTURES, `${name}.ndjson`));
      // Maps keyed by package name (Storybook's package lists) can only be described as open
      // objects, whose keys are warnings: no other errors, and the exit code says so.
      const expected = KNOWN_BREAKS[name] ?? [];
      assert.deepEqual([...new Set(r.errors)].sort(), expected, name);
      assert.equal(r.code, expected.length > 0 ? 1 : 0, name);
    }
  });

  it('catch what each tool sends beyond its docs', async () => {
    const next = await audit('nextjs', altered('nextjs', (b) => ({ ...b, events: [{ eventName: 'NEXT_PACKAGE_DETECTED', fields: { packageName: '@acme-internal/billing', packageVersion: 'file:./vendor/billing' } }] })));
    assert.deepEqual(next.rules.sort(), ['nextjs/dependency-name', 'nextjs/dependency-specifier']);
    const astro = await audit('astro', altered('astro', (b) => ({ ...b, events: [{ eventName: 'ASTRO_CLI_ERROR', payload: { name: 'Error', cliCommand: 'build', isFatal: true, anonymousMessageHint: 'Cannot read acme' } }] })));
    assert.ok(astro.rules.includes('schema/undocumented-field'), astro.rules.join());
    const nuxt = await audit('nuxt', altered('nuxt', (b) => ({ ...b, events: [{ name: 'command', command: 'deploy-acme-payroll' }] })));
    assert.deepEqual(nuxt.rules, ['nuxt/command-argument']);
    const sb = await audit('storybook', altered('storybook', (b) => ({ ...b, eventType: 'error', payload: { error: { message: 'boom' } } })));
    assert.ok(sb.errors.includes('schema/unknown-field'), sb.rules.join());
    const unknown = await audit('turbo', altered('turbo', (b) => [...b, { generic: { id: 'x', key: 'k', value: 'v', parent_id: null, extra: 1 } }]));
    assert.ok(unknown.rules.includes('schema/unknown-field'), unknown.rules.join());
  });
});
