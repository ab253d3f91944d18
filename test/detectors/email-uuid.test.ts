import { emailDetector } from '../../src/detectors/email.js';
import { uuidV1Detector } from '../../src/detectors/uuid-v1.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

runDetectorCases(emailDetector, {
  valid: ['at n (http://localhost:9695/static/main.js:1:204)', 'user@localhost', 'a..b@example.com', 'x@1.2', '@scope/pkg'],
  invalid: [
    ['Permission denied for jane.doe@acme-corp.example', ['jane.doe@acme-corp.example']],
    ['mailto:ops+alerts@example.co.uk,', ['ops+alerts@example.co.uk']],
  ],
  adversarial: ['a@', 'a@a.', 'a.a@a.a', '@a.', 'aaaa@aaaa'],
});

runDetectorCases(uuidV1Detector, {
  valid: ['6513270e-269e-4d37-b2a7-4de452e6b438', '00000000-0000-0000-0000-000000000000', '6fa459ea-ee8a-11ee-9c45-0242ac12000'],
  invalid: [['{"uuid":"6fa459ea-ee8a-11ee-9c45-0242ac120002"}', ['6fa459ea-ee8a-11ee-9c45-0242ac120002']]],
  adversarial: ['6fa459ea-ee8a-11ee-9c45-', 'aaaaaaaa-', 'a-'],
});
