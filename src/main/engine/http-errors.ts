// Why an exchange failed, in words a user can act on: one tagged kind (network, timeout, tls,
// abort, protocol) and a message naming the place (the endpoint, or the proxy on the way) and,
// for TLS and proxy failures, the config field that fixes it. Pure: reads the error only.
import type { NetworkSettings } from './dispatcher.js';
import type { HttpErrorKind } from './types.js';

interface ErrorLike {
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** The first error code found on the error, its cause, or (happy eyeballs) its sub-errors. */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  return errorCode(e.cause, depth + 1) ?? (Array.isArray(e.errors) ? errorCode(e.errors[0], depth + 1) : undefined);
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && err.cause.message !== err.message ? `: ${err.cause.message}` : '';
    return (err.message || err.name) + cause;
  }
  return String(err);
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

const CLIENT_CERT_HINT = ': a server that requires a client certificate (mutual TLS) does this when none or a wrong one is sent; set destination.network.clientCert and clientKey';
const UNTRUSTED = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$/;

/** What to do about a failed handshake, when the code says it. */
function tlsHint(code: string): string {
  if (UNTRUSTED.test(code)) {
    return ": the server's certificate is not signed by a CA this machine trusts; add its CA with destination.network.ca (a PEM file; or NODE_EXTRA_CA_CERTS for every destination), or, for a staging server only, destination.network.insecureSkipVerify: true";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return ': the certificate is not issued for this host name';
  if (code === 'CERT_HAS_EXPIRED') return ": the server's certificate has expired";
  if (/ALERT_(CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|ACCESS_DENIED)$/.test(code)) return CLIENT_CERT_HINT;
  return '';
}

const NO_PORTS: ReadonlySet<string> = new Set();

/** The ports of the proxies `network` may send through. */
export function proxyPortsOf(network: NetworkSettings | undefined): ReadonlySet<string> {
  const ports = new Set<string>();
  for (const proxy of [network?.httpProxy, network?.httpsProxy]) {
    if (!proxy) continue;
    try {
      const u = new URL(proxy);
      ports.add(u.port || (u.protocol === 'https:' ? '443' : '80'));
    } catch {
      // refused when the config was loaded
    }
  }
  return ports;
}

/** Where a failed connect was going (Node puts address/hostname and port on the error, or its cause). */
function connectTarget(err: unknown, depth = 0): { host: string; port: string } | undefined {
  if (err === null || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as { address?: unknown; hostname?: unknown; port?: unknown; cause?: unknown };
  const host = typeof e.address === 'string' ? e.address : typeof e.hostname === 'string' ? e.hostname : undefined;
  if (host !== undefined && (typeof e.port === 'number' || typeof e.port === 'string')) return { host, port: String(e.port) };
  return connectTarget(e.cause, depth + 1);
}

/** The host name a failed DNS lookup was for (Node puts it on the error, or its cause). */
function unresolvedName(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as { hostname?: unknown; cause?: unknown };
  return typeof e.hostname === 'string' ? e.hostname : unresolvedName(e.cause, depth + 1);
}

/** Bytes a failed socket had read (undici's SocketError carries them), or undefined. */
function socketBytesRead(err: unknown): number | undefined {
  const socket = (err as { socket?: { bytesRead?: unknown } } | null)?.socket;
  return typeof socket?.bytesRead === 'number' ? socket.bytesRead : undefined;
}

/**
 * `proxyPorts`: the ports of the client's proxies. A connect error at one of them, on another
 * port than the target's, came from the proxy (a direct connection uses the target's port):
 * the message then names the proxy, not the endpoint it did not reach.
 */
export function classifyError(err: unknown, url: URL, proxyPorts: ReadonlySet<string> = NO_PORTS): { kind: HttpErrorKind; message: string } {
  const code = errorCode(err) ?? (err instanceof Error && err.name === 'HTTPParserError' ? 'HPE_INVALID' : 'UNKNOWN');
  const msg = errorMessage(err);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const at = connectTarget(err);
  if (at && at.port !== port && proxyPorts.has(at.port)) {
    const proxy = `${at.host}:${at.port}`;
    if (code.startsWith('E') && code !== 'EPROTO') {
      const what = code === 'ECONNREFUSED' ? 'refused the connection' : code === 'ENOTFOUND' || code.startsWith('EAI_') ? 'cannot be resolved' : 'cannot be reached';
      return { kind: 'network', message: `the proxy ${proxy} ${what} (${code}) on the way to ${url.hostname}:${port}` };
    }
  }
  const where = `${url.hostname}:${port}`;

  if (TLS_CODE.test(code) || (code === 'EPROTO' && /ssl|tls/i.test(msg))) {
    // OpenSSL messages carry a file:line trail; keep only the reason ("wrong version number").
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(msg)?.[1] ?? msg.trim();
    return { kind: 'tls', message: `TLS handshake with ${where} failed: ${reason} (${code})${tlsHint(code)}` };
  }
  const proxied = /^Proxy response \((\d+)\) !== 200/.exec(msg);
  if (proxied) {
    // undici reports a refused CONNECT as an abort: it is the proxy saying no, not a cancel.
    const status = Number(proxied[1]);
    const why = status === 407 ? ': the proxy wants credentials (http://user:password@host:port in the proxy URL)' : '';
    return { kind: 'network', message: `the proxy refused to open a tunnel to ${where}: HTTP ${status}${why}` };
  }
  if (code === 'UND_ERR_SOCKET' && url.protocol === 'https:' && socketBytesRead(err) === 0) {
    // TLS 1.3 finishes the client's handshake before the server checks the client certificate;
    // a rejection then arrives as a bare close that undici reports without the alert.
    return {
      kind: 'network',
      message: `connection closed by ${where} right after the TLS handshake, before any answer (UND_ERR_SOCKET)${CLIENT_CERT_HINT}`,
    };
  }
  if (code.startsWith('HPE_')) {
    return { kind: 'protocol', message: `malformed HTTP response from ${where}: ${msg} (${code})` };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'network', message: `connection refused by ${where} (ECONNREFUSED)` };
    case 'ECONNRESET':
      return { kind: 'network', message: `connection reset by ${where} (ECONNRESET)` };
    case 'EPIPE':
      return { kind: 'network', message: `connection to ${where} broke while sending (EPIPE)` };
    case 'UND_ERR_SOCKET':
      return { kind: 'network', message: `connection closed by ${where} before the response was complete (UND_ERR_SOCKET: ${msg})` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME': {
      // The name that did not resolve may be the proxy's.
      const name = unresolvedName(err);
      if (name !== undefined && name.toLowerCase() !== url.hostname.toLowerCase()) {
        return { kind: 'network', message: `cannot resolve host ${name} (${code}), the proxy on the way to ${where}` };
      }
      return { kind: 'network', message: `cannot resolve host ${url.hostname} (${code})` };
    }
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
      return { kind: 'network', message: `cannot reach ${where} (${code})` };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { kind: 'timeout', message: `${where} timed out: ${msg} (${code})` };
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return { kind: 'protocol', message: `malformed HTTP response from ${where}: ${msg} (${code})` };
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
      return { kind: 'protocol', message: `request to ${where} not sent: ${msg} (${code})` };
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_ABORT':
    case 'ABORT_ERR':
      return { kind: 'abort', message: `request to ${where} aborted` };
    default:
      return { kind: 'network', message: `network error talking to ${where}: ${msg} (${code})` };
  }
}
