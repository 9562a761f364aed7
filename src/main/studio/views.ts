// Conversions from engine results to the studio API's views. Every string that can carry
// a secret goes through the redactor here, on its way out of the main process.
import type { ApiIssue, PreviewRequestView, ResponseView, TokenView } from '../../shared/api.js';
import type { ConfigIssue } from '../../shared/config.js';
import type { TokenExchange } from '../engine/oauth.js';
import type { PreviewIssue } from '../engine/preview.js';
import type { Redactor } from '../engine/redact.js';
import type { HttpResult, PlannedRequest } from '../engine/types.js';

export function configIssues(issues: ConfigIssue[], redactor?: Redactor): ApiIssue[] {
  return issues.map((i) => ({ path: i.path, message: redactor ? redactor.text(i.message) : i.message }));
}

export function previewIssue(e: PreviewIssue, redactor: Redactor): ApiIssue {
  const issue: ApiIssue = { path: e.where, message: redactor.text(e.message) };
  if (e.template !== undefined) issue.template = e.template;
  if (e.line !== undefined) issue.line = e.line;
  if (e.column !== undefined) issue.column = e.column;
  return issue;
}

export function requestView(r: PlannedRequest, redactor: Redactor): PreviewRequestView {
  const view: PreviewRequestView = {
    step: r.step,
    method: r.method,
    url: redactor.text(r.url),
    headers: redactor.headers(r.headers),
    recordKeys: r.recordKeys,
    warnings: (r.warnings ?? []).map((w) => redactor.text(w)),
  };
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
    ok: result.status >= 200 && result.status <= 299,
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
