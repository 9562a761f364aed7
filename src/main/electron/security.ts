// Pure security policy for the Electron host (DESIGN invariant 7). index.ts and ipc.ts
// apply it; kept free of Electron so its decisions are unit-tested.

/** Monaco needs inline styles and blob: workers; nothing else is loosened. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `electron-vite dev` only: React Refresh injects an inline preamble script, so the dev
 * server's pages need inline scripts. Never used for a built app.
 */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");

/** Permissions the studio may use (copying a request as cURL); everything else is denied. */
export function isAllowedPermission(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

/** Where our renderer lives: the built index.html (file:) or the dev server's origin. */
export interface RendererLocation {
  /** `file:///…/out/renderer/index.html` in a built app. */
  fileUrl?: string;
  /** `http://localhost:5173` under `electron-vite dev`. */
  devOrigin?: string;
}

/** True when an IPC sender frame shows our own renderer page. */
export function isTrustedSenderUrl(frameUrl: string | undefined | null, where: RendererLocation): boolean {
  if (!frameUrl) return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (where.fileUrl && url.protocol === 'file:') {
    const own = new URL(where.fileUrl);
    return url.pathname === own.pathname && url.host === own.host;
  }
  if (where.devOrigin && (url.protocol === 'http:' || url.protocol === 'https:')) {
    return url.origin === new URL(where.devOrigin).origin;
  }
  return false;
}

/** Navigation inside the window is allowed only to the page it already shows (reloads, hash changes). */
export function isSameDocument(target: string, current: string): boolean {
  try {
    const a = new URL(target);
    const b = new URL(current);
    a.hash = '';
    b.hash = '';
    return a.href === b.href;
  } catch {
    return false;
  }
}

/** Links opened in the OS browser: plain http(s) only, no credentials in the URL. */
export function isSafeExternalUrl(target: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  return url.hostname.length > 0 && target.length <= 2048;
}
