/// <reference types="@webgpu/types" />
/**
 * Attention and transport-plan application on the GPU, and the check that scaled dot-product attention is the
 * solution of a one-sided entropic OT problem: with cost c(q, k) = ½‖q − k‖², ε = √d and the key potential
 * g_j = ½‖k_j‖² (so that only −q·k/ε survives in the exponent), one f-half-step of Sinkhorn gives the plan
 * P_ij = a_i·softmax_j(q_i·k_j/√d): its rows sum to a (the constraint that is enforced) while its columns are
 * left free. Hence softmax(QKᵀ/√d)V = diag(a)⁻¹·P·V, which `oneSidedTransportGpu` verifies numerically.
 */
import { BufferUsage } from "./constants.ts";
import type { GpuContext, KernelLimits } from "./device.ts";
import { NEG_SENTINEL, PARAMS_WORDS } from "./kernels/common.wgsl.ts";
import {
  type WeightedSumOutput,
  type WeightedSumShape,
  weightedSumBytesPerColumn,
  weightedSumWgsl,
} from "./kernels/weighted-sum.wgsl.ts";
import { type NumberArray, type PointCloudProblem, prepareProblem } from "./problem.ts";
import { relativeMaxError } from "./reference.ts";
import { BufferSet, bindGroupLayout, computePipeline, readFloats } from "./resources.ts";
import { centeredFloat32, GpuSinkhorn } from "./sinkhorn.ts";

/** Queries Q (n × d), keys K (m × d) and values V (m × dv), row-major. */
export interface AttentionProblem {
  n: number;
  m: number;
  d: number;
  dv: number;
  q: NumberArray;
  k: NumberArray;
  v: NumberArray;
}

export interface WeightedSumRun {
  /** n × dv output, row-major. */
  output: Float64Array;
  /** Natural log of each row's Σ_j 2^{t_ij} (for attention: log Σ_j exp(q_i·k_j/√d)). */
  logSumExp: Float64Array;
  elapsedMs: number;
  memoryBytes: number;
  shape: WeightedSumShape;
}

/** Shape of the weighted-sum kernel: register blocking bounded by the query and output rows held. */
export function chooseWeightedSumShape(
  d4: number,
  dv4: number,
  limits: KernelLimits,
  software: boolean,
  output: WeightedSumOutput,
): WeightedSumShape {
  const workgroupSize = Math.min(
    64,
    limits.maxComputeInvocationsPerWorkgroup,
    limits.maxComputeWorkgroupSizeX,
  );
  const budget = software ? 128 : 32;
  let rowsPerThread = 8;
  while (rowsPerThread > 1 && rowsPerThread * (d4 + dv4) > budget) rowsPerThread /= 2;
  const colsPerChunk = 4;
  let tileCols = 128;
  while (
    tileCols > colsPerChunk &&
    tileCols * weightedSumBytesPerColumn(d4, dv4) > limits.maxComputeWorkgroupStorageSize
  ) {
    tileCols /= 2;
  }
  return { d4, dv4, rowsPerThread, colsPerChunk, workgroupSize, tileCols, output };
}

function pad(values: NumberArray, rows: number, cols: number, name: string): Float32Array<ArrayBuffer> {
  if (values.length !== rows * cols)
    throw new Error(`${name} has ${values.length} values; expected ${rows * cols}`);
  const cols4 = Math.ceil(cols / 4) * 4;
  const out = new Float32Array(rows * cols4);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      const v = values[i * cols + c] ?? 0;
      if (!Number.isFinite(v)) throw new Error(`${name}[${i * cols + c}] is not a finite number`);
      out[i * cols4 + c] = v;
    }
  }
  return out;
}

interface WeightedSumInput {
  nOwn: number;
  nOther: number;
  /** Points padded to d4 vec4s. */
  own: Float32Array<ArrayBuffer>;
  other: Float32Array<ArrayBuffer>;
  d4: number;
  /** Values padded to dv4 vec4s. */
  values: Float32Array<ArrayBuffer>;
  dv: number;
  bias: Float32Array<ArrayBuffer>;
  ownLogScale: Float32Array<ArrayBuffer>;
  dotScale: number;
  output: WeightedSumOutput;
}

async function runWeightedSum(ctx: GpuContext, input: WeightedSumInput): Promise<WeightedSumRun> {
  const { device, limits } = ctx;
  const dv4 = Math.ceil(input.dv / 4);
  const shape = chooseWeightedSumShape(input.d4, dv4, limits, ctx.adapter.software, input.output);
  const layout = bindGroupLayout(device, ["read", "read", "read", "read", "read", "write", "write"]);
  const paramsLayout = bindGroupLayout(device, ["uniform-dynamic"]);
  const pipeline = await computePipeline(device, `weighted sum (${input.output})`, weightedSumWgsl(shape), [
    layout,
    paramsLayout,
  ]);
  const buffers = new BufferSet(device);
  try {
    const outBuffer = buffers.storage("output", input.nOwn * dv4 * 16);
    const statsBuffer = buffers.storage("row stats", input.nOwn * 8);
    const bindGroup = device.createBindGroup({
      layout,
      entries: [
        buffers.storage("own", input.own.byteLength, input.own),
        buffers.storage("other", input.other.byteLength, input.other),
        buffers.storage("bias", input.bias.byteLength, input.bias),
        buffers.storage("values", input.values.byteLength, input.values),
        buffers.storage("own log scale", input.ownLogScale.byteLength, input.ownLogScale),
        outBuffer,
        statsBuffer,
      ].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const params = new ArrayBuffer(PARAMS_WORDS * 4);
    const u32 = new Uint32Array(params);
    const f32 = new Float32Array(params);
    u32[0] = input.nOwn;
    u32[1] = input.nOther;
    f32[4] = input.dotScale;
    const uniforms = buffers.create("params", 256, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    device.queue.writeBuffer(uniforms, 0, params);
    const paramsGroup = device.createBindGroup({
      layout: paramsLayout,
      entries: [{ binding: 0, resource: { buffer: uniforms, size: PARAMS_WORDS * 4 } }],
    });
    await device.queue.onSubmittedWorkDone();
    const started = performance.now();
    const encoder = device.createCommandEncoder({ label: "weighted sum" });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.setBindGroup(1, paramsGroup, [0]);
    pass.dispatchWorkgroups(Math.ceil(input.nOwn / (shape.workgroupSize * shape.rowsPerThread)));
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const elapsedMs = performance.now() - started;
    const [padded, stats] = await Promise.all([
      readFloats(device, outBuffer, input.nOwn * dv4 * 16),
      readFloats(device, statsBuffer, input.nOwn * 8),
    ]);
    const errors = ctx.errors.splice(0);
    if (errors.length > 0) throw new Error(`WebGPU reported: ${errors.join("; ")}`);
    const output = new Float64Array(input.nOwn * input.dv);
    const logSumExp = new Float64Array(input.nOwn);
    for (let i = 0; i < input.nOwn; i++) {
      for (let c = 0; c < input.dv; c++) output[i * input.dv + c] = padded[i * dv4 * 4 + c] ?? 0;
      logSumExp[i] = ((stats[2 * i] ?? 0) + Math.log2(stats[2 * i + 1] ?? 0)) * Math.LN2;
    }
    return { output, logSumExp, elapsedMs, memoryBytes: buffers.bytes, shape };
  } finally {
    buffers.destroy();
  }
}

/** Floating-point operations of one attention evaluation, for GFLOP/s figures (exp counted as one). */
export function attentionFlops(n: number, m: number, d: number, dv: number): number {
  return n * m * (2 * d + 2 * dv + 5);
}

/** softmax(Q Kᵀ / √d) V on the GPU with the fused tiled kernel. */
export async function attentionGpu(ctx: GpuContext, problem: AttentionProblem): Promise<WeightedSumRun> {
  const { n, m, d, dv } = problem;
  for (const [name, value] of Object.entries({ n, m, d, dv })) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  return runWeightedSum(ctx, {
    nOwn: n,
    nOther: m,
    own: pad(problem.q, n, d, "q"),
    other: pad(problem.k, m, d, "k"),
    d4: Math.ceil(d / 4),
    values: pad(problem.v, m, dv, "v"),
    dv,
    bias: new Float32Array(m),
    ownLogScale: new Float32Array(n),
    dotScale: Math.LOG2E / Math.sqrt(d),
    output: "softmax",
  });
}

/**
 * P·V for the plan of real potentials (f, g) at ε, P_ij = a_i·b_j·exp((f_i + g_j − C_ij)/ε) with
 * C = costScale·‖x − y‖², computed tile by tile without forming P. V is m × dv row-major; returns n × dv.
 */
export async function applyPlanGpu(
  ctx: GpuContext,
  input: PointCloudProblem,
  potentials: { f: ArrayLike<number>; g: ArrayLike<number> },
  epsilon: number,
  costScale: number,
  values: NumberArray,
  dv: number,
): Promise<WeightedSumRun> {
  const p = prepareProblem(input);
  const d4 = Math.ceil(p.d / 4);
  const packed = centeredFloat32(p, d4);
  const toLog2 = (potential: ArrayLike<number>, norms: Float64Array, weights: Float64Array) =>
    Float32Array.from(norms, (norm, i) => {
      const w = weights[i] ?? 0;
      return w > 0
        ? (((potential[i] ?? 0) - costScale * norm) * Math.LOG2E) / epsilon + Math.log2(w)
        : NEG_SENTINEL;
    });
  return runWeightedSum(ctx, {
    nOwn: p.n,
    nOther: p.m,
    own: packed.x.points,
    other: packed.y.points,
    d4,
    values: pad(values, p.m, dv, "values"),
    dv,
    bias: toLog2(potentials.g, packed.y.norms, p.b),
    ownLogScale: toLog2(potentials.f, packed.x.norms, p.a),
    dotScale: (2 * costScale * Math.LOG2E) / epsilon,
    output: "plan",
  });
}

/** The outcome of checking attention against the one-sided entropic OT plan. */
export interface OneSidedTransportCheck {
  /** softmax(QKᵀ/√d)V from the attention kernel. */
  attention: Float64Array;
  /** diag(a)⁻¹·P·V from a Sinkhorn f-half-step and the plan-application kernel. */
  transport: Float64Array;
  /** max |attention − transport| / max |attention|. */
  difference: number;
  /** Σ_i |(P1)_i − a_i|: enforced, so at rounding level. */
  rowMarginalError: number;
  /** Σ_j |(Pᵀ1)_j − b_j|: left free, so generally far from 0. */
  columnMarginalError: number;
  /** The potentials of the plan: f = one half-step from g, g_j = ½‖k_j‖². */
  f: Float64Array;
  g: Float64Array;
  epsilon: number;
  attentionMs: number;
}

/**
 * Computes attention twice — directly, and as the one-sided entropic OT plan applied to V — and reports how
 * far apart they are and the plan's marginal errors. (The float64 comparison is the caller's: in the page it
 * runs in a worker.)
 */
export async function oneSidedTransportGpu(
  ctx: GpuContext,
  problem: AttentionProblem,
): Promise<OneSidedTransportCheck> {
  const { n, m, d, dv } = problem;
  const attention = await attentionGpu(ctx, problem);
  const epsilon = Math.sqrt(d);
  const costScale = 0.5;
  const clouds: PointCloudProblem = { n, m, d, x: problem.q, y: problem.k };
  const g = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let norm = 0;
    for (let c = 0; c < d; c++) norm += (problem.k[j * d + c] ?? 0) ** 2;
    g[j] = 0.5 * norm;
  }
  const solver = await GpuSinkhorn.create(ctx, clouds, { costScale });
  let f: Float64Array;
  try {
    f = await solver.halfStep("rows", g, epsilon);
  } finally {
    solver.destroy();
  }
  const plan = await applyPlanGpu(ctx, clouds, { f, g }, epsilon, costScale, problem.v, dv);
  const transport = plan.output.map((v) => v * n);
  const rows = await applyPlanGpu(ctx, clouds, { f, g }, epsilon, costScale, new Float32Array(m).fill(1), 1);
  const transposed: PointCloudProblem = { n: m, m: n, d, x: problem.k, y: problem.q };
  const cols = await applyPlanGpu(
    ctx,
    transposed,
    { f: g, g: f },
    epsilon,
    costScale,
    new Float32Array(n).fill(1),
    1,
  );
  let rowMarginalError = 0;
  for (let i = 0; i < n; i++) rowMarginalError += Math.abs((rows.output[i] ?? 0) - 1 / n);
  let columnMarginalError = 0;
  for (let j = 0; j < m; j++) columnMarginalError += Math.abs((cols.output[j] ?? 0) - 1 / m);
  return {
    attention: attention.output,
    transport,
    difference: relativeMaxError(transport, attention.output),
    rowMarginalError,
    columnMarginalError,
    f,
    g,
    epsilon,
    attentionMs: attention.elapsedMs,
  };
}
