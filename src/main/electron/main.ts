// Electron bootstrap: one window, locked down (DESIGN invariant 7), the studio service
// behind validated IPC, the built-in mock endpoint started at launch so a first launch
// works offline. Only this file and ipc.ts import 'electron'.
import { app, BrowserWindow, safeStorage, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerIpc } from './ipc.js';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY, isAllowedPermission, isSafeExternalUrl, isSameDocument, isTrustedSenderUrl, type RendererLocation } from './security.js';
import { createStudioService, type SecretCrypto, type StudioService } from '../studio/service.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererFile = join(here, '../renderer/index.html');
/** Set by `electron-vite dev`; the built app always loads the file. */
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const rendererLocation: RendererLocation = devUrl ? { devOrigin: devUrl } : { fileUrl: pathToFileURL(rendererFile).href };

let service: StudioService | null = null;
let unregisterIpc: (() => void) | null = null;
let mainWindow: BrowserWindow | null = null;

// Every renderer runs sandboxed, whatever a window's options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  void app.whenReady().then(start);
}

/** Secrets at rest are encrypted with the OS keychain via safeStorage, when it is available. */
function osCrypto(): SecretCrypto | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false; // only the top frame of our window
  if (!mainWindow || event.sender.id !== mainWindow.webContents.id) return false;
  return isTrustedSenderUrl(frame.url, rendererLocation);
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [devUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  // No camera, notifications, clipboard-read, geolocation…: only writing the clipboard
  // ("copy as cURL"), and only for our own page.
  const ours = (url: string | undefined) => isTrustedSenderUrl(url, rendererLocation);
  ses.setPermissionRequestHandler((wc, permission, callback, details) =>
    callback(isAllowedPermission(permission) && ours(details.requestingUrl || wc.getURL())),
  );
  ses.setPermissionCheckHandler((wc, permission, _origin, details) =>
    isAllowedPermission(permission) && ours(details.requestingUrl || wc?.getURL()),
  );
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isSameDocument(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isSameDocument(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to docs or an endpoint open in the OS browser, never in a new app window.
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

async function start(): Promise<void> {
  lockDownSession();
  const crypto = osCrypto();
  service = createStudioService({
    dbPath: join(app.getPath('userData'), 'outbound.db'),
    ...(crypto ? { crypto } : {}),
    env: process.env,
    startMockOnLaunch: true,
  });
  unregisterIpc = registerIpc(service, { isTrustedSender });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Outbound',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  // Close guard: with unsaved edits the renderer cancels beforeunload and asks Save /
  // Discard / Cancel in its own dialog (UnsavedChangesDialog.tsx), then closes the window
  // itself. Electron keeps a window whose unload was cancelled open without any prompt, so
  // nothing here calls preventDefault (that would close anyway); it only brings the window
  // to the front, e.g. when quitting from the dock while it was hidden or minimised.
  mainWindow.webContents.on('will-prevent-unload', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  if (devUrl) void mainWindow.loadURL(devUrl);
  else void mainWindow.loadFile(rendererFile);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let closing = false;
app.on('will-quit', (event) => {
  if (closing || !service) return;
  // Close the database and the mock endpoint before the process ends.
  event.preventDefault();
  closing = true;
  unregisterIpc?.();
  void service
    .close()
    .catch((err: unknown) => console.error('outbound: closing the service failed:', err))
    .finally(() => app.quit());
});
