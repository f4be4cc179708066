/// <reference types="@webgpu/types" />
/**
 * Host side of the GPU Sinkhorn solver: uploads the clouds, builds pipelines and bind groups, and runs
 * GeomLoss's symmetric log-domain Sinkhorn with ε-scaling. Each update is one compute pass holding both
 * half-steps computed from the previous potentials (row and column log-sum-exp dispatches with no dependency
 * between them), followed by the finalize dispatches. The marginal error is reduced on the GPU every k updates
 * and only its two floats are read back; the next batch is submitted before that read completes, so the GPU
 * never idles on the stopping test.
 */
import { BufferUsage, MapMode } from "./constants.ts";
import type { GpuContext, KernelLimits } from "./device.ts";
import { NEG_SENTINEL, PARAMS_WORDS, UNIFORM_SLOT_BYTES } from "./kernels/common.wgsl.ts";
import { FINALIZE_WORKGROUP_SIZE, finalizeWgsl, reduceErrorWgsl } from "./kernels/finalize.wgsl.ts";
import { type FusedLseShape, fusedLseWgsl, fusedWorkgroupBytes } from "./kernels/lse-fused.wgsl.ts";
import { ONLINE_WORKGROUP_SIZE, onlineLseWgsl } from "./kernels/lse-online.wgsl.ts";
import {
  costMatrixWgsl,
  TENSORIZED_ROWS_PER_WORKGROUP,
  TENSORIZED_WORKGROUP_SIZE,
  tensorizedColumnLseWgsl,
  tensorizedRowLseWgsl,
} from "./kernels/lse-tensorized.wgsl.ts";
import {
  atFinalEpsilon,
  checksAt,
  type MarginalErrorSample,
  type PointCloudProblem,
  type PreparedProblem,
  prepareProblem,
  type ResolvedOptions,
  resolveOptions,
  type SinkhornKernel,
  type SinkhornOptions,
  type SinkhornSolution,
  updateAt,
} from "./problem.ts";
import { dualCost } from "./reference.ts";
import { BufferSet, bindGroupLayout, computePipeline, grid, readFloats } from "./resources.ts";

const LOG2E = Math.LOG2E;
const LN2 = Math.LN2;

/** Uniform slots before the per-ε slots: error reduction, cost build, and one single half-step per side. */
const SLOT_REDUCE = 0;
const SLOT_COST = 1;
const SLOT_SINGLE = 2;
const SLOT_EPSILON = 4;

/**
 * Floating-point operations of one symmetric update (both half-steps), counted the same for every kernel so
 * GFLOP/s compare like for like: per pair and half-step, the d-term dot product (2d), scale and bias (2),
 * subtract the maximum (1), the exponential (1) and the accumulation (1).
 */
export function sinkhornFlopsPerIteration(n: number, m: number, d: number): number {
  return 2 * n * m * (2 * d + 5);
}

/** Thrown when the tensorized baseline cannot hold the n × m cost matrix on this device. */
export class CostMatrixTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
    reason = `exceeds the device's ${limit}-byte buffer limit`,
  ) {
    super(`the ${bytes}-byte cost matrix ${reason}`);
    this.name = "CostMatrixTooLargeError";
  }
}

/** Bytes of the cost matrix and whether one storage buffer on this device can hold it. */
export function tensorizedCapacity(limits: KernelLimits, n: number, m: number) {
  const bytes = n * m * 4;
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  return { bytes, limit, fits: bytes <= limit && n * m < 2 ** 32 };
}

/**
 * The fused kernel's shape for one side of a problem (`rows` updated, `cols` summed over): register blocking by
 * the number of vec4s per point (more rows per invocation when points are short), the widest tile of the other
 * cloud that fits the device's workgroup memory, then smaller tiles and fewer rows per invocation until the
 * half-step has about `target` workgroups (column splits included), so small problems still fill the device.
 */
export function chooseFusedShape(
  d4: number,
  limits: KernelLimits,
  software: boolean,
  rows: number,
  cols: number,
  target: number,
): FusedLseShape {
  const workgroupSize = Math.min(
    64,
    limits.maxComputeInvocationsPerWorkgroup,
    limits.maxComputeWorkgroupSizeX,
  );
  // Registers hold rowsPerThread · d4 vec4s of x. A GPU should keep them without spilling (≤ 32 vec4s). CPU
  // drivers spill to a stack that stays in L1 and gain more from reusing every staged y value across many rows
  // (measured on SwiftShader: 16 rows per invocation beat 4 by about 2× at d = 64).
  let rowsPerThread = software ? 16 : 8;
  const budget = software ? 256 : 32;
  while (rowsPerThread > 1 && rowsPerThread * d4 > budget) rowsPerThread /= 2;
  if (software && d4 < 4) rowsPerThread = 8;
  const colsPerChunk = d4 >= 4 ? 4 : 8;
  const bytesPerColumn = d4 * 16 + 4;
  let tileCols = 256;
  while (tileCols > colsPerChunk && tileCols * bytesPerColumn > limits.maxComputeWorkgroupStorageSize) {
    tileCols /= 2;
  }
  const workgroups = () => Math.ceil(rows / (workgroupSize * rowsPerThread)) * Math.ceil(cols / tileCols);
  while (workgroups() < target) {
    if (tileCols > 64) tileCols /= 2;
    else if (rowsPerThread > 2) rowsPerThread /= 2;
    else if (tileCols > Math.max(4 * colsPerChunk, 16)) tileCols /= 2;
    else break;
  }
  return { d4, rowsPerThread, colsPerChunk, workgroupSize, tileCols };
}

/**
 * Splits the columns among workgroups so that small problems still fill the device: a row block's columns are
 * cut into `splits` contiguous ranges of whole tiles, merged by the finalize step.
 */
export function chooseSplits(
  rows: number,
  cols: number,
  rowsPerWorkgroup: number,
  tileCols: number,
  target: number,
) {
  const rowBlocks = Math.ceil(rows / rowsPerWorkgroup);
  const tiles = Math.ceil(cols / tileCols);
  const wanted = Math.max(1, Math.min(tiles, Math.ceil(target / rowBlocks)));
  const tilesPerSplit = Math.ceil(tiles / wanted);
  return { rowBlocks, splits: Math.ceil(tiles / tilesPerSplit), colsPerSplit: tilesPerSplit * tileCols };
}

/** Configuration of a GPU solver instance. */
export interface GpuSinkhornConfig {
  kernel?: SinkhornKernel;
  /** Cost c(x, y) = costScale·‖x − y‖² (default 1). */
  costScale?: number;
  /** Overrides of the fused kernel's shape (benchmarks and tests). */
  shape?: Partial<FusedLseShape>;
  /**
   * Workgroups the fused kernel aims for per half-step: 512 on GPUs by default; 2 per core on CPU drivers,
   * where every workgroup has a fixed cost.
   */
  targetWorkgroups?: number;
}

/** A GPU solve's result: the solution plus how it ran. */
export interface GpuSinkhornResult extends SinkhornSolution {
  kernel: SinkhornKernel;
  /** Wall time of the iteration loop, submission to last completion, including the stopping reads. */
  elapsedMs: number;
  msPerIteration: number;
  /** Bytes of GPU buffers held by the solver. */
  memoryBytes: number;
  /** Scalar reads performed for the stopping rule. */
  stoppingReads: number;
}

interface Side {
  /** 0: rows (x, f), 1: columns (y, g). */
  index: 0 | 1;
  nOwn: number;
  nOther: number;
  /** ‖p‖² of each own point, from the float32 coordinates the GPU holds. */
  norms: Float64Array;
  potentials: [GPUBuffer, GPUBuffer];
  weights: GPUBuffer;
  partialMax: GPUBuffer;
  partialSum: GPUBuffer;
  splits: number;
  colsPerSplit: number;
  workgroups: [number, number];
  lseBindGroups: [GPUBindGroup, GPUBindGroup];
  finalizeBindGroups: [GPUBindGroup, GPUBindGroup];
}

/**
 * The clouds as the kernels read them: translated by their joint mean (the cost is translation invariant and
 * centred coordinates keep the shifted potentials small), rounded to float32 and padded to d4 vec4s, with the
 * squared norm of each rounded point.
 */
export function centeredFloat32(p: PreparedProblem, d4: number) {
  const mean = new Float64Array(p.d);
  for (let i = 0; i < p.n; i++)
    for (let k = 0; k < p.d; k++) mean[k] = (mean[k] ?? 0) + (p.x[i * p.d + k] ?? 0);
  for (let j = 0; j < p.m; j++)
    for (let k = 0; k < p.d; k++) mean[k] = (mean[k] ?? 0) + (p.y[j * p.d + k] ?? 0);
  for (let k = 0; k < p.d; k++) mean[k] = (mean[k] ?? 0) / (p.n + p.m);
  const pack = (src: Float64Array, count: number) => {
    const out = new Float32Array(count * d4 * 4);
    const norms = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      let norm = 0;
      for (let k = 0; k < p.d; k++) {
        const v = Math.fround((src[i * p.d + k] ?? 0) - (mean[k] ?? 0));
        out[i * d4 * 4 + k] = v;
        norm += v * v;
      }
      norms[i] = norm;
    }
    return { points: out, norms };
  };
  return { x: pack(p.x, p.n), y: pack(p.y, p.m) };
}

function log2Weights(weights: Float64Array): Float32Array<ArrayBuffer> {
  return Float32Array.from(weights, (w) => (w > 0 ? Math.log2(w) : NEG_SENTINEL));
}

/** The GPU Sinkhorn solver for one pair of clouds; reusable across solves (ε, schedules, tolerances). */
export class GpuSinkhorn {
  readonly kernel: SinkhornKernel;
  readonly problem: PreparedProblem;
  readonly costScale: number;
  /** The fused kernel's shape (undefined for the baselines). */
  readonly shape: FusedLseShape | undefined;
  readonly #ctx: GpuContext;
  readonly #buffers: BufferSet;
  readonly #sides: [Side, Side];
  readonly #pipelines: [GPUComputePipeline, GPUComputePipeline];
  readonly #finalize: GPUComputePipeline;
  readonly #reduce: GPUComputePipeline;
  readonly #reduceBindGroup: GPUBindGroup;
  readonly #errOut: GPUBuffer;
  readonly #uniformSlots: number;
  readonly #uniforms: GPUBuffer;
  readonly #paramsBindGroup: GPUBindGroup;

  private constructor(init: {
    ctx: GpuContext;
    kernel: SinkhornKernel;
    problem: PreparedProblem;
    costScale: number;
    shape: FusedLseShape | undefined;
    buffers: BufferSet;
    sides: [Side, Side];
    pipelines: [GPUComputePipeline, GPUComputePipeline];
    finalize: GPUComputePipeline;
    reduce: GPUComputePipeline;
    reduceBindGroup: GPUBindGroup;
    errOut: GPUBuffer;
    uniformSlots: number;
    uniforms: GPUBuffer;
    paramsBindGroup: GPUBindGroup;
  }) {
    this.#ctx = init.ctx;
    this.kernel = init.kernel;
    this.problem = init.problem;
    this.costScale = init.costScale;
    this.shape = init.shape;
    this.#buffers = init.buffers;
    this.#sides = init.sides;
    this.#pipelines = init.pipelines;
    this.#finalize = init.finalize;
    this.#reduce = init.reduce;
    this.#reduceBindGroup = init.reduceBindGroup;
    this.#errOut = init.errOut;
    this.#uniformSlots = init.uniformSlots;
    this.#uniforms = init.uniforms;
    this.#paramsBindGroup = init.paramsBindGroup;
  }

  /** Bytes of GPU memory this solver holds. */
  get memoryBytes(): number {
    return this.#buffers.bytes;
  }

  /**
   * Uploads a problem and compiles (or reuses) the kernels. Throws CostMatrixTooLargeError when the
   * tensorized baseline is asked for a problem whose cost matrix the device cannot hold.
   */
  static async create(
    ctx: GpuContext,
    input: PointCloudProblem,
    config: GpuSinkhornConfig = {},
  ): Promise<GpuSinkhorn> {
    const { device, limits } = ctx;
    const kernel = config.kernel ?? "fused";
    const costScale = config.costScale ?? 1;
    const problem = prepareProblem(input);
    const { n, m } = problem;
    if (kernel === "tensorized") {
      const capacity = tensorizedCapacity(limits, n, m);
      if (!capacity.fits) throw new CostMatrixTooLargeError(capacity.bytes, capacity.limit);
    }
    const d4 = Math.ceil(problem.d / 4);
    const cores =
      (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 4;
    const target = config.targetWorkgroups ?? (ctx.adapter.software ? 2 * cores : 512);
    const shapeFor = (rows: number, cols: number): FusedLseShape => {
      const chosen = chooseFusedShape(d4, limits, ctx.adapter.software, rows, cols, target);
      const shape = { ...chosen, ...config.shape, d4 };
      if (fusedWorkgroupBytes(shape) > limits.maxComputeWorkgroupStorageSize) {
        throw new Error(`fused tile of ${shape.tileCols} columns does not fit the device's workgroup memory`);
      }
      return shape;
    };
    const shapes = kernel === "fused" ? ([shapeFor(n, m), shapeFor(m, n)] as const) : undefined;

    const buffers = new BufferSet(device);
    const packed = centeredFloat32(problem, d4);
    const xBuf = buffers.storage("x", packed.x.points.byteLength, packed.x.points);
    const yBuf = buffers.storage("y", packed.y.points.byteLength, packed.y.points);
    const errTerms = buffers.storage("marginal error terms", (n + m) * 4);
    const errOut = buffers.storage("marginal error", 8);

    const paramsLayout = bindGroupLayout(device, ["uniform-dynamic"]);
    const lseLayout =
      kernel === "tensorized"
        ? bindGroupLayout(device, ["read", "read", "read", "read", "read", "write", "write"])
        : bindGroupLayout(device, ["read", "read", "read", "read", "write", "write"]);
    const finalizeLayout = bindGroupLayout(device, ["read", "read", "read", "read", "write", "write"]);
    const reduceLayout = bindGroupLayout(device, ["read", "write"]);

    const pipelinePromises: [Promise<GPUComputePipeline>, Promise<GPUComputePipeline>] =
      shapes !== undefined
        ? [
            computePipeline(device, "fused log-sum-exp", fusedLseWgsl(shapes[0]), [lseLayout, paramsLayout]),
            computePipeline(device, "fused log-sum-exp", fusedLseWgsl(shapes[1]), [lseLayout, paramsLayout]),
          ]
        : kernel === "online"
          ? [
              computePipeline(device, "online log-sum-exp", onlineLseWgsl(d4), [lseLayout, paramsLayout]),
              computePipeline(device, "online log-sum-exp", onlineLseWgsl(d4), [lseLayout, paramsLayout]),
            ]
          : [
              computePipeline(device, "tensorized rows", tensorizedRowLseWgsl(), [lseLayout, paramsLayout]),
              computePipeline(device, "tensorized columns", tensorizedColumnLseWgsl(), [
                lseLayout,
                paramsLayout,
              ]),
            ];
    const [rowPipeline, colPipeline, finalize, reduce, costPipeline] = await Promise.all([
      ...pipelinePromises,
      computePipeline(device, "finalize", finalizeWgsl(), [finalizeLayout, paramsLayout]),
      computePipeline(device, "reduce marginal error", reduceErrorWgsl(), [reduceLayout, paramsLayout]),
      kernel === "tensorized"
        ? computePipeline(device, "cost matrix", costMatrixWgsl(d4), [
            bindGroupLayout(device, ["read", "read", "write"]),
            paramsLayout,
          ])
        : Promise.resolve(undefined),
    ]);

    const sizeOf = (own: 0 | 1) => (own === 0 ? n : m);
    const sideInit = (index: 0 | 1) => {
      const nOwn = sizeOf(index);
      const nOther = sizeOf(index === 0 ? 1 : 0);
      const weights = index === 0 ? problem.a : problem.b;
      let layout: { splits: number; colsPerSplit: number; workgroups: [number, number] };
      const shape = shapes?.[index];
      if (shape !== undefined) {
        const s = chooseSplits(
          nOwn,
          nOther,
          shape.workgroupSize * shape.rowsPerThread,
          shape.tileCols,
          target,
        );
        layout = { splits: s.splits, colsPerSplit: s.colsPerSplit, workgroups: [s.rowBlocks, s.splits] };
      } else if (kernel === "online") {
        layout = {
          splits: 1,
          colsPerSplit: nOther,
          workgroups: [Math.ceil(nOwn / ONLINE_WORKGROUP_SIZE), 1],
        };
      } else {
        const blocks = Math.ceil(
          nOwn / (index === 0 ? TENSORIZED_ROWS_PER_WORKGROUP : TENSORIZED_WORKGROUP_SIZE),
        );
        layout = { splits: 1, colsPerSplit: nOther, workgroups: grid(blocks) };
      }
      const norms = index === 0 ? packed.x.norms : packed.y.norms;
      const start = Float32Array.from(norms, (v) => -costScale * v);
      const label = index === 0 ? "f" : "g";
      return {
        index,
        nOwn,
        nOther,
        norms,
        potentials: [
          buffers.storage(`${label} (even)`, nOwn * 4, start),
          buffers.storage(`${label} (odd)`, nOwn * 4),
        ] as [GPUBuffer, GPUBuffer],
        weights: buffers.storage(`${label} weights`, nOwn * 4, Float32Array.from(weights)),
        log2Weights: buffers.storage(`${label} log2 weights`, nOwn * 4, log2Weights(weights)),
        normBuffer: buffers.storage(`${label} norms`, nOwn * 4, Float32Array.from(norms)),
        partialMax: buffers.storage(`${label} partial max`, nOwn * layout.splits * 4),
        partialSum: buffers.storage(`${label} partial sum`, nOwn * layout.splits * 4),
        ...layout,
      };
    };
    const rows = sideInit(0);
    const cols = sideInit(1);
    let costBuffer: GPUBuffer | undefined;
    if (kernel === "tensorized") {
      device.pushErrorScope("out-of-memory");
      costBuffer = buffers.storage("cost matrix", n * m * 4);
      if ((await device.popErrorScope()) !== null) {
        buffers.destroy();
        const { bytes, limit } = tensorizedCapacity(limits, n, m);
        throw new CostMatrixTooLargeError(
          bytes,
          limit,
          "could not be allocated on this device (out of memory)",
        );
      }
    }

    const bind = (layout: GPUBindGroupLayout, resources: GPUBuffer[], label: string) =>
      device.createBindGroup({
        label,
        layout,
        entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
    const points = [xBuf, yBuf] as const;
    const makeSide = (own: typeof rows, other: typeof rows): Side => {
      const lse = (parity: 0 | 1) =>
        kernel === "tensorized" && costBuffer !== undefined
          ? bind(
              lseLayout,
              [
                costBuffer,
                other.potentials[parity],
                other.log2Weights,
                other.normBuffer,
                own.normBuffer,
                own.partialMax,
                own.partialSum,
              ],
              "tensorized half-step",
            )
          : bind(
              lseLayout,
              [
                points[own.index],
                points[other.index],
                other.potentials[parity],
                other.log2Weights,
                own.partialMax,
                own.partialSum,
              ],
              "half-step",
            );
      const fin = (parity: 0 | 1) =>
        bind(
          finalizeLayout,
          [
            own.partialMax,
            own.partialSum,
            own.potentials[parity],
            own.weights,
            own.potentials[parity === 0 ? 1 : 0],
            errTerms,
          ],
          "finalize",
        );
      return {
        index: own.index,
        nOwn: own.nOwn,
        nOther: own.nOther,
        norms: own.norms,
        potentials: own.potentials,
        weights: own.weights,
        partialMax: own.partialMax,
        partialSum: own.partialSum,
        splits: own.splits,
        colsPerSplit: own.colsPerSplit,
        workgroups: own.workgroups,
        lseBindGroups: [lse(0), lse(1)],
        finalizeBindGroups: [fin(0), fin(1)],
      };
    };

    const uniformSlots = SLOT_EPSILON + 2 * 64;
    const uniforms = buffers.create(
      "params",
      uniformSlots * UNIFORM_SLOT_BYTES,
      BufferUsage.UNIFORM | BufferUsage.COPY_DST,
    );
    const paramsBindGroup = device.createBindGroup({
      label: "params",
      layout: paramsLayout,
      entries: [{ binding: 0, resource: { buffer: uniforms, size: PARAMS_WORDS * 4 } }],
    });
    const solver = new GpuSinkhorn({
      ctx,
      kernel,
      problem,
      costScale,
      shape: shapes?.[0],
      buffers,
      sides: [makeSide(rows, cols), makeSide(cols, rows)],
      pipelines: [rowPipeline, colPipeline],
      finalize,
      reduce,
      reduceBindGroup: bind(reduceLayout, [errTerms, errOut], "reduce"),
      errOut,
      uniformSlots,
      uniforms,
      paramsBindGroup,
    });
    solver.#writeParams(SLOT_REDUCE, solver.#sides[0], 1, 0);
    if (costPipeline !== undefined && costBuffer !== undefined) {
      solver.#writeParams(SLOT_COST, solver.#sides[0], 1, 0);
      const encoder = device.createCommandEncoder({ label: "cost matrix" });
      const pass = encoder.beginComputePass();
      pass.setPipeline(costPipeline);
      pass.setBindGroup(
        0,
        bind(bindGroupLayout(device, ["read", "read", "write"]), [xBuf, yBuf, costBuffer], "cost"),
      );
      pass.setBindGroup(1, paramsBindGroup, [SLOT_COST * UNIFORM_SLOT_BYTES]);
      pass.dispatchWorkgroups(...grid(Math.ceil((n * m) / TENSORIZED_WORKGROUP_SIZE)));
      pass.end();
      device.queue.submit([encoder.finish()]);
    }
    await device.queue.onSubmittedWorkDone();
    solver.#throwDeviceErrors();
    return solver;
  }

  /** Writes one uniform slot for a side at ε with the given damping. */
  #writeParams(slot: number, side: Side, epsilon: number, damping: number): void {
    const words = new ArrayBuffer(PARAMS_WORDS * 4);
    const u32 = new Uint32Array(words);
    const f32 = new Float32Array(words);
    u32[0] = side.nOwn;
    u32[1] = side.nOther;
    u32[2] = side.colsPerSplit;
    u32[3] = side.index === 0 ? 0 : this.problem.n;
    f32[4] = (2 * this.costScale * LOG2E) / epsilon;
    f32[5] = LOG2E / epsilon;
    f32[6] = -epsilon * LN2;
    f32[7] = damping;
    f32[8] = this.costScale;
    u32[9] = side.splits;
    this.#ctx.device.queue.writeBuffer(this.#uniforms, slot * UNIFORM_SLOT_BYTES, words);
  }

  #throwDeviceErrors(): void {
    const errors = this.#ctx.errors.splice(0);
    if (errors.length > 0) throw new Error(`WebGPU reported: ${errors.join("; ")}`);
  }

  /** Records the two log-sum-exp dispatches of one side (or both), then the finalize dispatches. */
  #encodeUpdate(
    pass: GPUComputePassEncoder,
    parity: 0 | 1,
    slotOf: (side: Side) => number,
    sides: Side[],
  ): void {
    for (const side of sides) {
      pass.setPipeline(this.#pipelines[side.index]);
      pass.setBindGroup(0, side.lseBindGroups[parity]);
      pass.setBindGroup(1, this.#paramsBindGroup, [slotOf(side) * UNIFORM_SLOT_BYTES]);
      pass.dispatchWorkgroups(side.workgroups[0], side.workgroups[1]);
    }
    pass.setPipeline(this.#finalize);
    for (const side of sides) {
      pass.setBindGroup(0, side.finalizeBindGroups[parity]);
      pass.setBindGroup(1, this.#paramsBindGroup, [slotOf(side) * UNIFORM_SLOT_BYTES]);
      pass.dispatchWorkgroups(Math.ceil(side.nOwn / FINALIZE_WORKGROUP_SIZE));
    }
  }

  /**
   * One half-step from a given real potential of the other side: returns T(otherPotential) for the own side
   * (`rows`: f from g; `columns`: g from f), in float64 cost units. For kernel-level checks.
   */
  async halfStep(which: "rows" | "columns", otherPotential: ArrayLike<number>, epsilon: number) {
    const own = this.#sides[which === "rows" ? 0 : 1];
    const other = this.#sides[which === "rows" ? 1 : 0];
    const { device } = this.#ctx;
    if (otherPotential.length !== other.nOwn) {
      throw new Error(`potential has ${otherPotential.length} values; expected ${other.nOwn}`);
    }
    const shifted = new Float32Array(other.nOwn);
    for (let j = 0; j < other.nOwn; j++) {
      shifted[j] = (otherPotential[j] ?? 0) - this.costScale * (other.norms[j] ?? 0);
    }
    device.queue.writeBuffer(other.potentials[0], 0, shifted);
    this.#writeParams(SLOT_SINGLE + own.index, own, epsilon, 0);
    const encoder = device.createCommandEncoder({ label: "half-step" });
    const pass = encoder.beginComputePass();
    this.#encodeUpdate(pass, 0, () => SLOT_SINGLE + own.index, [own]);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const result = await readFloats(device, own.potentials[1], own.nOwn * 4);
    this.#throwDeviceErrors();
    return Float64Array.from(result, (v, i) => v + this.costScale * (own.norms[i] ?? 0));
  }

  /**
   * Runs the symmetric Sinkhorn loop from zero potentials. `onProgress` sees each marginal error read while
   * iterating at the final ε (annealing-phase samples arrive with the result).
   */
  async solve(
    options: SinkhornOptions,
    onProgress?: (sample: MarginalErrorSample) => void,
  ): Promise<GpuSinkhornResult> {
    const { device } = this.#ctx;
    const resolved = resolveOptions(this.problem, { costScale: this.costScale, ...options });
    if (resolved.costScale !== this.costScale)
      throw new Error("costScale is fixed when the solver is created");
    const epsilonSlots = resolved.schedule.length + 1;
    if (SLOT_EPSILON + 2 * epsilonSlots > this.#uniformSlots) {
      throw new Error(
        `schedule of ${resolved.schedule.length} steps is too long (at most ${this.#uniformSlots})`,
      );
    }
    for (let e = 0; e < epsilonSlots; e++) {
      const { epsilon, damping } = updateAt(resolved.schedule, e);
      for (const side of this.#sides)
        this.#writeParams(SLOT_EPSILON + 2 * e + side.index, side, epsilon, damping);
    }
    for (const side of this.#sides) {
      const initial = side.index === 0 ? options.initial?.f : options.initial?.g;
      if (initial !== undefined && initial.length !== side.nOwn) {
        throw new Error(`initial potential has ${initial.length} values; expected ${side.nOwn}`);
      }
      const start = Float32Array.from(side.norms, (v, i) => (initial?.[i] ?? 0) - this.costScale * v);
      device.queue.writeBuffer(side.potentials[0], 0, start);
    }
    const maxChecks =
      resolved.checkEvery > 0 ? Math.ceil(resolved.maxIterations / resolved.checkEvery) + 1 : 1;
    const history = device.createBuffer({
      label: "marginal error history",
      size: Math.max(16, maxChecks * 8),
      usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
    });
    const loop = await this.#iterate(resolved, history, onProgress);
    history.destroy();
    this.#throwDeviceErrors();
    const parity = (loop.iterations % 2) as 0 | 1;
    const [fHat, gHat] = await Promise.all(
      this.#sides.map((side) => readFloats(device, side.potentials[parity], side.nOwn * 4)),
    );
    const unshift = (values: Float32Array | undefined, side: Side) =>
      Float64Array.from(values ?? [], (v, i) => v + this.costScale * (side.norms[i] ?? 0));
    const f = unshift(fHat, this.#sides[0]);
    const g = unshift(gHat, this.#sides[1]);
    return {
      f,
      g,
      iterations: loop.iterations,
      schedule: resolved.schedule,
      errors: loop.errors,
      converged: loop.converged,
      dualCost: dualCost(this.problem, f, g),
      kernel: this.kernel,
      elapsedMs: loop.elapsedMs,
      msPerIteration: loop.elapsedMs / Math.max(1, loop.iterations),
      memoryBytes: this.memoryBytes,
      stoppingReads: loop.stoppingReads,
    };
  }

  async #iterate(
    resolved: ResolvedOptions,
    history: GPUBuffer,
    onProgress: ((sample: MarginalErrorSample) => void) | undefined,
  ) {
    const { device } = this.#ctx;
    const sides = [...this.#sides];
    const spare: GPUBuffer[] = [];
    const pending: { buffer: GPUBuffer; mapped: Promise<undefined>; iteration: number; epsilon: number }[] =
      [];
    const checks: { iteration: number; epsilon: number }[] = [];
    const batchSize = resolved.checkEvery > 0 ? resolved.checkEvery : 10;
    let converged = false;
    let stop = false;
    let stoppingReads = 0;
    let k = 0;

    const settle = async () => {
      const oldest = pending.shift();
      if (oldest === undefined) return;
      await oldest.mapped;
      const [rowError = 0, columnError = 0] = new Float32Array(oldest.buffer.getMappedRange(0, 8));
      oldest.buffer.unmap();
      spare.push(oldest.buffer);
      stoppingReads++;
      const sample = { iteration: oldest.iteration, epsilon: oldest.epsilon, rowError, columnError };
      onProgress?.(sample);
      if (!stop && rowError + columnError <= resolved.tolerance) {
        converged = true;
        stop = true;
      }
    };

    const started = performance.now();
    while (k < resolved.maxIterations && !stop) {
      const encoder = device.createCommandEncoder({ label: "sinkhorn updates" });
      let pass: GPUComputePassEncoder | undefined;
      let readback: { buffer: GPUBuffer; iteration: number; epsilon: number } | undefined;
      for (
        let batch = 0;
        batch < batchSize && k < resolved.maxIterations && readback === undefined;
        batch++, k++
      ) {
        const { slot, epsilon } = updateAt(resolved.schedule, k);
        pass ??= encoder.beginComputePass({ label: "sinkhorn update" });
        this.#encodeUpdate(pass, (k % 2) as 0 | 1, (side) => SLOT_EPSILON + 2 * slot + side.index, sides);
        if (!checksAt(resolved, k)) continue;
        pass.setPipeline(this.#reduce);
        pass.setBindGroup(0, this.#reduceBindGroup);
        pass.setBindGroup(1, this.#paramsBindGroup, [SLOT_REDUCE * UNIFORM_SLOT_BYTES]);
        pass.dispatchWorkgroups(1);
        pass.end();
        pass = undefined;
        encoder.copyBufferToBuffer(this.#errOut, 0, history, checks.length * 8, 8);
        checks.push({ iteration: k, epsilon });
        if (atFinalEpsilon(resolved, k) && resolved.tolerance > 0) {
          const buffer =
            spare.pop() ??
            device.createBuffer({
              label: "stopping read",
              size: 16,
              usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
            });
          encoder.copyBufferToBuffer(this.#errOut, 0, buffer, 0, 8);
          readback = { buffer, iteration: k, epsilon };
        }
      }
      pass?.end();
      device.queue.submit([encoder.finish()]);
      if (readback !== undefined) {
        pending.push({ ...readback, mapped: readback.buffer.mapAsync(MapMode.READ) });
      }
      // Keep one batch in flight while the previous batch's error is read.
      while (pending.length > 1 || (pending.length > 0 && k >= resolved.maxIterations)) await settle();
    }
    while (pending.length > 0) await settle();
    await device.queue.onSubmittedWorkDone();
    const elapsedMs = performance.now() - started;
    for (const buffer of spare) buffer.destroy();

    const errors: MarginalErrorSample[] = [];
    if (checks.length > 0) {
      const values = await readFloats(device, history, checks.length * 8);
      checks.forEach((check, c) => {
        errors.push({ ...check, rowError: values[2 * c] ?? 0, columnError: values[2 * c + 1] ?? 0 });
      });
    }
    return { iterations: k, errors, converged, elapsedMs, stoppingReads };
  }

  /** Releases the GPU buffers. */
  destroy(): void {
    this.#buffers.destroy();
  }
}

/** Uploads, solves and releases in one call. */
export async function solveSinkhornGpu(
  ctx: GpuContext,
  problem: PointCloudProblem,
  options: SinkhornOptions & GpuSinkhornConfig,
  onProgress?: (sample: MarginalErrorSample) => void,
): Promise<GpuSinkhornResult> {
  const solver = await GpuSinkhorn.create(ctx, problem, options);
  try {
    return await solver.solve(options, onProgress);
  } finally {
    solver.destroy();
  }
}
