// A StudioApi whose every method records its call and answers `answer(method)`: what the IPC
// tests dispatch into, to see which calls reach the service and with which arguments.
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api.js';

export function recordingService(answer: (method: string) => unknown = () => null): { service: StudioApi; calls: Array<{ method: string; args: unknown[] }> } {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const service = Object.fromEntries(
    STUDIO_METHODS.map((m) => [
      m,
      async (...args: unknown[]) => {
        calls.push({ method: m, args });
        return answer(m);
      },
    ]),
  ) as unknown as StudioApi;
  return { service, calls };
}
