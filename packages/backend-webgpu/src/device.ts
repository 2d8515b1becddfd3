/// <reference types="@webgpu/types" preserve="true" />
import { UltraFastBertError } from '@ultrafastbert/tensor';

/** Why a WebGPU device could not be acquired. */
export type WebGPUUnavailableReason = 'no-gpu' | 'no-adapter' | 'device-request-failed';

/**
 * WebGPU could not give us a device. `reason` says which step failed; the message names what was
 * missing and how to fix it. `code` is always `E_WEBGPU_UNAVAILABLE`.
 */
export class WebGPUUnavailableError extends UltraFastBertError {
  readonly reason: WebGPUUnavailableReason;
  constructor(reason: WebGPUUnavailableReason, message: string, options?: { cause?: unknown }) {
    super('E_WEBGPU_UNAVAILABLE', message, options);
    this.reason = reason;
  }
}

/**
 * The adapter limits this project's kernels depend on. `requestWebGPUDevice` asks for the adapter's
 * own maximum of each (the WebGPU defaults are far smaller, e.g. 128 MiB per storage binding, while
 * a 30522×768 f32 embedding table alone is 94 MB), and `describeAdapter` reports them.
 */
export const PROJECT_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
] as const;

export type ProjectLimit = (typeof PROJECT_LIMITS)[number];

/** Optional adapter features the kernels can use when present. */
export const PROJECT_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as const;

export type ProjectFeature = (typeof PROJECT_FEATURES)[number];

export interface RequestWebGPUDeviceOptions {
  /**
   * The `GPU` object to use. Defaults to `navigator.gpu` (browsers). In Node, pass
   * `create([])` from the `webgpu` package; this package never imports it itself.
   */
  gpu?: GPU;
  /** Passed to `requestAdapter`. */
  powerPreference?: GPUPowerPreference;
  /** Passed to `requestAdapter`. */
  forceFallbackAdapter?: boolean;
  /** Features the device must have, e.g. `['shader-f16']`. Rejected by the adapter if missing. */
  requiredFeatures?: GPUFeatureName[];
  /** Device label, shown in WebGPU validation messages. */
  label?: string;
}

export interface WebGPUDevice {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
}

const NODE_HINT =
  "In Node, pass a GPU object: `requestWebGPUDevice({ gpu: create([]) })` with `create` from the 'webgpu' package.";
const ADAPTER_HINT =
  'In Chromium, launch with --enable-unsafe-webgpu (required on Linux and in headless mode). ' +
  "In Node with the 'webgpu' package (Dawn), Vulkan needs a driver: e.g. install Debian's chromium and " +
  'libvulkan1 packages and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader).';

function defaultGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu ?? undefined;
}

/**
 * Find a WebGPU implementation, request an adapter and then a device with the adapter's maximum
 * for each of `PROJECT_LIMITS`. Throws `WebGPUUnavailableError` (code `E_WEBGPU_UNAVAILABLE`)
 * naming the step that failed.
 *
 * The caller owns the result: call `device.destroy()` when done, and in Node drop every reference
 * to the `GPU` object so the process can exit.
 */
export async function requestWebGPUDevice(options: RequestWebGPUDeviceOptions = {}): Promise<WebGPUDevice> {
  const gpu = options.gpu ?? defaultGpu();
  if (!gpu || typeof gpu.requestAdapter !== 'function') {
    throw new WebGPUUnavailableError(
      'no-gpu',
      options.gpu !== undefined
        ? 'WebGPU is not available: the `gpu` option has no requestAdapter() method.'
        : 'WebGPU is not available: navigator.gpu is undefined. In a browser, WebGPU needs a secure context ' +
            `(https or localhost) and a browser with WebGPU enabled. ${NODE_HINT}`,
    );
  }

  const adapterOptions: GPURequestAdapterOptions = {};
  if (options.powerPreference !== undefined) adapterOptions.powerPreference = options.powerPreference;
  if (options.forceFallbackAdapter !== undefined)
    adapterOptions.forceFallbackAdapter = options.forceFallbackAdapter;
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(adapterOptions);
  } catch (cause) {
    throw new WebGPUUnavailableError(
      'no-adapter',
      `WebGPU is available but requestAdapter() failed: ${String(cause)}. ${ADAPTER_HINT}`,
      { cause },
    );
  }
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'no-adapter',
      `WebGPU is available but requestAdapter() returned null: no usable GPU adapter. ${ADAPTER_HINT}`,
    );
  }

  const requiredLimits: Record<string, number> = {};
  for (const name of PROJECT_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const descriptor: GPUDeviceDescriptor = { requiredLimits };
  if (options.requiredFeatures !== undefined) descriptor.requiredFeatures = options.requiredFeatures;
  if (options.label !== undefined) descriptor.label = options.label;
  try {
    const device = await adapter.requestDevice(descriptor);
    return { adapter, device };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new WebGPUUnavailableError(
      'device-request-failed',
      `WebGPU adapter found, but requestDevice() failed: ${message}` +
        (options.requiredFeatures?.length
          ? ` (required features: ${options.requiredFeatures.join(', ')})`
          : ''),
      { cause },
    );
  }
}

export interface AdapterDescription {
  /** e.g. `google` for SwiftShader, `mesa` for lavapipe. May be empty in browsers. */
  readonly vendor: string;
  /** e.g. `swiftshader`. May be empty in browsers. */
  readonly architecture: string;
  /** Driver-specific; empty in browsers, which hide it. */
  readonly device: string;
  /** Driver-specific; empty in browsers, which hide it. */
  readonly description: string;
  /** True for software adapters (SwiftShader, lavapipe): correct, but not GPU speed. */
  readonly isFallbackAdapter: boolean;
  /** Which of `PROJECT_FEATURES` the adapter offers. */
  readonly features: Readonly<Record<ProjectFeature, boolean>>;
  /** The adapter's value for each of `PROJECT_LIMITS` it reports (every conforming adapter reports all). */
  readonly limits: Readonly<Partial<Record<ProjectLimit, number>>>;
}

/** A plain-data summary of an adapter: identity, fallback flag, features and limits this project uses. */
export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  // Older implementations put isFallbackAdapter on the adapter, newer ones on adapter.info.
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const limits: Partial<Record<ProjectLimit, number>> = {};
  for (const name of PROJECT_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') limits[name] = value;
  }
  const features = {} as Record<ProjectFeature, boolean>;
  for (const name of PROJECT_FEATURES) features[name] = adapter.features.has(name);
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? legacy ?? false),
    features,
    limits,
  };
}
