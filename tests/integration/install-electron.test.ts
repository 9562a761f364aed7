// `npm start`'s first step: a failed Electron download explains itself (what, why, which
// variables, what works without it) and exits non-zero. Never downloads: the mirror is a
// loopback port nobody listens on, the cache an empty temp folder.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/run.js';

const require = createRequire(import.meta.url);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/install-electron.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

it('a failed Electron download says what failed, why, which variables help and what works without it', async () => {
  const port = await closedPort();
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: tempDir() };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ELECTRON_GET_USE_PROXY', 'ELECTRON_CACHE', 'npm_config_electron_mirror', 'NPM_CONFIG_ELECTRON_MIRROR', 'npm_package_config_electron_mirror']) delete env[name];
  // Where the binary is already installed, ask for another platform's so a download is attempted.
  const electronDir = dirname(require.resolve('electron/package.json'));
  if (existsSync(join(electronDir, 'path.txt')) && readFileSync(join(electronDir, 'path.txt'), 'utf8') !== '') {
    env.ELECTRON_INSTALL_PLATFORM = process.platform === 'win32' ? 'linux' : 'win32';
  }
  const { code, stderr } = await run(env);
  expect(code).not.toBe(0);
  expect(stderr).toContain('could not install Electron');
  expect(stderr).toContain(`What failed: downloading the Electron`);
  expect(stderr).toContain(`http://127.0.0.1:${port}/`);
  expect(stderr).toMatch(/Why: +the connection was refused \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/);
  for (const variable of ['HTTPS_PROXY', 'ELECTRON_GET_USE_PROXY', 'ELECTRON_MIRROR', 'electron_config_cache', 'ELECTRON_CACHE']) expect(stderr).toContain(variable);
  expect(stderr).toContain('npm run demo');
  expect(stderr).toContain('the CLI');
});

it('a proxy variable set without ELECTRON_GET_USE_PROXY is named as ignored', async () => {
  const port = await closedPort();
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: tempDir(), HTTPS_PROXY: `http://127.0.0.1:${port}` };
  delete env.ELECTRON_GET_USE_PROXY;
  const electronDir = dirname(require.resolve('electron/package.json'));
  if (existsSync(join(electronDir, 'path.txt'))) env.ELECTRON_INSTALL_PLATFORM = process.platform === 'win32' ? 'linux' : 'win32';
  const { code, stderr } = await run(env);
  expect(code).not.toBe(0);
  expect(stderr).toContain('HTTPS_PROXY is set but ignored; also set ELECTRON_GET_USE_PROXY=true');
});
