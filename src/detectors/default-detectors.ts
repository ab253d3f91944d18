/** The detectors every audit runs unless a policy turns them off. */
import { awsAccessKeyDetector } from './aws-access-key.js';
import { connectionStringDetector } from './connection-string.js';
import { creditCardDetector } from './credit-card.js';
import type { Detector } from './detector.js';
import { emailDetector } from './email.js';
import { homePathDetector } from './home-path.js';
import { internalHostDetector } from './internal-host.js';
import { ipAddressDetector } from './ip.js';
import { jwtDetector } from './jwt.js';
import { macAddressDetector } from './mac.js';
import { pemPrivateKeyDetector } from './pem-private-key.js';
import { uuidV1Detector } from './uuid-v1.js';

export const DEFAULT_DETECTORS: readonly Detector[] = [
  emailDetector,
  uuidV1Detector,
  ipAddressDetector,
  macAddressDetector,
  jwtDetector,
  pemPrivateKeyDetector,
  awsAccessKeyDetector,
  connectionStringDetector,
  creditCardDetector,
  homePathDetector,
  internalHostDetector,
];
