// Opens the studio for an end-to-end test, on a fresh temporary data folder:
//  - in Electron (Playwright's _electron) when the Electron binary is on disk;
//  - otherwise in Debian's Chromium, with the built renderer served over loopback HTTP and
//    the real studio service running in the test process behind window.outbound.
// Either way the page is the shipped renderer, and tests find controls by role and label.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, _electron, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/security.js';
import { createStudioService, type StudioService } from '../../src/main/studio/service.js';
import { bridgeService, type BridgeLog } from './bridge.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The renderer bundle the browser harness serves: global-setup builds one per test run. */
export function rendererDir(): string {
  return process.env['OUTBOUND_E2E_RENDERER_DIR'] ?? join(ROOT, 'out', 'e2e-renderer');
}
/** Debian's Chromium here; elsewhere Playwright's own browser (`npx playwright install chromium`). */
export const CHROMIUM_PATH = process.env['OUTBOUND_CHROMIUM'] ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * The Electron executable, without triggering its lazy download: `require('electron')`
 * would try to fetch it, so read the path file the installer leaves instead.
 */
export function electronBinary(): string | null {
  try {
    const dir = join(ROOT, 'node_modules', 'electron');
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

export interface Studio {
  page: Page;
  /** The service behind the page: in-process in the browser harness, null in Electron (it lives in the app). */
  service: StudioService | null;
  /** What crossed window.outbound (browser harness only). */
  bridge: BridgeLog | null;
  mode: 'electron' | 'chromium';
  dataDir: string;
  close(): Promise<void>;
}

export interface OpenStudioOptions {
  /** Reuse a data folder (e.g. to test a second launch); default: a fresh temp folder. */
  dataDir?: string;
  /** Force the browser harness even when Electron is present. */
  mode?: 'electron' | 'chromium';
}

export async function openStudio(options: OpenStudioOptions = {}): Promise<Studio> {
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'outbound-e2e-')));
  const electron = electronBinary();
  const mode = options.mode ?? (electron ? 'electron' : 'chromium');
  const cleanup = async () => {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };
  if (mode === 'electron') {
    if (!electron) throw new Error('openStudio: Electron mode asked for, but the Electron binary is not present');
    return openElectron(electron, dataDir, cleanup);
  }
  return openChromium(dataDir, cleanup);
}

async function openElectron(executablePath: string, dataDir: string, cleanup: () => Promise<void>): Promise<Studio> {
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
    throw new Error('openStudio: out/main/index.js is missing; run `npm run build` first');
  }
  const app: ElectronApplication = await _electron.launch({
    executablePath,
    args: [ROOT, `--user-data-dir=${dataDir}`],
    cwd: ROOT,
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return {
    page,
    service: null,
    bridge: null,
    mode: 'electron',
    dataDir,
    close: async () => {
      // A test may end with unsaved edits: the studio's close guard (a cancelled
      // beforeunload) would hold the window, and so app.quit(), open. Let the unload through.
      await app
        .evaluate(({ BrowserWindow }) => {
          for (const w of BrowserWindow.getAllWindows()) w.webContents.on('will-prevent-unload', (e) => e.preventDefault());
        })
        .catch(() => undefined);
      await app.close();
      await cleanup();
    },
  };
}

async function openChromium(dataDir: string, cleanup: () => Promise<void>): Promise<Studio> {
  const dir = rendererDir();
  if (!existsSync(join(dir, 'index.html'))) await buildRenderer(dir);
  const service = createStudioService({ dbPath: join(dataDir, 'outbound.db'), env: {} });
  let browser: Browser | null = null;
  let server: Server | null = null;
  try {
    await service.ready;
    server = await serveStatic(dir);
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('static server has no port');
    browser = await chromium.launch({ ...(CHROMIUM_PATH ? { executablePath: CHROMIUM_PATH } : {}), args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const bridge = await bridgeService(page, service);
    await page.goto(`http://127.0.0.1:${address.port}/index.html`);
    const openBrowser = browser;
    const openServer = server;
    return {
      page,
      service,
      bridge,
      mode: 'chromium',
      dataDir,
      close: async () => {
        await openBrowser.close();
        await new Promise<void>((r) => openServer.close(() => r()));
        await service.close();
        await cleanup();
      },
    };
  } catch (err) {
    await browser?.close();
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    await service.close();
    await cleanup();
    throw err;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Serves a folder on 127.0.0.1 with the app's CSP, so a CSP breach fails the test as it would in Electron. */
export async function serveStatic(dir: string): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        const file = normalize(join(root, path === '/' ? 'index.html' : path));
        if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
        if (!(await stat(file)).isFile()) throw Object.assign(new Error('dir'), { code: 'ENOENT' });
        const body = await readFile(file);
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'cache-control': 'no-store',
        });
        res.end(body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return server;
}

/** Builds the renderer with the app's own Vite settings (into out/e2e-renderer by default). */
export async function buildRenderer(outDir: string = rendererDir()): Promise<void> {
  const { build } = await import('vite');
  const { default: config } = await import('../../electron.vite.config.js');
  type Exported = { renderer?: import('vite').UserConfig } | ((env: { command: 'build'; mode: string }) => unknown);
  const exported = config as unknown as Exported;
  const resolved = (typeof exported === 'function' ? await exported({ command: 'build', mode: 'production' }) : exported) as {
    renderer?: import('vite').UserConfig;
  };
  const renderer = resolved.renderer;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  await mkdir(outDir, { recursive: true });
  await build({
    ...renderer,
    configFile: false,
    logLevel: 'warn',
    build: { ...renderer.build, outDir, emptyOutDir: true },
  });
}
