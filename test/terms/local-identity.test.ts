import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectLocalIdentity, GIT_IDENTITY_KEYS, type IdentityProbe } from '../../src/terms/local-identity.js';
import { termProblem } from '../../src/terms/term-check.js';

/** `git config --get-regexp` as git prints it: one `key value` line per value, in file order. */
function probe(over: Partial<IdentityProbe> & { gitValues?: Record<string, string> } = {}): IdentityProbe {
  const git: Record<string, string> = { [`config --get-regexp ${GIT_IDENTITY_KEYS}`]: Object.entries(over.gitValues ?? {}).map(([k, v]) => `${k} ${v}`).join('\n') };
  return {
    hostname: () => 'build-7f3a9c.eu-west.acme.example',
    username: () => 'jdoe-dev',
    homedir: () => '/home/jdoe-dev',
    cwd: '/home/jdoe-dev/src/shop-backend',
    env: {},
    networkInterfaces: () => ({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: '10.42.7.19', netmask: '255.255.0.0', family: 'IPv4', mac: '3C:22:FB:9A:10:7E', internal: false, cidr: null },
        { address: 'fe80::3e22:fbff:fe9a:107e', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '3C:22:FB:9A:10:7E', internal: false, cidr: null, scopeid: 2 },
      ],
    }),
    git: async (args) => git[args.join(' ')],
    ...over,
  };
}

describe('collectLocalIdentity', () => {
  it('collects host, user, directories, MAC and IP addresses and git identity, by kind', async () => {
    const id = await collectLocalIdentity(
      probe({
        gitValues: {
          'user.email': 'jane.doe@acme-corp.example',
          'user.name': 'Jane Doe',
          'remote.origin.url': 'git@github.com:acme/shop-backend.git',
        },
      }),
    );
    const values = (kind: string) => id.terms.filter((t) => t.kind === `identity:${kind}`).map((t) => t.value);
    assert.deepEqual(values('hostname'), ['build-7f3a9c.eu-west.acme.example', 'build-7f3a9c']);
    assert.deepEqual(values('username'), ['jdoe-dev']);
    assert.deepEqual(values('home-dir'), ['/home/jdoe-dev']);
    assert.deepEqual(values('cwd'), ['/home/jdoe-dev/src/shop-backend']);
    assert.deepEqual(values('cwd-name'), ['shop-backend']);
    assert.deepEqual(values('mac'), ['3c:22:fb:9a:10:7e', '3c-22-fb-9a-10-7e', '3c22fb9a107e']);
    assert.deepEqual(values('ip'), ['10.42.7.19'], 'loopback and link-local addresses identify nobody');
    assert.deepEqual(values('git-email'), ['jane.doe@acme-corp.example']);
    assert.deepEqual(values('git-name'), ['Jane Doe']);
    assert.deepEqual(values('git-remote'), ['git@github.com:acme/shop-backend.git', 'github.com/acme/shop-backend']);
    assert.deepEqual(id.dropped, []);
  });

  it('silently drops values shared by every machine: loopback names, root, system directories, short names', async () => {
    const id = await collectLocalIdentity(
      probe({ hostname: () => 'localhost', username: () => 'root', homedir: () => '/root', cwd: '/tmp', networkInterfaces: () => ({}) }),
    );
    assert.deepEqual(id.terms, []);
    assert.deepEqual(id.checked, []);
    assert.deepEqual(id.dropped.sort(), ['cwd', 'cwd-name', 'home-dir', 'hostname', 'username']);
  });

  it('refuses short values and common words as terms', () => {
    assert.match(termProblem('abc') ?? '', /shorter than 4/);
    assert.match(termProblem('tables') ?? '', /common word/);
    assert.match(termProblem('Version') ?? '', /common word/);
    assert.match(termProblem('2.36') ?? '', /short number/);
    assert.equal(termProblem('10.0.0.1'), null);
    assert.equal(termProblem('loyalty_points'), null);
  });
});
