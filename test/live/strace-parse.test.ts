import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { dnsQueryName, StraceParser, type TraceEvent } from '../../src/live/strace-parse.js';
import { FIXTURES } from '../helpers/paths.js';

function parseAll(text: string): TraceEvent[] {
  const p = new StraceParser();
  return [...text.split('\n').flatMap((l) => p.line(l, 0)), ...p.flush()];
}

describe('strace output parser', () => {
  it('reads connects (IPv4, IPv6) and DNS queries with their names from a real Python trace', () => {
    const events = parseAll(readFileSync(path.join(FIXTURES, 'strace', 'python-dns-and-connects.txt'), 'latin1'));
    assert.deepEqual(
      events.map((e) => (e.type === 'dns' ? `dns ${e.server.address}:${e.server.port} ${e.name}` : `connect ${e.to.address}:${e.to.port} ${e.result}`)),
      ['dns 127.0.0.1:53 telemetry.hasura.io', 'dns 127.0.0.1:53 releases.hasura.io', 'connect ::1:1 -1 ECONNREFUSED', 'connect 127.0.0.1:1 -1 ECONNREFUSED'],
    );
  });

  it('reads a Node trace: sendmsg on a connected UDP socket, and an IPv4-mapped IPv6 address as IPv4', () => {
    const events = parseAll(readFileSync(path.join(FIXTURES, 'strace', 'node-udp-and-mapped.txt'), 'latin1'));
    assert.deepEqual(events[0], { type: 'dns', pid: 20154, server: { address: '127.0.0.1', port: 53 }, name: 'telemetry.hasura.io' });
    assert.equal(events.length, 2);
    assert.equal(events[1]!.type === 'connect' && events[1]!.to.address, '127.0.0.1');
  });

  it('takes the address from the first half of an interrupted call, and ignores Unix sockets', () => {
    const events = parseAll(
      [
        '311 connect(7, {sa_family=AF_UNIX, sun_path="/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)',
        '[pid   312] connect(9, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("203.0.113.7")}, 16 <unfinished ...>',
        '[pid   312] <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)',
        '313 connect(4, {sa_family=AF_UNSPEC, sa_data="\\0\\0\\0\\0"}, 16) = 0',
      ].join('\n'),
    );
    assert.deepEqual(events, [{ type: 'connect', pid: 312, fd: 9, to: { address: '203.0.113.7', port: 443 }, result: 'pending' }]);
  });

  it('reports a DNS connect whose query never shows (Go writes with write(2)) without a name, once', () => {
    const p = new StraceParser();
    assert.deepEqual(p.line('77 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.2")}, 16) = 0', 0), []);
    assert.deepEqual(p.flush(500, 1000), [], 'not stale yet');
    assert.deepEqual(p.flush(1500, 1000), [{ type: 'dns', pid: 77, server: { address: '10.0.0.2', port: 53 }, name: null }]);
    assert.deepEqual(p.flush(), []);
  });

  it('does not read a DNS response or a short packet as a query', () => {
    const query = Buffer.from('abcd01000001000000000000036170690668617375726102696f0000010001', 'hex');
    assert.equal(dnsQueryName(query), 'api.hasura.io');
    const response = Buffer.from(query);
    response[2] = 0x81;
    assert.equal(dnsQueryName(response), null);
    assert.equal(dnsQueryName(query.subarray(0, 10)), null);
    assert.equal(dnsQueryName(Buffer.concat([Buffer.from([0, query.length]), query]), true), 'api.hasura.io');
  });
});
