import { describe, expect, it } from 'vitest';
import { IPC_PREFIX, STUDIO_METHODS } from '../../src/shared/api.js';
import { buildApi } from '../../src/preload/api.js';

describe('preload buildApi', () => {
  it('exposes exactly the studio methods and nothing else', () => {
    const api = buildApi(async () => undefined) as unknown as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...STUDIO_METHODS].sort());
    for (const name of STUDIO_METHODS) expect(typeof api[name]).toBe('function');
    // No generic channel access, and no prototype to reach anything through.
    for (const forbidden of ['invoke', 'send', 'on', 'ipcRenderer', 'require', 'process']) expect(api[forbidden]).toBeUndefined();
    expect(Object.getPrototypeOf(api)).toBeNull();
  });

  it('sends each method on its own fixed channel with the arguments as given', async () => {
    const calls: Array<{ channel: string; args: unknown[] }> = [];
    const api = buildApi(async (channel, ...args) => {
      calls.push({ channel, args });
      return `answer from ${channel}`;
    });
    await expect(api.getDestination('d1')).resolves.toBe(`answer from ${IPC_PREFIX}getDestination`);
    await api.preview({ config: { version: 1 }, setId: 's1', limit: 3 });
    await api.listDestinations();
    expect(calls).toEqual([
      { channel: 'outbound:getDestination', args: ['d1'] },
      { channel: 'outbound:preview', args: [{ config: { version: 1 }, setId: 's1', limit: 3 }] },
      { channel: 'outbound:listDestinations', args: [] },
    ]);
  });

  it('cannot be altered to forward another channel', () => {
    const api = buildApi(async () => undefined) as unknown as Record<string, unknown>;
    expect(Object.isFrozen(api)).toBe(true);
    expect(() => {
      'use strict';
      api['listDestinations'] = () => 'hijacked';
    }).toThrow(TypeError);
    expect(() => {
      api['invoke'] = () => 'added';
    }).toThrow(TypeError);
  });
});
