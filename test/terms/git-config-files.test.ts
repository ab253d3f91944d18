/**
 * The identity query read from git's config files must print exactly what `git config
 * --get-regexp` prints, or step aside (undefined) so that git answers. Each case runs real git
 * on the same files, in a temp HOME (never the user's), and compares.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseGitConfig, readGitConfigDirect } from '../../src/terms/git-config-files.js';
import { GIT_IDENTITY_KEYS } from '../../src/terms/local-identity.js';

const gitAtUsr = ['/usr/bin/git', '/bin/git'].some((f) => existsSync(f));
const skip = process.platform !== 'linux' || !gitAtUsr ? 'needs Linux with git in /usr/bin (the reader asks git itself anywhere else)' : false;
const root = mkdtempSync(path.join(os.tmpdir(), 'ta-gitcfg-'));
after(() => rmSync(root, { recursive: true, force: true }));
const KEYS = new RegExp(GIT_IDENTITY_KEYS);

let n = 0;
interface Case {
  global?: string;
  xdg?: string;
  local?: string;
  env?: NodeJS.ProcessEnv;
}

/** A temp HOME (and a repository in it when `local` is given); returns cwd and env for both readers. */
function setup(c: Case): { cwd: string; env: NodeJS.ProcessEnv } {
  const home = path.join(root, `home${++n}`);
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GIT_CONFIG_NOSYSTEM: '1', ...c.env };
  if (c.global !== undefined) writeFileSync(path.join(home, '.gitconfig'), c.global);
  if (c.xdg !== undefined) {
    mkdirSync(path.join(home, '.config', 'git'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'git', 'config'), c.xdg);
  }
  let cwd = home;
  if (c.local !== undefined) {
    const repo = path.join(home, 'project');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo], { env });
    appendFileSync(path.join(repo, '.git', 'config'), c.local);
    cwd = path.join(repo, 'src', 'deep');
    mkdirSync(cwd, { recursive: true });
  }
  return { cwd, env };
}

function gitSays(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const r = spawnSync('git', ['config', '--get-regexp', GIT_IDENTITY_KEYS], { cwd, env, encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status !== 0 || out === '' ? undefined : out;
}

function direct(cwd: string, env: NodeJS.ProcessEnv): string | undefined | null {
  const out = readGitConfigDirect(KEYS, cwd, env);
  // null: the reader stepped aside.
  return out === undefined ? null : out.trim() === '' ? undefined : out.trim();
}

function same(c: Case): string | undefined {
  const { cwd, env } = setup(c);
  const expected = gitSays(cwd, env);
  const got = direct(cwd, env);
  assert.notEqual(got, null, 'a plain config is read without git');
  assert.equal(got, expected);
  return expected;
}

describe('git identity read from the config files', { skip }, () => {
  it('plain global and local files: every value, global first, as git prints them', () => {
    const out = same({
      global: '[user]\n\temail = jane.doe@acme.example\n\tname = Jane Doe\n[core]\n\teditor = vim\n',
      local: '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[user]\n\temail = jd@work.example\n',
    });
    // The control: the case has content, so equality is not two empties.
    assert.match(out ?? '', /user\.email jane\.doe@acme\.example\n.*remote\.origin\.url git@github\.com:acme\/shop\.git/s);
  });

  it('quotes, escapes, comments, blanks and continued lines read as git reads them', () => {
    const out = same({
      global: [
        '# a comment',
        '; another',
        '[User]',
        '  Name = "Jane  \\"JD\\"  Doe"   # trailing comment',
        'EMAIL=jane@acme.example;comment',
        '[user] name = Jane\t\tTabbed   Doe  ',
        '[user]',
        '\tname = Jane \\',
        '   Continued',
        '\tname = "  quoted blanks kept  "',
        '\tname = a"b"c "d" e\\tf',
        '',
      ].join('\n'),
    });
    assert.match(out ?? '', /user\.name Jane {2}"JD" {2}Doe/);
  });

  it('subsections, old-style sections, keys without a value, CR LF and a byte order mark', () => {
    same({
      global: '\uFEFF[remote "Up Stream"]\r\n\turl = https://git.acme.example/a b.git\r\n[remote.Legacy]\r\n\tURL = ssh://git@acme.example/x\r\n[remote "bare"]\r\n\turl\r\n',
    });
  });

  it('the XDG config, before ~/.gitconfig', () => {
    same({ xdg: '[user]\n\tname = From Xdg\n', global: '[user]\n\tname = From Home\n' });
    same({ xdg: '[user]\n\temail = xdg@acme.example\n', env: { XDG_CONFIG_HOME: path.join(root, 'no-such-xdg') } });
  });

  it('a worktree reads its main repository config, and its own only with extensions.worktreeConfig', () => {
    const { cwd: inner, env } = setup({ local: '[user]\n\tname = Main Repo\n' });
    const repo = path.dirname(path.dirname(inner));
    execFileSync('git', ['-c', 'user.name=x', '-c', 'user.email=x@x.example', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: repo, env });
    const wt = path.join(root, `wt${n}`);
    execFileSync('git', ['worktree', 'add', '-q', wt], { cwd: repo, env });
    assert.equal(direct(wt, env), gitSays(wt, env));
    assert.match(direct(wt, env) ?? '', /Main Repo/);
    execFileSync('git', ['config', 'extensions.worktreeConfig', 'true'], { cwd: repo, env });
    execFileSync('git', ['config', '--worktree', 'user.email', 'wt@acme.example'], { cwd: wt, env });
    assert.equal(direct(wt, env), gitSays(wt, env));
    assert.match(direct(wt, env) ?? '', /wt@acme\.example/);
  });

  it('no config anywhere: nothing, as git', () => {
    assert.equal(same({}), undefined);
  });

  it('steps aside for git where git could see more: includes, GIT_CONFIG_* variables, odd syntax', () => {
    const cases: Case[] = [
      { global: '[include]\n\tpath = other.gitconfig\n' },
      { global: '[includeIf "gitdir:~/work/"]\n\tpath = work.gitconfig\n' },
      { global: '[user]\n\tname = x\n', env: { GIT_CONFIG_GLOBAL: path.join(root, 'elsewhere') } },
      { global: '[user]\n\tname = x\n', env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.email', GIT_CONFIG_VALUE_0: 'env@acme.example' } },
      { global: '[user]\n\tname = bad \\q escape\n' },
      { global: '[user]\n\tname = "unterminated\n' },
      { global: 'name = before any section\n' },
      { global: '[user]\n\tname # a comment after a bare key\n' },
    ];
    for (const c of cases) {
      const { cwd, env } = setup(c);
      assert.equal(readGitConfigDirect(KEYS, cwd, env), undefined, JSON.stringify(c));
    }
  });

  it('a git outside /usr (another build, another system config): git is asked', () => {
    const bin = path.join(root, 'otherbin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'git'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const { cwd, env } = setup({ global: '[user]\n\tname = x\n' });
    assert.equal(readGitConfigDirect(KEYS, cwd, { ...env, PATH: `${bin}:${env.PATH}` }), undefined);
  });
});

describe('parseGitConfig', () => {
  it('keys are canonical: section and name lower-cased, a quoted subsection kept as written', () => {
    assert.deepEqual(parseGitConfig('[Remote "Origin"]\n\tURL = a\n[Remote.Origin]\n\tUrl\n'), [
      { key: 'remote.Origin.url', value: 'a' },
      { key: 'remote.origin.url', value: null },
    ]);
  });
});
