import { UltraFastBertError } from '@ultrafastbert/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestWebGPUDevice, WebGPUUnavailableError } from '../src/index.js';
import { fakeAdapter, fakeGpu, newCalls } from './fakes.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

async function rejection(p: Promise<unknown>): Promise<WebGPUUnavailableError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WebGPUUnavailableError);
  expect(e).toBeInstanceOf(UltraFastBertError);
  const err = e as WebGPUUnavailableError;
  expect(err.code).toBe('E_WEBGPU_UNAVAILABLE');
  expect(err.name).toBe('WebGPUUnavailableError');
  return err;
}

describe('requestWebGPUDevice errors', () => {
  it('names the null adapter and how to get one (Chromium flag, Vulkan ICD)', async () => {
    const calls = newCalls();
    const err = await rejection(requestWebGPUDevice({ gpu: fakeGpu(calls, null) }));
    expect(err.reason).toBe('no-adapter');
    expect(err.message).toContain('requestAdapter() returned null');
    expect(err.message).toContain('--enable-unsafe-webgpu');
    expect(err.message).toContain('VK_ICD_FILENAMES');
    expect(calls.adapterOptions).toHaveLength(1);
    expect(calls.deviceDescriptors).toHaveLength(0);
  });

  it('wraps a throwing requestAdapter with its cause', async () => {
    const boom = new Error('driver exploded');
    const gpu = { requestAdapter: () => Promise.reject(boom) } as unknown as GPU;
    const err = await rejection(requestWebGPUDevice({ gpu }));
    expect(err.reason).toBe('no-adapter');
    expect(err.cause).toBe(boom);
    expect(err.message).toContain('driver exploded');
  });

  it('says navigator.gpu is missing when no gpu is given and there is none', async () => {
    vi.stubGlobal('navigator', undefined);
    const err = await rejection(requestWebGPUDevice());
    expect(err.reason).toBe('no-gpu');
    expect(err.message).toContain('navigator.gpu is undefined');
    expect(err.message).toContain("'webgpu' package");
  });

  it('says navigator.gpu is missing when navigator exists without gpu', async () => {
    vi.stubGlobal('navigator', { userAgent: 'test' });
    const err = await rejection(requestWebGPUDevice({}));
    expect(err.reason).toBe('no-gpu');
  });

  it('rejects a gpu option that is not a GPU', async () => {
    const err = await rejection(requestWebGPUDevice({ gpu: {} as GPU }));
    expect(err.reason).toBe('no-gpu');
    expect(err.message).toContain('no requestAdapter() method');
  });

  it('reports a failed requestDevice with the required features and the cause', async () => {
    const calls = newCalls();
    const cause = new TypeError('feature shader-f16 is not supported');
    const adapter = fakeAdapter(calls, { requestDevice: () => Promise.reject(cause) });
    const err = await rejection(
      requestWebGPUDevice({ gpu: fakeGpu(calls, adapter), requiredFeatures: ['shader-f16'] }),
    );
    expect(err.reason).toBe('device-request-failed');
    expect(err.cause).toBe(cause);
    expect(err.message).toContain('shader-f16 is not supported');
    expect(err.message).toContain('required features: shader-f16');
  });
});
