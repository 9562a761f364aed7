import { describe, expect, it } from 'vitest';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api.js';
import { createDispatcher, IpcArgumentError } from '../../src/main/electron/ipc-dispatch.js';
import { LIMITS, METHOD_SCHEMAS } from '../../src/main/electron/ipc-schemas.js';
import { recordingService } from '../helpers/recording-service.js';

/** A service that records what reached it. */
const validConfig = { version: 1, destination: { name: 'x', add: { url: 'http://127.0.0.1/a' } }, audience: { name: 'A' } };

describe('ipc dispatcher', () => {
  it('has a schema for every studio method', () => {
    expect(Object.keys(METHOD_SCHEMAS).sort()).toEqual([...STUDIO_METHODS].sort());
  });

  it('passes valid calls to the service and returns its answer', async () => {
    const { service, calls } = recordingService((m) => ({ from: m }));
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    await expect(dispatch('listDestinations', [])).resolves.toEqual({ from: 'listDestinations' });
    await dispatch('saveDestination', [{ config: validConfig }]);
    await dispatch('preview', [{ config: validConfig, setId: 's1', limit: 5 }]);
    await dispatch('startMock', []);
    await dispatch('startMock', [{ scenario: 'flaky' }]);
    await dispatch('evaluateJmes', [{ expression: 'records', data: { records: [1, 2] }, purpose: 'success', recordCount: 2 }]);
    expect(calls.map((c) => c.method)).toEqual(['listDestinations', 'saveDestination', 'preview', 'startMock', 'startMock', 'evaluateJmes']);
    expect(calls[1]!.args).toEqual([{ config: validConfig }]);
  });

  it('rejects unknown methods, including prototype names, without calling anything', async () => {
    const { service, calls } = recordingService((m) => ({ from: m }));
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    for (const m of ['runShell', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      await expect(dispatch(m, [])).rejects.toThrow(`unknown method "${m}"`);
    }
    expect(calls).toEqual([]);
  });

  it('names the method, the argument and the field of a malformed argument', async () => {
    const { service, calls } = recordingService((m) => ({ from: m }));
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    await expect(dispatch('saveDestination', [{ config: 'not an object' }])).rejects.toThrow(
      'saveDestination: argument 1 .config: expected object, received string',
    );
    await expect(dispatch('getDestination', [42])).rejects.toThrow('getDestination: argument 1: expected string, received number');
    await expect(dispatch('getDestination', [])).rejects.toThrow('getDestination: argument 1 is missing');
    await expect(dispatch('generateSamples', [{ count: 2.5 }])).rejects.toThrow('generateSamples: argument 1 .count: must be an integer');
    await expect(dispatch('sendPreviewed', [{ config: validConfig, setId: 's', step: 'drop', index: 0 }])).rejects.toThrow(
      'sendPreviewed: argument 1 .step: expected one of "getAudience", "createAudience", "add", "remove"',
    );
    await expect(dispatch('importSamples', [{ name: 'n', format: 'xml', text: '' }])).rejects.toThrow(/argument 1 \.format/);
    expect(calls).toEqual([]);
  });

  it('rejects extra properties and extra arguments', async () => {
    const { service, calls } = recordingService((m) => ({ from: m }));
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    await expect(dispatch('getSamples', [{ setId: 's', path: '/etc/passwd' }])).rejects.toThrow(
      'getSamples: argument 1: unknown property "path"',
    );
    await expect(dispatch('listDestinations', ['surprise'])).rejects.toThrow('listDestinations: expected at most 0 arguments, received 1');
    await expect(dispatch('getDestination', ['a', 'b'])).rejects.toThrow('expected at most 1 argument, received 2');
    expect(calls).toEqual([]);
  });

  it('rejects oversized strings and values before they reach the service', async () => {
    const { service, calls } = recordingService((m) => ({ from: m }));
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    await expect(dispatch('getDestination', ['x'.repeat(LIMITS.id + 1)])).rejects.toThrow(`must be at most ${LIMITS.id} characters`);
    await expect(
      dispatch('evaluateJmes', [{ expression: 'a'.repeat(LIMITS.expression + 1), data: {} }]),
    ).rejects.toThrow('evaluateJmes: argument 1 .expression: must be at most');
    const huge = { version: 1, blob: 'x'.repeat(LIMITS.configBytes + 10) };
    await expect(dispatch('validateConfig', [huge])).rejects.toThrow('validateConfig: argument 1: is larger than');
    await expect(dispatch('generateSamples', [{ count: LIMITS.sampleCount + 1 }])).rejects.toThrow('.count: must be at most');
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.depth + 5; i++) deep = [deep];
    await expect(dispatch('preview', [{ config: deep, setId: 's' }])).rejects.toThrow('.config: is nested deeper than');
    expect(calls).toEqual([]);
  });

  it('rejects a non-array argument list', async () => {
    const { service } = recordingService((m) => ({ from: m }));
    const dispatch = createDispatcher(service, METHOD_SCHEMAS);
    await expect(dispatch('listDestinations', 'oops' as unknown as unknown[])).rejects.toBeInstanceOf(IpcArgumentError);
  });
});
