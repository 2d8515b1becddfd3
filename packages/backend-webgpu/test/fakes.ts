/** Minimal fake WebGPU objects: just enough surface for device acquisition. */
export interface FakeCalls {
  adapterOptions: GPURequestAdapterOptions[];
  deviceDescriptors: GPUDeviceDescriptor[];
}

export function fakeAdapter(
  calls: FakeCalls,
  opts: {
    limits?: Record<string, number>;
    features?: string[];
    info?: Partial<GPUAdapterInfo>;
    legacyFallback?: boolean;
    requestDevice?: (d: GPUDeviceDescriptor) => Promise<GPUDevice>;
  } = {},
): GPUAdapter {
  const adapter = {
    limits: opts.limits ?? { maxBufferSize: 1 << 30, maxStorageBufferBindingSize: 1 << 29 },
    features: new Set(opts.features ?? []),
    info: opts.info,
    isFallbackAdapter: opts.legacyFallback,
    requestDevice: (d: GPUDeviceDescriptor) => {
      calls.deviceDescriptors.push(d);
      return opts.requestDevice
        ? opts.requestDevice(d)
        : Promise.resolve({ label: 'fake device' } as GPUDevice);
    },
  };
  return adapter as unknown as GPUAdapter;
}

export function fakeGpu(calls: FakeCalls, adapter: GPUAdapter | null): GPU {
  return {
    requestAdapter: (o?: GPURequestAdapterOptions) => {
      calls.adapterOptions.push(o ?? {});
      return Promise.resolve(adapter);
    },
  } as unknown as GPU;
}

export function newCalls(): FakeCalls {
  return { adapterOptions: [], deviceDescriptors: [] };
}
