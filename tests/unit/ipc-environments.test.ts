// The environment methods' argument schemas (issue 13): well-formed calls reach the service,
// malformed ones are refused in main naming the argument and the field; the preload carries them.
import { describe, expect, it } from 'vitest';
import { IPC_PREFIX, STUDIO_METHODS, type StudioApi } from '../../src/shared/api.js';
import { createDispatcher, IpcArgumentError } from '../../src/main/electron/ipc-dispatch.js';
import { LIMITS, METHOD_SCHEMAS } from '../../src/main/electron/ipc-schemas.js';
import { buildApi } from '../../src/preload/api.js';
import { recordingService } from '../helpers/recording-service.js';

describe('environment method schemas', () => {
  it('pass well-formed calls through', async () => {
    const { service, calls } = recordingService();
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    const variables = [
      { name: 'TENANT', secret: false, value: 'acme' },
      { name: 'API_KEY', secret: true },
      { name: 'TOKEN', secret: true, value: 't', sessionOnly: true },
    ];
    await dispatch('listEnvironments', []);
    await dispatch('saveEnvironment', [{ name: 'dev', variables }]);
    await dispatch('saveEnvironment', [{ id: 'e1', name: 'dev', variables: [] }]);
    await dispatch('selectEnvironment', ['e1']);
    await dispatch('selectEnvironment', [null]);
    await dispatch('deleteEnvironment', ['e1']);
    expect(calls.map((c) => c.method)).toEqual(['listEnvironments', 'saveEnvironment', 'saveEnvironment', 'selectEnvironment', 'selectEnvironment', 'deleteEnvironment']);
    expect(calls[1]!.args).toEqual([{ name: 'dev', variables }]);
    expect(calls[4]!.args).toEqual([null]);
  });

  it('refuse malformed calls, saying which argument and field', async () => {
    const { service, calls } = recordingService();
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    const bad: Array<[string, unknown[], string | RegExp]> = [
      ['saveEnvironment', [{ name: '', variables: [] }], 'saveEnvironment: argument 1 .name: must not be empty'],
      ['saveEnvironment', [{ name: 'dev' }], 'saveEnvironment: argument 1 .variables: expected array, received nothing'],
      ['saveEnvironment', [{ name: 'dev', variables: [{ name: '1X', secret: false }] }], 'saveEnvironment: argument 1 .variables[0].name: must be letters, digits and _'],
      ['saveEnvironment', [{ name: 'dev', variables: [{ name: 'X', secret: 'yes' }] }], 'saveEnvironment: argument 1 .variables[0].secret: expected boolean, received string'],
      ['saveEnvironment', [{ name: 'dev', variables: [{ name: 'X', secret: true, value: 'v'.repeat(LIMITS.envValue + 1) }] }], `must be at most ${LIMITS.envValue} characters`],
      ['saveEnvironment', [{ name: 'dev', variables: [], extra: 1 }], 'unknown property "extra"'],
      ['selectEnvironment', [42], 'selectEnvironment: argument 1: expected string, received number'],
      ['selectEnvironment', [], 'selectEnvironment: argument 1 is missing'],
      ['deleteEnvironment', [''], 'deleteEnvironment: argument 1: must not be empty'],
    ];
    for (const [method, args, message] of bad) {
      const call = dispatch(method, args);
      await expect(call, `${method} ${JSON.stringify(args).slice(0, 80)}`).rejects.toThrow(IpcArgumentError);
      await expect(call).rejects.toThrow(message);
    }
    expect(calls).toEqual([]);
  });

  it('the preload exposes them on their fixed channels', async () => {
    const seen: string[] = [];
    const api = buildApi(async (channel) => {
      seen.push(channel);
      return null;
    });
    await api.listEnvironments();
    await api.saveEnvironment({ name: 'dev', variables: [] });
    await api.selectEnvironment(null);
    await api.deleteEnvironment('e1');
    expect(seen).toEqual(['listEnvironments', 'saveEnvironment', 'selectEnvironment', 'deleteEnvironment'].map((m) => IPC_PREFIX + m));
  });
});
