import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeAdapter, PROJECT_FEATURES, PROJECT_LIMITS, requestWebGPUDevice } from '../src/index.js';
import { fakeAdapter, fakeGpu, newCalls } from './fakes.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('requestWebGPUDevice with a fake GPU', () => {
  it('uses navigator.gpu when no gpu option is given', async () => {
    const calls = newCalls();
    const adapter = fakeAdapter(calls);
    vi.stubGlobal('navigator', { gpu: fakeGpu(calls, adapter) });
    const got = await requestWebGPUDevice();
    expect(got.adapter).toBe(adapter);
    expect(got.device.label).toBe('fake device');
    expect(calls.adapterOptions).toEqual([{}]);
  });

  it('prefers the gpu option over navigator.gpu', async () => {
    const navCalls = newCalls();
    const calls = newCalls();
    vi.stubGlobal('navigator', { gpu: fakeGpu(navCalls, null) });
    const adapter = fakeAdapter(calls);
    const got = await requestWebGPUDevice({ gpu: fakeGpu(calls, adapter) });
    expect(got.adapter).toBe(adapter);
    expect(navCalls.adapterOptions).toHaveLength(0);
  });

  it('forwards adapter options, features and label, and asks for the adapter maximum of each project limit', async () => {
    const calls = newCalls();
    const limits: Record<string, number> = { maxTextureDimension2D: 8192 };
    PROJECT_LIMITS.forEach((name, i) => {
      limits[name] = 1000 + i;
    });
    const adapter = fakeAdapter(calls, { limits });
    await requestWebGPUDevice({
      gpu: fakeGpu(calls, adapter),
      powerPreference: 'high-performance',
      forceFallbackAdapter: true,
      requiredFeatures: ['timestamp-query'],
      label: 'ufb',
    });
    expect(calls.adapterOptions).toEqual([
      { powerPreference: 'high-performance', forceFallbackAdapter: true },
    ]);
    expect(calls.deviceDescriptors).toHaveLength(1);
    const d = calls.deviceDescriptors[0]!;
    expect(d.requiredFeatures).toEqual(['timestamp-query']);
    expect(d.label).toBe('ufb');
    const expected = Object.fromEntries(PROJECT_LIMITS.map((name, i) => [name, 1000 + i]));
    expect(d.requiredLimits).toEqual(expected);
  });

  it('does not request limits the adapter does not report', async () => {
    const calls = newCalls();
    const adapter = fakeAdapter(calls, { limits: { maxBufferSize: 4096 } });
    await requestWebGPUDevice({ gpu: fakeGpu(calls, adapter) });
    expect(calls.deviceDescriptors[0]!.requiredLimits).toEqual({ maxBufferSize: 4096 });
  });
});

describe('describeAdapter', () => {
  it('reads identity from adapter.info, features and limits', () => {
    const calls = newCalls();
    const adapter = fakeAdapter(calls, {
      info: {
        vendor: 'v',
        architecture: 'arch',
        device: 'dev',
        description: 'desc',
        isFallbackAdapter: true,
      },
      features: ['subgroups', 'texture-compression-bc'],
      limits: { maxBufferSize: 10, maxStorageBufferBindingSize: 5 },
    });
    const d = describeAdapter(adapter);
    expect(d.vendor).toBe('v');
    expect(d.architecture).toBe('arch');
    expect(d.device).toBe('dev');
    expect(d.description).toBe('desc');
    expect(d.isFallbackAdapter).toBe(true);
    expect(d.features).toEqual({ 'shader-f16': false, subgroups: true, 'timestamp-query': false });
    expect(Object.keys(d.features)).toEqual([...PROJECT_FEATURES]);
    expect(d.limits).toEqual({ maxBufferSize: 10, maxStorageBufferBindingSize: 5 });
  });

  it('falls back to the legacy adapter.isFallbackAdapter and empty strings', () => {
    const calls = newCalls();
    const d = describeAdapter(fakeAdapter(calls, { legacyFallback: true }));
    expect(d.isFallbackAdapter).toBe(true);
    expect(d.vendor).toBe('');
    expect(d.architecture).toBe('');
    expect(describeAdapter(fakeAdapter(calls, {})).isFallbackAdapter).toBe(false);
  });

  it('returns plain data that survives JSON', () => {
    const calls = newCalls();
    const limits = Object.fromEntries(PROJECT_LIMITS.map((name) => [name, 64]));
    const d = describeAdapter(fakeAdapter(calls, { info: { vendor: 'x' }, limits }));
    expect(Object.keys(d.limits)).toEqual([...PROJECT_LIMITS]);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});
