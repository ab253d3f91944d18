import { awsAccessKeyDetector } from '../../src/detectors/aws-access-key.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

runDetectorCases(awsAccessKeyDetector, {
  valid: [
    'AKIAIOSFODNN7EXAMPL',
    'XAKIAIOSFODNN7EXAMPLE',
    'AKIAIOSFODNN7EXAMPLE1',
    'akiaiosfodnn7example',
    'secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'AKIA0000000000000000',
  ],
  invalid: [
    ['aws_access_key_id=AKIAIOSFODNN7EXAMPLE', ['AKIAIOSFODNN7EXAMPLE']],
    ['"ASIAY34FZKBOKMUTVV7A"', ['ASIAY34FZKBOKMUTVV7A']],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']],
  ],
  adversarial: ['AKIA', 'AKIAAAAAAAAAAAAAAAAAA', 'aws_secret_key=', 'aws_secret_key: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
});
