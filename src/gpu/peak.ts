/// <reference types="@webgpu/types" />
/**
 * Measured FP32 peak of an adapter. WebGPU does not say how many cores or what clock an adapter has, so the
 * benchmark's "fraction of peak" is relative to what a pure multiply-add kernel achieves on the same device.
 */
import { BufferUsage } from "./constants.ts";
import type { GpuContext } from "./device.ts";
import { PEAK_CHAINS, PEAK_UNROLL, PEAK_WORKGROUP_SIZE, peakWgsl } from "./kernels/peak.wgsl.ts";
import { BufferSet, bindGroupLayout, computePipeline } from "./resources.ts";

/** GFLOP/s of the multiply-add probe, doubling the work until one run lasts at least `minMs`. */
export async function measurePeakGflops(ctx: GpuContext, minMs = 150): Promise<number> {
  const { device } = ctx;
  const layout = bindGroupLayout(device, ["read", "write"]);
  const pipeline = await computePipeline(device, "fp32 peak probe", peakWgsl(), [layout]);
  const workgroups = ctx.adapter.software ? 64 : 4096;
  const buffers = new BufferSet(device);
  try {
    const probe = buffers.create("probe", 48, BufferUsage.STORAGE | BufferUsage.COPY_DST);
    const sink = buffers.storage("sink", workgroups * PEAK_WORKGROUP_SIZE * 16);
    const bindGroup = device.createBindGroup({
      layout,
      entries: [probe, sink].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    let iterations = 256;
    for (;;) {
      const words = new ArrayBuffer(48);
      new Uint32Array(words, 0, 4).set([iterations, 0, 0, 0]);
      new Float32Array(words, 16, 8).set([0.999, 0.999, 0.999, 0.999, 1e-3, 1e-3, 1e-3, 1e-3]);
      device.queue.writeBuffer(probe, 0, words);
      await device.queue.onSubmittedWorkDone();
      const started = performance.now();
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(workgroups);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      const ms = performance.now() - started;
      if (ms >= minMs || iterations >= 2 ** 24) {
        const flops = workgroups * PEAK_WORKGROUP_SIZE * iterations * PEAK_UNROLL * PEAK_CHAINS * 4 * 2;
        return flops / ms / 1e6;
      }
      iterations *= ms > 0 ? Math.min(16, Math.max(2, Math.ceil(minMs / ms))) : 16;
    }
  } finally {
    buffers.destroy();
  }
}
