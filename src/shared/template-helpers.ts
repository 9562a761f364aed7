// The template helpers as the studio documents them (completion and hover in Monaco) and the
// README lists them. The engine registers the same names (engine/template/helpers.ts); a
// unit test keeps the two lists equal.

export interface TemplateHelperDoc {
  name: string;
  /** How it is called, e.g. `sha256 value`. */
  signature: string;
  /** One line for a completion's detail. */
  summary: string;
  /** What it does exactly, for the hover. */
  doc: string;
  example: string;
}

export const TEMPLATE_HELPER_DOCS: readonly TemplateHelperDoc[] = [
  { name: 'json', signature: 'json value', summary: 'any value as JSON', doc: 'Inserts any value (object, array, number…) as JSON text.', example: '{"tags": {{json user.tags}}}' },
  { name: 'sha256', signature: 'sha256 value [encoding="hex"|"base64"|"base64url"]', summary: 'SHA-256 of the text, hex', doc: 'SHA-256 of the value\'s UTF-8 text, lower-case hex unless `encoding=` says base64/base64url. A missing value stays missing (not the hash of "").', example: '"{{sha256 user.id}}"' },
  { name: 'sha256Email', signature: 'sha256Email value', summary: 'SHA-256 of the trimmed, lower-cased email', doc: 'Trims and lower-cases the email, then SHA-256 hex: Adobe\'s `email_lc_sha256`. Empty after trimming → missing.', example: '"{{sha256Email user.email}}"' },
  { name: 'sha256Phone', signature: 'sha256Phone value', summary: 'SHA-256 of the E.164 digits', doc: 'Keeps a leading `+` and the digits (drops spaces, dashes, dots, brackets), then SHA-256 hex. `+1 (415) 555-0123` → sha256("+14155550123"). No digits → missing.', example: '"{{sha256Phone user.phone}}"' },
  { name: 'md5', signature: 'md5 value [encoding=…]', summary: 'MD5 of the text, hex', doc: 'MD5 of the value\'s UTF-8 text, lower-case hex (for APIs that still ask for it; not a security hash).', example: '"{{md5 user.email}}"' },
  { name: 'base64', signature: 'base64 value', summary: 'base64 of the UTF-8 text', doc: 'Standard base64 (with `=` padding) of the value\'s UTF-8 bytes.', example: '"{{base64 user.id}}"' },
  { name: 'hmac', signature: 'hmac "sha256" "${env:KEY}" value [encoding=…]', summary: 'HMAC of the text with a secret key', doc: 'HMAC (sha1, sha256, sha384, sha512) of the value\'s UTF-8 text with the UTF-8 key, hex. Write the key as `${env:NAME}`: it is resolved when the config loads and masked everywhere; a literal key is a secret too (masked in stored runs and logs).', example: '"{{hmac "sha256" "${env:SIGNING_KEY}" user.id}}"' },
  { name: 'lower', signature: 'lower value', summary: 'lower-case', doc: 'The text in lower case (Unicode rules).', example: '"{{lower user.email}}"' },
  { name: 'upper', signature: 'upper value', summary: 'upper-case', doc: 'The text in upper case (Unicode rules: ß → SS).', example: '"{{upper user.country}}"' },
  { name: 'trim', signature: 'trim value', summary: 'without surrounding whitespace', doc: 'The text without leading and trailing whitespace.', example: '"{{trim user.name}}"' },
  { name: 'default', signature: 'default value fallback…', summary: 'the first value that is not missing, null or ""', doc: 'The first argument that is not missing, null or "" (any number of fallbacks); else the last one.', example: '"{{default user.country "US"}}"' },
  { name: 'date', signature: 'date value ["iso"|"epoch"|"epoch_ms"|"YYYY-MM-DD…"]', summary: 'a date, formatted in UTC', doc: 'Reads epoch seconds (below 1e11), epoch milliseconds or ISO 8601 (no offset = UTC); writes ISO (default), `epoch`/`epoch_ms` (numbers) or a pattern of YYYY MM DD HH mm ss SSS with `[text]` kept. Always UTC. A value that is no date fails its records.', example: '"{{date user.signup "YYYY-MM-DD"}}"' },
  { name: 'now', signature: 'now [format]', summary: 'the run\'s start time', doc: 'The time the run (or preview) started, the same for every request of it, so the preview shows what is sent; a resume or retry-failed keeps the run\'s original time. Formats as `date`.', example: '"{{now}}"' },
];

export const TEMPLATE_HELPER_NAMES: readonly string[] = TEMPLATE_HELPER_DOCS.map((h) => h.name);
