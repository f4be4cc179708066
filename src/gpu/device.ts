/// <reference types="@webgpu/types" />
/**
 * Adapter and device acquisition. Asks for the adapter's own limits on the figures the kernels size themselves
 * by (workgroup memory, buffer sizes, storage buffers per stage) rather than WebGPU's smaller defaults.
 */

/** What the page and the benchmark say about the adapter. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, lavapipe, llvmpipe, WARP) or a declared fallback adapter. */
  software: boolean;
}

/** Limits the kernels and the tensorized capacity check read. */
export interface KernelLimits {
  maxComputeWorkgroupStorageSize: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBuffersPerShaderStage: number;
}

/** A device with the facts the solvers need about it. */
export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  limits: KernelLimits;
  /** Validation and out-of-memory errors the device reported outside an error scope. */
  errors: string[];
  /** Set once the device is lost (driver reset, tab in the background too long…); request a new one then. */
  lost: boolean;
}

export interface DeviceRequest {
  /** "adapter" (default): the adapter's maximum for the limits above; "default": WebGPU's default limits. */
  limits?: "adapter" | "default";
  powerPreference?: GPUPowerPreference;
}

const LIMIT_NAMES = [
  "maxComputeWorkgroupStorageSize",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
] as const satisfies readonly (keyof KernelLimits)[];

/** Summarizes an adapter's identity; `software` is true for CPU rasterizers. */
export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const summary = {
    vendor: info?.vendor ?? "",
    architecture: info?.architecture ?? "",
    device: info?.device ?? "",
    description: info?.description ?? "",
  };
  const text = Object.values(summary).join(" ");
  const declaredFallback = (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
  return {
    ...summary,
    software: declaredFallback || /swiftshader|llvmpipe|lavapipe|software|warp|microsoft basic/i.test(text),
  };
}

/** Human-readable adapter name, e.g. "google swiftshader (SwiftShader driver 5.0.0; software)". */
export function adapterLabel(adapter: AdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture].filter((s) => s !== "").join(" ") || "unknown adapter";
  const notes = [adapter.description, adapter.software ? "software" : ""].filter((s) => s !== "");
  return notes.length > 0 ? `${name} (${notes.join("; ")})` : name;
}

/**
 * Requests an adapter and a device from a `GPU` object (`navigator.gpu` in a browser, `create([])` from the
 * `webgpu` package in Node). Returns undefined when no adapter is available.
 */
export async function requestGpuContext(
  gpu: GPU,
  request: DeviceRequest = {},
): Promise<GpuContext | undefined> {
  const adapter = await gpu.requestAdapter({
    powerPreference: request.powerPreference ?? "high-performance",
  });
  if (adapter === null) return undefined;
  const requiredLimits: Record<string, number> = {};
  if ((request.limits ?? "adapter") === "adapter") {
    for (const name of LIMIT_NAMES) requiredLimits[name] = adapter.limits[name];
  }
  const device = await adapter.requestDevice({ requiredLimits });
  const errors: string[] = [];
  device.addEventListener("uncapturederror", (event) => {
    errors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const limits = {} as KernelLimits;
  for (const name of LIMIT_NAMES) limits[name] = device.limits[name];
  const ctx: GpuContext = { device, adapter: summarizeAdapter(adapter), limits, errors, lost: false };
  device.lost.then(
    () => {
      ctx.lost = true;
    },
    () => undefined,
  );
  return ctx;
}
