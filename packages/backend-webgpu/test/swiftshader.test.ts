import { describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';
import { describeAdapter, PROJECT_LIMITS, requestWebGPUDevice } from '../src/index.js';

// Real WebGPU in Node: Dawn (the `webgpu` package) on the Vulkan driver named by VK_ICD_FILENAMES,
// SwiftShader from Debian's chromium package by default (see vitest.config.ts).
describe('requestWebGPUDevice on a real adapter (Dawn in Node)', () => {
  it('acquires a device with the adapter limits and moves bytes through it', async () => {
    let gpu: GPU | null = create([]);
    try {
      const { adapter, device } = await requestWebGPUDevice({ gpu, label: 'swiftshader-test' });
      const info = describeAdapter(adapter);
      if ((process.env.VK_ICD_FILENAMES ?? '').includes('swiftshader')) {
        expect(info.vendor).toBe('google');
        expect(info.architecture).toBe('swiftshader');
        expect(info.isFallbackAdapter).toBe(true);
      }
      expect(info.vendor).not.toBe('');
      // The device got the adapter's maxima, not the spec defaults (128 MiB per storage binding).
      for (const name of PROJECT_LIMITS) expect(device.limits[name], name).toBe(info.limits[name]);
      expect(Object.keys(info.limits)).toEqual([...PROJECT_LIMITS]);
      expect(info.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);

      // A round trip without shaders: upload, copy on the device, map back.
      const { GPUBufferUsage, GPUMapMode } = globals as unknown as {
        GPUBufferUsage: GPUBufferUsage;
        GPUMapMode: GPUMapMode;
      };
      const input = new Float32Array([1.5, -2, 3.25, 0]);
      const src = device.createBuffer({
        size: input.byteLength,
        usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      const dst = device.createBuffer({
        size: input.byteLength,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      });
      device.queue.writeBuffer(src, 0, input);
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(src, 0, dst, 0, input.byteLength);
      device.queue.submit([enc.finish()]);
      await dst.mapAsync(GPUMapMode.READ);
      expect(Array.from(new Float32Array(dst.getMappedRange().slice(0)))).toEqual([1.5, -2, 3.25, 0]);
      dst.unmap();
      src.destroy();
      dst.destroy();
      device.destroy();
    } finally {
      // Dawn keeps the process alive while the GPU object is reachable.
      gpu = null;
    }
    expect(gpu).toBeNull();
  }, 30_000);
});
