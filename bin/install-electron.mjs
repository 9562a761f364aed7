#!/usr/bin/env node
// `npm start` step one: make sure the Electron binary is there (electron's own install
// script downloads it on first start). When that download fails, its only words are
// `TypeError: fetch failed`: this wrapper says what failed, why, which variables help and
// what works without Electron, and exits non-zero.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';

const env = { ...process.env };
// @electron/get 5 reads only electron_config_cache; honour the older ELECTRON_CACHE too.
if (!env.electron_config_cache && env.ELECTRON_CACHE) env.electron_config_cache = env.ELECTRON_CACHE;

const installScript = require.resolve('electron/install.js');
const { version } = require('electron/package.json');

const child = spawn(process.execPath, [installScript], { env, stdio: ['ignore', 'inherit', 'pipe'] });
let stderr = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => {
  if (stderr.length < 64 * 1024) stderr += chunk;
});
child.on('close', async (code, signal) => {
  if (code === 0) return;
  const mirror = mirrorBase(env);
  const why = await reachability(mirror);
  process.stderr.write(explain({ version, mirror, stderr, why, env, code, signal }));
  process.exitCode = code && code > 0 ? code : 1;
});

/** The base URL @electron/get downloads from (same variables, same order of precedence). */
function mirrorBase(e) {
  return (
    e.npm_config_electron_mirror ||
    e.NPM_CONFIG_ELECTRON_MIRROR ||
    e.npm_package_config_electron_mirror ||
    e.ELECTRON_MIRROR ||
    DEFAULT_MIRROR
  );
}

/** Why the download host cannot be reached (DNS, refused, timeout, proxy), or null when it answers. */
async function reachability(base) {
  try {
    await fetch(base, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(5000) });
    return null;
  } catch (err) {
    const cause = err && typeof err === 'object' && 'cause' in err ? err.cause : undefined;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
    const text = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
    const hints = {
      ENOTFOUND: 'the host name does not resolve (no network, or DNS only through a proxy)',
      EAI_AGAIN: 'the host name does not resolve (no network, or DNS only through a proxy)',
      ECONNREFUSED: 'the connection was refused',
      ECONNRESET: 'the connection was reset (a firewall or proxy in the way?)',
      ETIMEDOUT: 'the connection timed out',
      UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
      ABORT_ERR: 'no answer within 5 s',
    };
    const name = err instanceof Error && err.name === 'TimeoutError' ? 'ABORT_ERR' : code;
    return `${(name && hints[name]) || 'the request failed'} (${text})`;
  }
}

function explain({ version, mirror, stderr, why, env, code, signal }) {
  const first = stderr.split('\n').map((l) => l.trim()).find(Boolean) ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
  const proxySet = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].filter((n) => env[n]);
  const lines = [
    '',
    `outbound: could not install Electron ${version}, which the studio needs.`,
    `  What failed: downloading the Electron ${version} binary from ${mirror}`,
    `  Error:       ${first}`,
    `  Why:         ${why ?? 'the download host answers: see the error above (checksum, disk, permissions)'}`,
    '',
    'What can help:',
    proxySet.length > 0 && !env.ELECTRON_GET_USE_PROXY
      ? `  - Behind a proxy: ${proxySet.join(', ')} is set but ignored; also set ELECTRON_GET_USE_PROXY=true`
      : '  - Behind a proxy: set HTTPS_PROXY=http://proxy:port and ELECTRON_GET_USE_PROXY=true',
    '  - A mirror you can reach: ELECTRON_MIRROR=https://your-mirror/electron/ (it must hold',
    `    v${version}/electron-v${version}-<platform>-<arch>.zip)`,
    '  - A cache that already holds the download (copied from a machine that has it):',
    '    electron_config_cache=/path/to/cache (ELECTRON_CACHE is read as the same)',
    '',
    'Works without Electron: the CLI (`npx outbound --help`, `npm run outbound -- run …`)',
    'and `npm run demo` (mock endpoint, sample profiles, a full run).',
    '',
  ];
  return lines.filter((l) => l !== false).join('\n');
}
