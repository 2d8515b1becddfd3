/// <reference types="@webgpu/types" preserve="true" />
/**
 * @ultrafastbert/backend-webgpu: the WebGPU backend.
 *
 * Status: device acquisition only; the op kernels land in a later release.
 */
export {
  type AdapterDescription,
  describeAdapter,
  PROJECT_FEATURES,
  PROJECT_LIMITS,
  type ProjectFeature,
  type ProjectLimit,
  type RequestWebGPUDeviceOptions,
  requestWebGPUDevice,
  type WebGPUDevice,
  WebGPUUnavailableError,
  type WebGPUUnavailableReason,
} from './device.js';
