/**
 * Field specs the policies of real npm telemetry clients share. Identity-like values (install
 * ids, salted or plain hashes of a project, kernel strings, CPU models) are allowed where the
 * tool documents them, but each says what it is, so a reviewer reads "identity-like" in every
 * report that shows the field instead of taking it for a harmless number.
 */
import type { FieldSpec, PayloadKind } from '../../policy-schema.js';
import { matching, nullable, oneOf, str } from '../../spec-builders.js';

const IDENTITY = 'IDENTITY-LIKE: ';

/** A hex digest or random id of `length` hex digits; `what` says what it identifies. */
export const hexId = (length: number, what: string): FieldSpec => matching(`^[0-9a-f]{${length}}$`, { description: IDENTITY + what });

/** A random UUID that persists across runs (an install or machine id). */
export const installId = (what: string): FieldSpec => str('uuid-v4', { description: IDENTITY + what });

/** os.release(): the kernel build string narrows the machine (distribution, patch level, custom builds). */
export const kernelRelease: FieldSpec = {
  type: 'string',
  pattern: '^[0-9]+(\\.[0-9]+)*([A-Za-z_+~-][\\w.+~-]*)?$',
  maxLength: 80,
  description: IDENTITY + 'kernel release string (os.release()): names the distribution build and patch level',
};

/** os.cpus()[0].model: free text the detectors scan; narrows the machine. */
export const cpuModel: FieldSpec = str('free-text', { description: IDENTITY + 'CPU model string (os.cpus()[0].model)' });

/** Node's process.platform and process.arch. */
export const NODE_PLATFORMS = ['aix', 'android', 'darwin', 'freebsd', 'haiku', 'linux', 'openbsd', 'sunos', 'win32', 'cygwin', 'netbsd'];
export const NODE_ARCHS = ['arm', 'arm64', 'ia32', 'loong64', 'mips', 'mipsel', 'ppc', 'ppc64', 'riscv64', 's390', 's390x', 'x64'];
export const platform: FieldSpec = oneOf(NODE_PLATFORMS);
export const arch: FieldSpec = oneOf(NODE_ARCHS);
/** A Node version as process.version prints it (v20.20.2) or without the v. */
export const nodeVersion: FieldSpec = matching('^v?[0-9]+\\.[0-9]+\\.[0-9]+$');
/** A package version (semver, prereleases included). */
export const pkgVersion: FieldSpec = str('semver');
/** ci-info vendor names or null outside CI. */
export const ciName: FieldSpec = nullable(str('free-text', { description: 'CI vendor name from ci-info (null outside CI)' }));
/** Seconds or milliseconds a step took. */
export const duration: FieldSpec = { type: 'number', min: 0 };

/** An object whose event-specific part is selected by its event name. */
export const byEvent = (
  discriminator: string,
  common: Record<string, FieldSpec>,
  cases: Record<string, Record<string, FieldSpec>>,
  rule: string,
): FieldSpec => ({
  type: 'object',
  fields: common,
  variants: {
    discriminator,
    cases: Object.fromEntries(Object.entries(cases).map(([name, fields]) => [name, { fields }])),
    rule,
    message: `an event this policy does not describe: review what it carries`,
  },
});

/** A kind recognised by where it was sent. */
export const kindAt = (id: string, title: string, host: string, path: string, schema: FieldSpec, source: string): PayloadKind => ({
  id,
  title,
  source,
  transport: 'http',
  match: { destination: { host, path } },
  schema,
});
