// A destination's network, resolved once at load time for both hosts: the proxy from the
// config or the environment (as undici reads it: lower case first), and the PEM files of
// `destination.network` read and parsed now, so a missing or broken file is a config issue
// naming the field and the path (exit 2), never a crash at the first request.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { ExportConfig, NetworkConfig } from '../../shared/config.js';
import type { Issue } from '../../shared/issues.js';
import type { NetworkSettings } from '../engine/dispatcher.js';
import type { Env } from '../engine/load.js';
import { MASK, type Secret } from '../engine/redact.js';

/** `warnings`: what a host shows on every run (an environment proxy it cannot use, ignored). */
export type NetworkResolution = { ok: true; network: NetworkSettings | undefined; secrets: Secret[]; warnings: string[] } | { ok: false; issues: Issue[] };

const FIELD = 'destination.network';
const LOOPBACK = 'localhost,127.0.0.1,::1';

/**
 * The settings the dispatcher is built from, or the issues that keep the config from running.
 * `undefined` when nothing is configured (no proxy anywhere, default TLS): the fast path.
 * PEM paths resolve against `baseDir` (the config file's folder).
 */
export function resolveNetwork(config: ExportConfig, env: Env, baseDir: string): NetworkResolution {
  const n: NetworkConfig = config.destination.network ?? {};
  const issues: Issue[] = [];
  const secrets: Secret[] = [];
  const warnings: string[] = [];

  // A destination's own proxy replaces the environment's, NO_PROXY included: it is explicit.
  const fromEnv = n.proxy === undefined;
  const proxy = (value: string, name: string): string => {
    if (value === '') return '';
    const url = withScheme(value);
    // The environment's proxy was ignored before Outbound read it: one it cannot use (a SOCKS
    // proxy set for other tools) leaves the requests direct, as before, and says so. Only a
    // destination's own proxy, written for Outbound, refuses the config.
    const unusable = (why: string): string => {
      if (fromEnv) warnings.push(`warning: ${name}: ${why}; ignored, requests go direct (set destination.network.proxy to choose a proxy)`);
      else issues.push({ path: name, message: why });
      return '';
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return unusable('is not a valid proxy URL (e.g. http://proxy.example.com:3128)');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return unusable(`proxy scheme "${parsed.protocol}" is not supported (use http:// or https://)`);
    }
    // A proxy password is a secret wherever it came from (the env's too).
    if (parsed.password !== '') secrets.push({ value: parsed.password, shownAs: MASK }, { value: decodeSafe(parsed.password), shownAs: MASK });
    return url;
  };
  const httpProxy = fromEnv ? proxy(env['http_proxy'] ?? env['HTTP_PROXY'] ?? '', env['http_proxy'] !== undefined ? 'http_proxy (environment)' : 'HTTP_PROXY (environment)') : proxy(n.proxy!, `${FIELD}.proxy`);
  const httpsProxy = fromEnv ? proxy(env['https_proxy'] ?? env['HTTPS_PROXY'] ?? '', env['https_proxy'] !== undefined ? 'https_proxy (environment)' : 'HTTPS_PROXY (environment)') : httpProxy;
  // Loopback never goes through an environment proxy (as Go's net/http decides): the studio's
  // mock endpoint and local test servers live there, out of a corporate proxy's reach.
  const noProxy = fromEnv ? [env['no_proxy'] ?? env['NO_PROXY'] ?? '', LOOPBACK].filter((v) => v.trim() !== '').join(',') : '';

  const read = (field: keyof NetworkConfig): string | undefined => {
    const path = n[field];
    if (typeof path !== 'string') return undefined;
    const file = resolvePath(baseDir, path);
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a PEM file' : `cannot read it (${code ?? (err as Error).message})`;
      issues.push({ path: `${FIELD}.${field}`, message: `${file}: ${why}` });
      return undefined;
    }
  };
  const ca = read('ca');
  const clientCert = read('clientCert');
  const clientKey = read('clientKey');
  const certs = (field: 'ca' | 'clientCert', pem: string | undefined): X509Certificate[] => {
    if (pem === undefined) return [];
    const file = resolvePath(baseDir, n[field]!);
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) {
      issues.push({ path: `${FIELD}.${field}`, message: `${file}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)` });
      return [];
    }
    const parsed: X509Certificate[] = [];
    blocks.forEach((block, i) => {
      try {
        parsed.push(new X509Certificate(block));
      } catch (err) {
        issues.push({ path: `${FIELD}.${field}`, message: `${file}: certificate ${i + 1} is not valid PEM (${(err as Error).message})` });
      }
    });
    return parsed;
  };
  certs('ca', ca);
  const [leaf] = certs('clientCert', clientCert);
  let key: KeyObject | undefined;
  if (clientKey !== undefined) {
    const file = resolvePath(baseDir, n.clientKey!);
    try {
      key = createPrivateKey({ key: clientKey, ...(n.clientKeyPassphrase ? { passphrase: n.clientKeyPassphrase } : {}) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const encrypted = /ENCRYPTED/.test(clientKey);
      const why =
        encrypted && !n.clientKeyPassphrase
          ? 'the key is encrypted: set destination.network.clientKeyPassphrase (as ${env:NAME})'
          : encrypted
            ? 'cannot decrypt the key: wrong clientKeyPassphrase?'
            : `not a PEM private key (${code || (err as Error).message})`;
      issues.push({ path: `${FIELD}.clientKey`, message: `${file}: ${why}` });
    }
  }
  if (leaf && key && !leaf.checkPrivateKey(key)) {
    issues.push({ path: `${FIELD}.clientKey`, message: `${resolvePath(baseDir, n.clientKey!)} is not the private key of the certificate in ${resolvePath(baseDir, n.clientCert!)}` });
  }
  if (issues.length > 0) return { ok: false, issues };

  const tls = ca !== undefined || clientCert !== undefined || n.insecureSkipVerify === true;
  if (!tls && httpProxy === '' && httpsProxy === '') return { ok: true, network: undefined, secrets, warnings };
  return {
    ok: true,
    secrets,
    warnings,
    network: {
      httpProxy,
      httpsProxy,
      noProxy,
      ...(ca !== undefined ? { ca } : {}),
      ...(clientCert !== undefined && clientKey !== undefined ? { clientCert, clientKey } : {}),
      ...(n.clientKeyPassphrase ? { clientKeyPassphrase: n.clientKeyPassphrase } : {}),
      ...(n.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    },
  };
}

/** What a host must show on every run of this config (CLI: stderr; studio: the form and the run). */
export function networkWarnings(config: ExportConfig, resolved: readonly string[] = []): string[] {
  if (config.destination.network?.insecureSkipVerify !== true) return [...resolved];
  return [
    ...resolved,
    `warning: destination.network.insecureSkipVerify is on: the server certificates of "${config.destination.name}" are not verified, so anyone on the network path can read and change these requests (and their secrets). Trust the server's CA with destination.network.ca instead.`,
  ];
}

/** `proxy.corp:3128` as curl reads it: http:// when no scheme is written. */
function withScheme(value: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) ? value : `http://${value}`;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
