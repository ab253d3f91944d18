/**
 * The environment variables the live capture sets in every target. A pack may unset the proxy
 * variables (some clients crash when they see them: the Node preload captures without them),
 * but it may not set any of them, nor remove what the preload and the CA trust hang on.
 */
import { BUNDLE_VARS, EXTRA_CA_VARS, NO_PROXY_VARS, PROXY_VARS } from '../live/child-env.js';

/** Every variable of ours starts with this (proxy address, run id, container view). */
export const CAPTURE_ENV_PREFIX = 'TELEMETRY_AUDIT_';

/** Proxy variables a pack may unset: the target then runs without them. */
export const UNSETTABLE_PROXY_VARS: ReadonlySet<string> = new Set<string>([...PROXY_VARS, ...NO_PROXY_VARS]);

export const CAPTURE_SET_FORBIDDEN: ReadonlySet<string> = new Set<string>([...PROXY_VARS, ...NO_PROXY_VARS, ...BUNDLE_VARS, ...EXTRA_CA_VARS, 'NODE_OPTIONS']);

export const CAPTURE_UNSET_FORBIDDEN: ReadonlySet<string> = new Set<string>([...EXTRA_CA_VARS, 'NODE_OPTIONS']);
