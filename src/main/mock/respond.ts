// The response shape route handlers return; the server writes it (possibly later, when a
// scenario adds latency).

export interface MockResponse {
  status: number;
  headers: Record<string, string | number>;
  body: string;
}

export const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json' };

export const json = (v: unknown): string => JSON.stringify(v);

export function jsonResponse(status: number, value: unknown): MockResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(value) };
}

export function errorResponse(status: number, error: string, message?: string): MockResponse {
  return jsonResponse(status, message === undefined ? { error } : { error, message });
}
