// Conversions from app/ results to the studio API's views. Every string that can carry
// a secret goes through the redactor here, on its way out of the main process.
import type { PreviewRequestView, ResponseView, TokenView } from '../../shared/api.js';
import { isSuccessStatus } from '../../shared/status.js';
import type { HttpResult, PlannedRequest, Redactor, TokenExchange } from '../app/types.js';

export function requestView(r: PlannedRequest, redactor: Redactor): PreviewRequestView {
  const view: PreviewRequestView = {
    step: r.step,
    method: r.method,
    url: redactor.text(r.url),
    headers: redactor.headers(r.headers),
    recordKeys: r.recordKeys,
    warnings: (r.warnings ?? []).map((w) => redactor.text(w)),
  };
  if (r.notes?.length) view.notes = r.notes.map((n) => redactor.text(n));
  if (r.body !== undefined) view.body = redactor.text(r.body);
  return view;
}

export function responseView(result: HttpResult, redactor: Redactor, verdict?: string): ResponseView {
  if (!result.ok) {
    return {
      ok: false,
      errorKind: result.kind,
      error: redactor.text(result.message),
      timings: result.timings,
      ...(verdict ? { verdict } : {}),
    };
  }
  return {
    ok: isSuccessStatus(result.status),
    status: result.status,
    headers: redactor.headers(result.headers),
    body: redactor.text(result.body),
    bodyBytes: result.bodyBytes,
    truncated: result.truncated,
    timings: result.timings,
    ...(verdict ? { verdict } : {}),
  };
}

export function tokenView(ex: TokenExchange, redactor: Redactor): TokenView {
  const view: TokenView = {
    ok: true,
    request: { ...ex.request, url: redactor.text(ex.request.url), headers: redactor.headers(ex.request.headers), body: redactor.text(ex.request.body) },
    response: { ...ex.response, headers: redactor.headers(ex.response.headers), body: redactor.text(ex.response.body) },
    tokenType: ex.token.tokenType,
    accessTokenMasked: ex.token.accessTokenMasked,
  };
  if (ex.token.scope !== undefined) view.scope = ex.token.scope;
  if (ex.token.expiresAt !== undefined) view.expiresAt = ex.token.expiresAt;
  if (ex.token.jwtClaims !== undefined) view.jwtClaims = ex.token.jwtClaims;
  return view;
}
