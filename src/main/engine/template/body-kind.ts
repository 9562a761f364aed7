// How a request body's values are escaped, decided once from the destination's
// Content-Type header (the planner renders with it; previews name it).
import type { BodyEscaping } from '../../../shared/api.js';
import type { TemplateKind } from './types.js';

export type BodyKind = Extract<TemplateKind, 'json' | 'form' | 'xml' | 'text'>;

/** What a preview says is in force for a body kind. */
export function bodyEscaping(kind: BodyKind): BodyEscaping {
  return kind === 'text' ? 'none' : kind;
}

const FORM = /^\s*application\/x-www-form-urlencoded\s*(;|$)/i;
/** application/xml, text/xml, and every +xml type (application/soap+xml, application/atom+xml...). */
const XML = /^\s*[a-z0-9!#$&^_.+-]+\/(?:[a-z0-9!#$&^_.-]+\+)?xml\s*(;|$)/i;

/**
 * The body kind for a destination's headers (object form, any case): no Content-Type or one
 * naming JSON → json (as before); application/x-www-form-urlencoded → form; any xml type
 * → xml; anything else → text (values as they are).
 */
export function bodyKindFor(headers: Readonly<Record<string, string>>): BodyKind {
  const contentType = Object.entries(headers).find(([h]) => h.toLowerCase() === 'content-type')?.[1];
  if (!contentType || /json/i.test(contentType)) return 'json';
  if (FORM.test(contentType)) return 'form';
  if (XML.test(contentType)) return 'xml';
  return 'text';
}
