/**
 * The environment a target runs in: proxy variables for every client that reads them, CA
 * trust for every ecosystem, and the Node preload for runtimes that read neither.
 *
 * Some trust variables add to the default store (NODE_EXTRA_CA_CERTS) and get the CA alone;
 * most replace it (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, ...), so they get a
 * bundle of the CA plus the system's roots: a target that also talks to somewhere the proxy
 * does not see must not fail differently because of us.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';

/** The preload reads these; the proxy recognises the run by them. */
export const PROXY_ENV = 'TELEMETRY_AUDIT_PROXY';
export const RUN_ID_ENV = 'TELEMETRY_AUDIT_RUN_ID';

/** Variables that name a CA file replacing the default trust store: they get the bundle. */
export const BUNDLE_VARS = [
  'SSL_CERT_FILE', // OpenSSL (Python ssl, Ruby, PHP, Go on Linux, git with OpenSSL)
  'REQUESTS_CA_BUNDLE', // Python requests
  'CURL_CA_BUNDLE', // curl, PycURL
  'GIT_SSL_CAINFO', // git
  'AWS_CA_BUNDLE', // AWS CLI and SDKs
  'DENO_CERT', // Deno
  'PIP_CERT', // pip
  'HTTPLIB2_CA_CERTS', // httplib2
  'CARGO_HTTP_CAINFO', // cargo
  'NPM_CONFIG_CAFILE', // npm
  'npm_config_cafile',
  'HEX_CACERTS_PATH', // Elixir hex
  'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH', // gRPC core
] as const;

/** Variables that add a CA to the default store: they get the CA alone. */
export const EXTRA_CA_VARS = ['NODE_EXTRA_CA_CERTS'] as const;

export const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'npm_config_proxy', 'npm_config_https_proxy', 'GLOBAL_AGENT_HTTP_PROXY'] as const;
export const NO_PROXY_VARS = ['NO_PROXY', 'no_proxy'] as const;

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/etc/ssl/ca-bundle.pem'];

/** Write the trust bundle (CA first, then the system roots) next to the CA; returns its path. */
export function writeCaBundle(caCertPem: string, dir: string): string {
  const system = SYSTEM_BUNDLES.find((f) => existsSync(f));
  let roots = '';
  if (system) {
    try {
      roots = readFileSync(system, 'utf8');
    } catch {
      roots = '';
    }
  }
  // No readable system store: Node's own copy of the Mozilla roots stands in for it.
  if (!roots.includes('BEGIN CERTIFICATE')) roots = rootCertificates.join('\n') + '\n';
  const file = path.join(dir, 'ca-bundle.pem');
  writeFileSync(file, caCertPem.trimEnd() + '\n' + roots, { mode: 0o644, flag: 'wx' });
  return file;
}

/** Where the compiled preloads live (dist/src/live/preload). */
export function preloadPaths(): { cjs: string; esm: string } {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'preload');
  return { cjs: path.join(dir, 'route-through-proxy.cjs'), esm: path.join(dir, 'route-through-proxy-esm.js') };
}

/** Quote a value for NODE_OPTIONS, which splits on spaces but honours double quotes. */
function nodeOptionArg(value: string): string {
  return /[\s"\\]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}

export type NodePreload = 'both' | 'require' | 'off';
export const NODE_PRELOADS: readonly NodePreload[] = ['both', 'require', 'off'];

export interface ChildEnvOptions {
  /** host:port of the proxy, as the child reaches it. */
  proxyHost: string;
  proxyPort: number;
  caCertPath: string;
  caBundlePath: string;
  /** Marks every process of this run (the process-tree scan finds them by it). */
  runId?: string;
  /**
   * The Node preloads in NODE_OPTIONS: both (default), `require` only (Node older than 20.6 and
   * 18.19 refuse `--import` there and would not start), or off.
   */
  nodePreload?: NodePreload;
}

/** The variables to set (values) and to clear (empty strings are set, not deleted). */
export function interceptionVars(opts: ChildEnvOptions, base: NodeJS.ProcessEnv = {}): Record<string, string> {
  const host = opts.proxyHost.includes(':') ? `[${opts.proxyHost}]` : opts.proxyHost;
  const proxyUrl = `http://${host}:${opts.proxyPort}`;
  const vars: Record<string, string> = {};
  for (const v of PROXY_VARS) vars[v] = proxyUrl;
  // Emptied, not deleted: a NO_PROXY inherited from the user's shell would let traffic past.
  for (const v of NO_PROXY_VARS) vars[v] = '';
  for (const v of BUNDLE_VARS) vars[v] = opts.caBundlePath;
  for (const v of EXTRA_CA_VARS) vars[v] = opts.caCertPath;
  vars[PROXY_ENV] = `${host}:${opts.proxyPort}`;
  if (opts.runId) vars[RUN_ID_ENV] = opts.runId;
  const preload = opts.nodePreload ?? 'both';
  if (preload !== 'off') {
    const { cjs, esm } = preloadPaths();
    let own = `--require ${nodeOptionArg(cjs)}`;
    if (preload === 'both') own += ` --import ${nodeOptionArg(new URL(`file://${esm}`).href)}`;
    const existing = base.NODE_OPTIONS?.trim();
    vars.NODE_OPTIONS = existing ? `${own} ${existing}` : own;
  }
  return vars;
}

/** The full environment for a target: the base (usually process.env) with interception on top. */
export function buildChildEnv(base: NodeJS.ProcessEnv, opts: ChildEnvOptions): NodeJS.ProcessEnv {
  return { ...base, ...interceptionVars(opts, base) };
}

/** Shell lines that set the same variables, for `serve` users to paste elsewhere. */
export function shellExports(vars: Record<string, string>): string {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}=${quote(v)}`)
    .join('\n');
}
