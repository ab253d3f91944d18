import { ipAddressDetector, parseIpv6 } from '../../src/detectors/ip.js';
import { runDetectorCases } from '../helpers/detector-cases.js';
import assert from 'node:assert/strict';
import { it } from 'node:test';

runDetectorCases(ipAddressDetector, {
  valid: [
    'connect to 127.0.0.1:8080',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Edg/124.0.2478.80',
    'v2.36.0',
    '0.0.0.0',
    '256.1.1.1',
    '10.020.1.1',
    '1.2.3.4.5',
    '::1',
    '::',
    'std::map',
    'ab::cd',
    '09:15:02.114Z',
    '2026-11-02T09:15:02.114Z',
    '00:1a:2b:3c:4d:5e',
    '::ffff:127.0.0.1',
    '6513270e-269e-4d37-b2a7-4de452e6b438',
  ],
  invalid: [
    ['{"IP":"10.20.30.40","Port":8080}', ['10.20.30.40']],
    ['dial tcp 192.168.1.23:5432: connect: connection refused', ['192.168.1.23']],
    ['from 8.8.8.8.', ['8.8.8.8']],
    ['addr fe80::1ff:fe23:4567:890a%eth0', ['fe80::1ff:fe23:4567:890a']],
    ['[2001:db8:85a3::8a2e:370:7334]:443', ['2001:db8:85a3::8a2e:370:7334']],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', ['2001:0db8:0000:0000:0000:ff00:0042:8329']],
    ['::ffff:10.1.2.3', ['::ffff:10.1.2.3']],
  ],
  adversarial: ['1.1.1.', '255.255.255.255.', 'ffff:', 'f:f::', '1.1.1.1:', '::ffff:1.1.1', '1234567890.'],
});

it('parses IPv6 forms into eight groups', () => {
  assert.deepEqual(parseIpv6('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(parseIpv6('2001:db8::1'), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(parseIpv6('::ffff:10.1.2.3'), [0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203]);
  assert.equal(parseIpv6('1:2:3'), null);
  assert.equal(parseIpv6('1::2::3'), null);
  assert.equal(parseIpv6('1:2:3:4:5:6:7:8:9'), null);
});
