import { pemPrivateKeyDetector } from '../../src/detectors/pem-private-key.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

const rsa = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n-----END RSA PRIVATE KEY-----';

runDetectorCases(pemPrivateKeyDetector, {
  valid: [
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    'the private key is not sent',
  ],
  invalid: [
    [rsa, ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB']],
    ['{"key":"-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIA=="}', ['-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIA==']],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', ['-----BEGIN OPENSSH PRIVATE KEY-----']],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----', ['-----BEGIN PGP PRIVATE KEY BLOCK-----']],
  ],
  adversarial: ['-----BEGIN ', '-----BEGIN A A A ', '-----BEGIN PRIVATE KEY-----A', 'PRIVATE KEY', '-----BEGIN PRIVATE KEY-----'],
});
