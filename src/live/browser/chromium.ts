/**
 * What a Chromium-family browser needs to run behind the interceptor, in one place for `browse`
 * and for `run -- chromium …`:
 *  - the proxy for every scheme (http, https, ws, wss): `--proxy-server`;
 *  - trust in this run's CA without touching any certificate store: the SPKI allow-list
 *    (`--ignore-certificate-errors-spki-list`) with the SHA-256 of the leaf key the proxy signs
 *    every host with, and of the CA key. It needs no NSS tools, writes nothing outside the fresh
 *    profile, and is honoured only together with `--user-data-dir`, which we always pass;
 *  - a fresh profile in the run's private temp dir (removed with the CA);
 *  - no QUIC (`--disable-quic`): HTTP/3 is UDP, which an HTTP proxy cannot carry, so a browser
 *    that raced QUIC against the proxy could send around it; and WebRTC may not send UDP outside
 *    the proxy either (`--force-webrtc-ip-handling-policy=disable_non_proxied_udp`);
 *  - no traffic of the browser's own (updates, sync, safe browsing, metrics), which would be
 *    audited as if the page had sent it;
 *  - no name resolution by the browser: `--host-resolver-rules` maps every name except localhost
 *    to "not found". Proxied requests carry the name to the proxy unresolved, so a public name
 *    never reaches the system resolver.
 * Loopback hosts bypass the proxy (Chromium's implicit rule), so the page's own origin on this
 * machine loads directly and only what it sends elsewhere is captured.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Executable names of Chromium-family browsers (`run -- chromium …` gets the flags added). */
const CHROMIUM_NAMES = new Set([
  'chromium', 'chromium-browser', 'chrome', 'google-chrome', 'google-chrome-stable', 'google-chrome-beta', 'google-chrome-unstable',
  'chrome-headless-shell', 'headless_shell', 'microsoft-edge', 'microsoft-edge-stable', 'brave-browser', 'brave',
]);

export function isChromiumFamily(command: string): boolean {
  return CHROMIUM_NAMES.has(path.basename(command).toLowerCase());
}

/** The browser `browse` starts: --browser, then CHROME_PATH, then Debian's chromium in PATH. */
export function browserCommand(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  return explicit ?? (env.CHROME_PATH || 'chromium');
}

/** base64(SHA-256(SubjectPublicKeyInfo)), the form `--ignore-certificate-errors-spki-list` takes. */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export interface InterceptionFlagsInput {
  proxyHost: string;
  proxyPort: number;
  /** SPKI hashes of the leaf key and of the CA. */
  spki: string[];
  profileDir: string;
  /** Chromium refuses to start as root unless its sandbox is off. */
  runningAsRoot: boolean;
}

export function interceptionFlags(input: InterceptionFlagsInput): string[] {
  const host = input.proxyHost.includes(':') ? `[${input.proxyHost}]` : input.proxyHost;
  return [
    `--proxy-server=http://${host}:${input.proxyPort}`,
    `--ignore-certificate-errors-spki-list=${input.spki.join(',')}`,
    `--user-data-dir=${input.profileDir}`,
    '--disable-quic',
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
    // Loopback literals must stay out of the map, or the page itself could not load.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]',
    // The resolver's IPv6 check connects a UDP socket to 2001:4860:4860::8888 (nothing is sent,
    // but a tracer rightly cannot tell): assume IPv6 is reachable instead, names fail anyway.
    '--enable-features=EnableIPv6ReachabilityOverride',
    // The browser's own clock sync and component updates would be audited as the page's.
    '--disable-features=NetworkTimeServiceQuerying,OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,OptimizationGuideOnDeviceModel,OnDeviceModelService,MediaRouter,Translate,InterestFeedContentSuggestions,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
    // Some components are fetched on demand even with --disable-component-update (the
    // optimization guide's model manifest): their update server is a closed loopback port.
    '--component-updater=url-source=http://127.0.0.1:9/',
    '--disable-extensions',
    '--disable-default-apps',
    '--disable-component-extensions-with-background-pages',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--disable-breakpad',
    '--metrics-recording-only',
    '--no-first-run',
    '--no-default-browser-check',
    '--no-pings',
    ...(input.runningAsRoot ? ['--no-sandbox'] : []),
  ];
}

/**
 * Settings of the fresh profile that flags cannot reach. A page that fails to load would make
 * Chromium probe DNS on its own (google.com through the system resolver AND through 8.8.8.8, to
 * explain the error page), outside --host-resolver-rules; DNS-over-HTTPS would probe too.
 */
export function writeProfileSettings(profileDir: string): void {
  const defaultDir = path.join(profileDir, 'Default');
  mkdirSync(defaultDir, { recursive: true, mode: 0o700 });
  const prefs = {
    alternate_error_pages: { enabled: false },
    dns_prefetching: { enabled: false },
    net: { network_prediction_options: 2 },
    safebrowsing: { enabled: false },
    search: { suggest_enabled: false },
    translate: { enabled: false },
  };
  writeFileSync(path.join(defaultDir, 'Preferences'), JSON.stringify(prefs), { mode: 0o600 });
  writeFileSync(path.join(profileDir, 'Local State'), JSON.stringify({ dns_over_https: { mode: 'off' } }), { mode: 0o600 });
}

/** A user's own flag that would undo the interception (a second proxy, another profile…). */
export function conflictingFlag(args: string[]): string | undefined {
  return args.find((a) => /^--(proxy-server|proxy-pac-url|proxy-auto-detect|no-proxy-server|user-data-dir|enable-quic|host-resolver-rules)(=|$)/.test(a));
}
