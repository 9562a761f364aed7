// A config leaving the studio as a file must run in the CLI. Secrets stored in the studio
// come back from the service as `${stored:…}` references, which only this studio's
// database resolves: swap each for an `${env:NAME}` reference the CLI understands.

const STORED = /^\$\{stored:[^}]+\}$/;

function envName(hint: string): string {
  return hint
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** Returns a copy with stored secrets as env references, and the names the user must set. */
export function configForExport(config: unknown): { config: unknown; envNames: string[] } {
  const envNames: string[] = [];
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === 'string' && STORED.test(value)) {
      const name = envName(key === 'clientSecret' ? 'OAUTH_CLIENT_SECRET' : key) || 'OUTBOUND_SECRET';
      envNames.push(name);
      return `\${env:${name}}`;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  return { config: walk(config, ''), envNames: [...new Set(envNames)] };
}
