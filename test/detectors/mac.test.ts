import { macAddressDetector } from '../../src/detectors/mac.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

runDetectorCases(macAddressDetector, {
  valid: [
    '00:00:00:00:00:00',
    'ff:ff:ff:ff:ff:ff',
    '00:1a:2b:3c:4d',
    '00:1a:2b:3c:4d:5e:6f',
    '00:1a-2b:3c:4d:5e',
    '6513270e-269e-4d37-b2a7-4de452e6b438',
    '12:30:45',
    '2026-11-02T09:15:02.114Z',
  ],
  invalid: [
    ['ether 02:42:ac:11:00:02 txqueuelen', ['02:42:ac:11:00:02']],
    ['MAC=3C-22-FB-9A-10-7E;', ['3C-22-FB-9A-10-7E']],
    ['cisco 0050.56c0.0001', ['0050.56c0.0001']],
  ],
  adversarial: ['aa:', 'aa-', 'aa:aa:aa:aa:aa:', 'aaaa.', 'aaaa.aaaa.'],
});
