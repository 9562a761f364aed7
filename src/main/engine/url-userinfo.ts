// Where a URL's userinfo password sits, decided once for every URL a config holds (step URLs,
// the token URL, the proxy, source.postgres.url) and for the PostgreSQL source's display.
// The rule is the URL parser's (and pg's, which uses it): the authority runs from `//` to the
// first `/`, `?` or `#`; its LAST `@` ends the userinfo; the password is what follows the
// userinfo's first `:`. So `postgres://app:p@ssw0rd!@db/crm` has the password `p@ssw0rd!`
// and `postgres://app:my secret pw@db/crm` has `my secret pw` (pg encodes the spaces).

export interface UserinfoPassword {
  /** The password as written (still percent-encoded, if it was). */
  password: string;
  /** Offsets of the password in the URL: `url.slice(start, end) === password`. */
  start: number;
  end: number;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Where the user info of `url` ends (the index of its authority's last `@`), or -1 when it has none. */
export function userinfoEnd(url: string): number {
  const scheme = SCHEME.exec(url);
  if (!scheme) return -1;
  const from = scheme[0].length;
  let authorityEnd = url.length;
  for (let i = from; i < url.length; i++) {
    const c = url[i];
    if (c === '/' || c === '?' || c === '#') {
      authorityEnd = i;
      break;
    }
  }
  const at = url.lastIndexOf('@', authorityEnd - 1);
  return at < from ? -1 : at;
}

/** The userinfo password of `url` as written, with its place; null when it has none (or an empty one). */
export function findUserinfoPassword(url: string): UserinfoPassword | null {
  const at = userinfoEnd(url);
  if (at < 0) return null;
  const colon = url.indexOf(':', SCHEME.exec(url)![0].length);
  if (colon < 0 || colon >= at) return null;
  const start = colon + 1;
  if (start === at) return null;
  return { password: url.slice(start, at), start, end: at };
}

/** `url` with its userinfo password replaced by `replacement` ('' drops it and its `:`). */
export function replaceUserinfoPassword(url: string, replacement: string): string {
  const p = findUserinfoPassword(url);
  if (!p) return url;
  return replacement === '' ? `${url.slice(0, p.start - 1)}${url.slice(p.end)}` : `${url.slice(0, p.start)}${replacement}${url.slice(p.end)}`;
}

/** The forms of a written password a message or a store could carry: as written and percent-decoded. */
export function passwordForms(written: string): string[] {
  const forms = [written];
  try {
    forms.push(decodeURIComponent(written));
  } catch {
    // Not valid percent-encoding: only the written form exists.
  }
  return [...new Set(forms)];
}
