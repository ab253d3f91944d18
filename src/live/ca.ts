/**
 * The per-run certificate authority that lets the proxy read TLS: a fresh ECDSA P-256 CA made
 * for this run only, and a leaf certificate per host the target connects to, signed by it.
 * Certificates are built with @peculiar/x509 over WebCrypto (no hand-written ASN.1).
 *
 * The CA key is written (mode 0600, in a 0700 temp dir) because `serve` users and debugging
 * need the files; it is removed by dispose() and, as a last resort, when the process exits.
 * Nothing is ever reused across runs, so a leaked key is worth one run at most.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let x509Module: Promise<typeof X509> | undefined;

/**
 * @peculiar/x509 (and the reflect-metadata it needs first), loaded when a certificate is first
 * made: it is the largest module the CLI loads, and commands that load the live layer without
 * intercepting anything (inspect of capture files) never need it.
 */
function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;

export class CaError extends Error {
  override name = 'CaError';
}

export interface LeafCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertificateAuthority {
  /** The temp dir that holds the CA files (and any bundle written next to them). */
  readonly dir: string;
  readonly certPem: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** A leaf certificate for a host name or IP, made on first use and cached. */
  leafFor(host: string): Promise<LeafCertificate>;
  /** Remove the CA directory (key included). Safe to call more than once. */
  dispose(): void;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

function subjectValue(host: string): string {
  // Distinguished-name syntax: commas, equals and the like must be escaped in a CN.
  return host.replace(/([,=+<>#;"\\])/g, '\\$1');
}

/** Leaf certificates signed by the CA, one per host, made on first use and cached. */
async function leafFactory(caCert: X509.X509Certificate, caKey: webcrypto.CryptoKey, caPem: string): Promise<(host: string) => Promise<LeafCertificate>> {
  const x509 = await loadX509();
  const subtle = globalThis.crypto.subtle;
  const now = Date.now();
  // One leaf key for every host: generating a key per host would cost more than the signature.
  const leafKeys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leafKeyPem = pem('PRIVATE KEY', await subtle.exportKey('pkcs8', leafKeys.privateKey));
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
  const leafKeyId = await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey);
  const leaves = new Map<string, Promise<LeafCertificate>>();

  const makeLeaf = async (host: string): Promise<LeafCertificate> => {
    const ip = isIP(host) !== 0;
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${subjectValue(host)}`,
      issuer: caCert.subject,
      publicKey: leafKeys.publicKey,
      signingKey: caKey,
      signingAlgorithm: ALG,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 30 * DAY),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: ip ? 'ip' : 'dns', value: host }]),
        authorityKeyId,
        leafKeyId,
      ],
    });
    return { certPem: cert.toString('pem') + '\n' + caPem, keyPem: leafKeyPem };
  };

  return (host: string) => {
    const key = host.toLowerCase();
    let leaf = leaves.get(key);
    if (!leaf) {
      leaf = makeLeaf(key);
      leaves.set(key, leaf);
      leaf.catch(() => leaves.delete(key));
    }
    return leaf;
  };
}

/**
 * Use a CA that another thread created (the proxy's worker thread): read its files, sign
 * leaves with its key. This handle does not own the files; dispose() leaves them.
 */
export async function loadCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  const x509 = await loadX509();
  x509.cryptoProvider.set(globalThis.crypto);
  const certPath = path.join(dir, 'ca.pem');
  const keyPath = path.join(dir, 'ca-key.pem');
  try {
    const certPem = readFileSync(certPath, 'utf8');
    const keyDer = Buffer.from(readFileSync(keyPath, 'utf8').replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    const caKey = await globalThis.crypto.subtle.importKey('pkcs8', keyDer, ALG, false, ['sign']);
    const leafFor = await leafFactory(new x509.X509Certificate(certPem), caKey, certPem);
    return { dir, certPem, certPath, keyPath, leafFor, dispose: () => {} };
  } catch (err) {
    throw new CaError(`cannot load the interception CA from ${dir}: ${(err as Error).message}`);
  }
}

/** Create a CA in a new temp dir under `parent` (default: the OS temp dir). Throws CaError. */
export async function createCertificateAuthority(opts: { parent?: string; commonName?: string } = {}): Promise<CertificateAuthority> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new CaError('WebCrypto (globalThis.crypto.subtle) is not available in this Node.js');
  const x509 = await loadX509();
  x509.cryptoProvider.set(globalThis.crypto);

  let dir: string;
  try {
    dir = mkdtempSync(path.join(opts.parent ?? os.tmpdir(), 'telemetry-audit-ca-'));
  } catch (err) {
    throw new CaError(`cannot create a directory for the interception CA: ${(err as Error).message}`);
  }
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  // A crash between here and dispose() must not leave a CA key behind.
  process.once('exit', cleanup);

  try {
    const now = Date.now();
    const caKeys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const caName = `CN=${subjectValue(opts.commonName ?? 'telemetry-audit interception CA (this run only)')}, O=telemetry-audit`;
    const caCert = await x509.X509CertificateGenerator.createSelfSigned({
      name: caName,
      keys: caKeys,
      signingAlgorithm: ALG,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 30 * DAY),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    const certPem = caCert.toString('pem') + '\n';
    const keyPem = pem('PRIVATE KEY', await subtle.exportKey('pkcs8', caKeys.privateKey));
    const certPath = path.join(dir, 'ca.pem');
    const keyPath = path.join(dir, 'ca-key.pem');
    // 'wx': never follow or overwrite something placed there; 0600: the key is the keys to TLS.
    writeFileSync(keyPath, keyPem, { mode: 0o600, flag: 'wx' });
    writeFileSync(certPath, certPem, { mode: 0o644, flag: 'wx' });

    const leafFor = await leafFactory(caCert, caKeys.privateKey, certPem);

    let disposed = false;
    return {
      dir,
      certPem,
      certPath,
      keyPath,
      leafFor,
      dispose() {
        if (disposed) return;
        disposed = true;
        process.removeListener('exit', cleanup);
        cleanup();
      },
    };
  } catch (err) {
    process.removeListener('exit', cleanup);
    cleanup();
    if (err instanceof CaError) throw err;
    throw new CaError(`cannot create the interception CA: ${(err as Error).message}`);
  }
}
