// Escaping for the place a value lands (DESIGN invariant 5). Pure functions on the hot
// path: each checks for a cheap "nothing to escape" case before doing any work.
import { exactInteger, isRawJson } from '../exact.js';

/** Characters that force a JSON string escape: quote, backslash, C0 controls, U+2028/2029, surrogates. */
const JSON_STR_NEEDS = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

function escapeLineSeparators(s: string): string {
  return s.replace(LINE_SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/**
 * The body of a JSON string literal for `s`, without the surrounding quotes. Non-ASCII
 * passes through as is (the body is sent as UTF-8); U+2028/2029 are escaped so the text
 * is also safe to paste into JavaScript; lone surrogates become \uXXXX (JSON.stringify).
 */
export function jsonStringBody(s: string): string {
  if (!JSON_STR_NEEDS.test(s)) return s;
  const quoted = JSON.stringify(s);
  const body = quoted.slice(1, -1);
  return body.includes('\u2028') || body.includes('\u2029') ? escapeLineSeparators(body) : body;
}

/**
 * `v` as JSON text. undefined, functions and symbols become `null`, as do NaN/Infinity
 * (JSON has no spelling for them); bigint is written as its digits.
 */
export function jsonText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return '"' + jsonStringBody(v) + '"';
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'object': {
      if (v === null) return 'null';
      const text = JSON.stringify(v, bigintReplacer);
      if (text === undefined) return 'null';
      return text.includes('\u2028') || text.includes('\u2029') ? escapeLineSeparators(text) : text;
    }
    default:
      return 'null';
  }
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? exactInteger(value.toString()) : value;
}

/**
 * `v` as plain text: strings as is, numbers/booleans as written, objects and arrays as
 * their JSON text, null/undefined/NaN/Infinity as the empty string.
 */
export function plainText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? String(v) : '';
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      if (v === null) return '';
      // An exact integer (exact.ts) is its digits, in a JSON string or a URL alike.
      return isRawJson(v) ? v.rawJSON : jsonText(v);
    default:
      return '';
  }
}

/** Percent-encoding for a URL path segment or query value (RFC 3986 unreserved kept). */
export function urlComponent(v: unknown): string {
  return encodeURIComponent(plainText(v));
}

const BACKTICK = /`/g;

/**
 * Text that sits inside a JMESPath backtick literal. jmespath 0.16 un-escapes only the
 * first "\`" of a literal, so every backtick is written as the JSON escape \u0060 instead
 * (valid because backticks only ever occur inside JSON strings of the text).
 */
export function jmesBacktickSafe(jsonTextValue: string): string {
  return jsonTextValue.includes('`') ? jsonTextValue.replace(BACKTICK, '\\u0060') : jsonTextValue;
}

/** True when `s` can sit in a JMESPath raw string literal '...' with no escape at all. */
export function jmesRawSafe(s: string): boolean {
  return !s.includes("'") && !s.includes('\\');
}

/**
 * A JMESPath literal for the string `s`: the raw form 'text' when no escape is needed,
 * else a JSON string literal in backticks. Raw literals cannot carry every string in
 * jmespath 0.16 (only the first \' is un-escaped and \\ never is), so the backtick form
 * is the one that round-trips.
 */
export function jmesStringLiteral(s: string): string {
  return jmesRawSafe(s) ? "'" + s + "'" : '`"' + jmesBacktickSafe(jsonStringBody(s)) + '"`';
}

/** A JMESPath literal for any JSON value: strings as above, everything else in backticks. */
export function jmesLiteral(v: unknown): string {
  if (typeof v === 'string') return jmesStringLiteral(v);
  return '`' + jmesBacktickSafe(jsonText(v)) + '`';
}

const FORM_SAFE = /^[A-Za-z0-9*\-._]*$/;

/**
 * One value of an application/x-www-form-urlencoded body (WHATWG URL's serializer: space
 * as `+`, only letters, digits and `*-._` kept, everything else percent-encoded as UTF-8, a
 * lone surrogate as U+FFFD). `Tom & Jerry=1` → `Tom+%26+Jerry%3D1`.
 */
export function formValue(s: string): string {
  if (FORM_SAFE.test(s)) return s;
  return new URLSearchParams([['', s]]).toString().slice(1);
}

const XML_NEEDS = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const XML_SPECIAL = /[&<>"']/g;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/**
 * A value in XML text or an attribute (either quote): & < > " ' as entities. A character
 * XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; U+FFFE/FFFF) is refused
 * with its position rather than sent in a document the endpoint would reject.
 */
export function xmlText(s: string): string {
  if (!XML_NEEDS.test(s)) return s;
  refuseXmlForbidden(s);
  return s.replace(XML_SPECIAL, (c) => XML_ENTITIES[c]!);
}

/**
 * A value inside `<![CDATA[ … ]]>`: written as is (a CDATA section holds text without
 * entities), its `]]>` split across two sections so the value cannot end the section early.
 * Characters XML 1.0 cannot carry are refused as in xmlText.
 */
export function xmlCdata(s: string): string {
  refuseXmlForbidden(s);
  return s.includes(']]>') ? s.replaceAll(']]>', ']]]]><![CDATA[>') : s;
}

/** Throws, naming the character and its position, when `s` holds one XML 1.0 cannot carry. */
function refuseXmlForbidden(s: string): void {
  const bad = XML_FORBIDDEN.exec(s);
  if (bad) throw new Error(`a value holds U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index + 1}, which XML 1.0 cannot carry`);
}
