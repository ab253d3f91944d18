/** The detectors every audit runs unless a policy turns them off. */
import type { Detector } from './detector.js';
import { emailDetector } from './email.js';
import { uuidV1Detector } from './uuid-v1.js';

export const DEFAULT_DETECTORS: readonly Detector[] = [emailDetector, uuidV1Detector];
