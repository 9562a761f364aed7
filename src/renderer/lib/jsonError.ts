// Where is a JSON text broken? The locator is shared with the engine (src/shared/json-locate.ts).
import { lineColumnAt, locateJsonError } from '../../shared/json-locate.js';

export interface JsonError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/** Returns null for valid JSON, else the first error with its 1-based line and column. */
export function findJsonError(text: string): JsonError | null {
  const found = locateJsonError(text);
  if (!found) return null;
  return { offset: found.pos, ...lineColumnAt(text, found.pos), message: found.reason };
}
