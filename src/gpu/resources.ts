/// <reference types="@webgpu/types" />
/**
 * Buffers, bind group layouts and compiled pipelines: the plumbing every solver shares.
 */
import { BufferUsage, MapMode, ShaderStage } from "./constants.ts";

/** Binding kinds of a compute bind group layout, in binding order. */
export type BindingKind = "read" | "write" | "uniform-dynamic";

const layoutCache = new WeakMap<GPUDevice, Map<string, GPUBindGroupLayout>>();
const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/** A bind group layout for compute, cached per device by its binding kinds. */
export function bindGroupLayout(device: GPUDevice, kinds: readonly BindingKind[]): GPUBindGroupLayout {
  let perDevice = layoutCache.get(device);
  if (perDevice === undefined) {
    perDevice = new Map();
    layoutCache.set(device, perDevice);
  }
  const key = kinds.join(",");
  const cached = perDevice.get(key);
  if (cached !== undefined) return cached;
  const layout = device.createBindGroupLayout({
    label: key,
    entries: kinds.map((kind, binding) => ({
      binding,
      visibility: ShaderStage.COMPUTE,
      buffer:
        kind === "uniform-dynamic"
          ? { type: "uniform", hasDynamicOffset: true }
          : { type: kind === "read" ? "read-only-storage" : "storage" },
    })),
  });
  perDevice.set(key, layout);
  return layout;
}

/**
 * Compiles a compute pipeline (asynchronously, so a page never stalls on it), cached per device by label and
 * source. A WGSL error is rethrown with the compiler's messages.
 */
export function computePipeline(
  device: GPUDevice,
  label: string,
  code: string,
  layouts: readonly GPUBindGroupLayout[],
): Promise<GPUComputePipeline> {
  let perDevice = pipelineCache.get(device);
  if (perDevice === undefined) {
    perDevice = new Map();
    pipelineCache.set(device, perDevice);
  }
  const key = `${label}\n${code}`;
  const cached = perDevice.get(key);
  if (cached !== undefined) return cached;
  const module = device.createShaderModule({ label, code });
  const pipeline = device
    .createComputePipelineAsync({
      label,
      layout: device.createPipelineLayout({ label, bindGroupLayouts: [...layouts] }),
      compute: { module, entryPoint: "main" },
    })
    .catch(async (error: unknown) => {
      perDevice.delete(key);
      const info = await module.getCompilationInfo();
      const messages = info.messages
        .map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`)
        .join("\n");
      throw new Error(`compiling ${label} failed: ${String(error)}${messages ? `\n${messages}` : ""}`);
    });
  perDevice.set(key, pipeline);
  return pipeline;
}

/** Owns the buffers of one solver and counts the bytes they hold. */
export class BufferSet {
  readonly #device: GPUDevice;
  readonly #buffers: GPUBuffer[] = [];
  #bytes = 0;

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /** Bytes held by the buffers created so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** A storage buffer (copyable both ways), optionally initialized. Sizes are rounded up to 16 bytes. */
  storage(
    label: string,
    bytes: number,
    init?: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
  ): GPUBuffer {
    return this.create(label, bytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, init);
  }

  create(
    label: string,
    bytes: number,
    usage: number,
    init?: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
  ): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const buffer = this.#device.createBuffer({ label, size, usage });
    this.#buffers.push(buffer);
    this.#bytes += size;
    if (init !== undefined) this.#device.queue.writeBuffer(buffer, 0, init);
    return buffer;
  }

  destroy(): void {
    for (const buffer of this.#buffers) buffer.destroy();
    this.#buffers.length = 0;
    this.#bytes = 0;
  }
}

/** Copies `bytes` from a buffer into a fresh mappable buffer and returns them as float32. */
export async function readFloats(device: GPUDevice, source: GPUBuffer, bytes: number, offset = 0) {
  const staging = device.createBuffer({
    label: "readback",
    size: Math.max(16, Math.ceil(bytes / 16) * 16),
    usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, offset, staging, 0, Math.ceil(bytes / 4) * 4);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MapMode.READ);
    return new Float32Array(staging.getMappedRange().slice(0, bytes));
  } finally {
    staging.destroy();
  }
}

/** Splits a 1-D workgroup count into a grid within maxComputeWorkgroupsPerDimension. */
export function grid(workgroups: number, perDimension = 65535): [number, number] {
  if (workgroups <= perDimension) return [Math.max(1, workgroups), 1];
  return [perDimension, Math.ceil(workgroups / perDimension)];
}
