import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isSafeExternalUrl, isSameDocument, isTrustedSenderUrl } from '../../src/main/electron/security.js';

describe('host security policy', () => {
  const fileUrl = 'file:///Applications/Outbound.app/out/renderer/index.html';

  it('trusts only our own renderer page as an IPC sender', () => {
    expect(isTrustedSenderUrl(fileUrl, { fileUrl })).toBe(true);
    expect(isTrustedSenderUrl(`${fileUrl}#/destinations`, { fileUrl })).toBe(true);
    expect(isTrustedSenderUrl('file:///tmp/evil.html', { fileUrl })).toBe(false);
    expect(isTrustedSenderUrl('https://evil.example/', { fileUrl })).toBe(false);
    expect(isTrustedSenderUrl('', { fileUrl })).toBe(false);
    expect(isTrustedSenderUrl(undefined, { fileUrl })).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/index.html', { devOrigin: 'http://localhost:5173' })).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', { devOrigin: 'http://localhost:5173' })).toBe(false);
  });

  it('allows navigation only within the current document', () => {
    expect(isSameDocument(`${fileUrl}#x`, fileUrl)).toBe(true);
    expect(isSameDocument('https://example.com/', fileUrl)).toBe(false);
    expect(isSameDocument('not a url', fileUrl)).toBe(false);
  });

  it('opens only plain http(s) links in the OS browser', () => {
    expect(isSafeExternalUrl('https://docs.example.com/page')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:5000/')).toBe(true);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('smb://host/share')).toBe(false);
    expect(isSafeExternalUrl('https://user:pw@example.com/')).toBe(false);
  });

  it('keeps scripts to self while letting Monaco use inline styles and blob workers', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
    expect(CONTENT_SECURITY_POLICY).toContain("style-src 'self' 'unsafe-inline'");
    expect(CONTENT_SECURITY_POLICY).toContain("worker-src 'self' blob:");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
  });
});
