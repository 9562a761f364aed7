// The one place an undici dispatcher is built: every request the engine makes (members,
// audience, OAuth token, Send this one, the OAuth tester) goes through what this returns.
// Pure construction from settings already resolved (proxy values from the env, PEM text read
// by app/network.ts): it never reads process.env nor a file, so a host's env is the only one
// that counts and a missing file is a check-time issue, not a crash at the first request.
import { createSecureContext, getCACertificates, rootCertificates, type SecureContext } from 'node:tls';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

/** How to reach the endpoints: proxies (resolved from env or config) and TLS material. */
export interface NetworkSettings {
  /** Proxy for http:// targets ('' none). */
  httpProxy: string;
  /** Proxy for https:// targets ('' none). */
  httpsProxy: string;
  /** NO_PROXY list, as undici reads it ('' none). */
  noProxy: string;
  /** PEM text of extra CA certificates, trusted on top of the default roots. */
  ca?: string;
  /** PEM text of the client certificate and key (mutual TLS). */
  clientCert?: string;
  clientKey?: string;
  clientKeyPassphrase?: string;
  /** Accept any server certificate (the destination asked for it explicitly). */
  insecureSkipVerify?: boolean;
}

export interface DispatcherOptions {
  connections: number | null;
  timeoutMs: number;
}

export function createDispatcher(opts: DispatcherOptions, network?: NetworkSettings): Dispatcher {
  const base = {
    connections: opts.connections,
    // The client's own timer enforces the whole-exchange limit; undici's phase timeouts are a
    // little longer only as a backstop, so they never fire first with a different meaning.
    headersTimeout: opts.timeoutMs + 1000,
    bodyTimeout: opts.timeoutMs + 1000,
  };
  const tls = network ? tlsOptions(network) : undefined;
  const connect = { timeout: opts.timeoutMs + 1000, ...tls };
  // No proxy: the plain Agent (a Pool per origin), exactly as before: no per-request routing.
  if (!network || (network.httpProxy === '' && network.httpsProxy === '')) return new Agent({ ...base, connect });
  // A proxy: EnvHttpProxyAgent routes each origin to a ProxyAgent (which keeps a Pool per
  // origin over tunnels, so connections are reused) or, for NO_PROXY hosts, to a plain Agent.
  // Every value is passed explicitly ('' = none) so undici never falls back to process.env.
  return new EnvHttpProxyAgent({
    ...base,
    connect, // the direct Agent's TLS
    requestTls: tls ?? {}, // the target's TLS through a tunnel (ProxyAgent ignores `connect`)
    ...(network.ca ? { proxyTls: { ca: withDefaultRoots(network.ca) } } : {}), // an https:// proxy signed by the same corporate CA
    connectTimeout: opts.timeoutMs + 1000,
    httpProxy: network.httpProxy,
    httpsProxy: network.httpsProxy,
    noProxy: network.noProxy,
  });
}

/**
 * One SecureContext per client (built once: handing `ca` to every connect would parse the
 * whole root store per connection), and the verification switch.
 */
function tlsOptions(n: NetworkSettings): { secureContext?: SecureContext; rejectUnauthorized?: boolean } | undefined {
  const out: { secureContext?: SecureContext; rejectUnauthorized?: boolean } = {};
  if (n.ca || n.clientCert) {
    out.secureContext = createSecureContext({
      // Node's `ca` replaces the trust store: keep the default roots and add the file's.
      ...(n.ca ? { ca: withDefaultRoots(n.ca) } : {}),
      ...(n.clientCert ? { cert: n.clientCert, key: n.clientKey, ...(n.clientKeyPassphrase ? { passphrase: n.clientKeyPassphrase } : {}) } : {}),
    });
  }
  if (n.insecureSkipVerify) out.rejectUnauthorized = false;
  return out.secureContext || out.rejectUnauthorized === false ? out : undefined;
}

/** The roots Node trusts by default (bundled, NODE_EXTRA_CA_CERTS, the system store if enabled) plus `pem`. */
function withDefaultRoots(pem: string): string[] {
  const defaults = typeof getCACertificates === 'function' ? getCACertificates('default') : rootCertificates;
  return [...defaults, pem];
}
