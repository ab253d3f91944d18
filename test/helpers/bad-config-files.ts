/**
 * Data-driven tests for broken config files (fixtures/bad-policies, fixtures/bad-packs): each
 * file must stop the command with exit 2 and print exactly the lines its expected.json lists.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { FIXTURES } from './paths.js';
import { runCli } from './run-cli.js';

/** stderr as trimmed lines, without the "telemetry-audit <command>: " prefix of the first. */
export function errorLines(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .map((l) => l.trim().replace(/^telemetry-audit [a-z ]+?: (?=fixtures\/)/, ''));
}

export function badConfigCases(dirName: string, commands: Array<{ label: string; args: (file: string) => string[] }>): void {
  const dir = path.join(FIXTURES, dirName);
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, string[] | string>;

  it('lists every file in expected.json', () => {
    const onDisk = readdirSync(dir).filter((f) => f !== 'expected.json').sort();
    assert.deepEqual(onDisk, Object.keys(expected).filter((k) => !k.startsWith('$')).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    if (typeof want === 'string') continue;
    for (const { label, args } of commands) {
      it(`${file}: ${label} exits 2 and prints the expected located problems`, async () => {
        const run = await runCli(args(`fixtures/${dirName}/${file}`));
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stdout, '', 'nothing else is done with a broken file');
        assert.deepEqual(errorLines(run.stderr), want);
      });
    }
  }

  it('every problem points at a place inside its file', () => {
    for (const [file, want] of Object.entries(expected)) {
      if (typeof want === 'string') continue;
      const text = readFileSync(path.join(dir, file), 'utf8').split('\n');
      let located = 0;
      for (const line of want) {
        const m = new RegExp(`^fixtures/${dirName}/[^:]+:(\\d+):(\\d+):`).exec(line);
        if (!m) continue;
        located++;
        const [row, col] = [Number(m[1]), Number(m[2])];
        assert.ok(row >= 1 && row <= text.length, `${line}: line out of range`);
        assert.ok(col >= 1 && col <= text[row - 1]!.length + 1, `${line}: column out of range`);
      }
      assert.ok(located > 0, `${file}: no problem is located`);
    }
  });
}
