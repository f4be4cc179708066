/**
 * The WebGPU bundle's public surface: fused log-domain Sinkhorn with its two baselines, attention and
 * transport-plan application, the float64 references, and the sample problems. Runtime-agnostic: give it a
 * `GPU` (navigator.gpu, or Dawn's `create([])` in Node).
 */
export {
  type AttentionProblem,
  applyPlanGpu,
  attentionFlops,
  attentionGpu,
  type OneSidedTransportCheck,
  oneSidedTransportGpu,
  type WeightedSumRun,
} from "./attention.ts";
export {
  type AdapterSummary,
  adapterLabel,
  type DeviceRequest,
  type GpuContext,
  type KernelLimits,
  requestGpuContext,
} from "./device.ts";
export {
  boundingDiameter,
  epsilonSchedule,
  type MarginalErrorSample,
  type PointCloudProblem,
  type PreparedProblem,
  prepareProblem,
  type SinkhornKernel,
  type SinkhornOptions,
  type SinkhornSolution,
} from "./problem.ts";
export {
  applyPlanReference,
  attentionReference,
  canonicalGauge,
  halfStepReference,
  potentialError,
  relativeMaxError,
  sinkhornReference,
  transportPlan,
} from "./reference.ts";
export { sampleAttention, sampleClouds, seededRandom } from "./samples.ts";
export {
  CostMatrixTooLargeError,
  GpuSinkhorn,
  type GpuSinkhornConfig,
  type GpuSinkhornResult,
  sinkhornFlopsPerIteration,
  solveSinkhornGpu,
  tensorizedCapacity,
} from "./sinkhorn.ts";
