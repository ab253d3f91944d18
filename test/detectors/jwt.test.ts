import { jwtDetector } from '../../src/detectors/jwt.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'jane', 'https://hasura.io/jwt/claims': { 'x-hasura-default-role': 'user' } })}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;
const unsigned = `${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.`;

runDetectorCases(jwtDetector, {
  valid: [
    'eyJhbGciOiJIUzI1NiJ9',
    `${b64({ typ: 'JWT' })}.${b64({ sub: 'x' })}.sig`,
    `${b64([1, 2])}.${b64({ sub: 'x' })}.sig`,
    'eyJzzzzzzz.notbase64!.x',
    'version eyJ.ab.cd',
  ],
  invalid: [
    [`Authorization: Bearer ${token}`, [token]],
    [`{"token":"${unsigned}"}`, [unsigned]],
  ],
  adversarial: ['eyJ', 'eyJa.', 'eyJaaaa.aa.', 'eyJaaaaa', 'a.'],
});
