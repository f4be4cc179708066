import { f32Literal, PARAMS_STRUCT, RUNNING_MAX_INIT } from "./common.wgsl.ts";

/** Invocations per workgroup for the cost build and the tensorized reductions. */
export const TENSORIZED_WORKGROUP_SIZE = 64;
/** Workgroups per grid row when a 1-D launch is folded into two dimensions (WebGPU allows 65535 per axis). */
export const GRID_ROW = 65535;

/**
 * Materializes the cost matrix once: cost[i·m + j] = c·‖x_i − y_j‖² (row-major n × m, float32), from the
 * direct difference of coordinates (no cancellation).
 */
export function costMatrixWgsl(d4: number): string {
  return /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> xPoints: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> yPoints: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> cost: array<f32>;
@group(1) @binding(0) var<uniform> params: Params;

const D4: u32 = ${d4}u;

@compute @workgroup_size(${TENSORIZED_WORKGROUP_SIZE})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let pair = (wid.x + wid.y * ${GRID_ROW}u) * ${TENSORIZED_WORKGROUP_SIZE}u + lid;
  if (pair >= params.nRows * params.nCols) {
    return;
  }
  let i = pair / params.nCols;
  let j = pair % params.nCols;
  var acc: vec4<f32> = vec4<f32>(0.0);
  for (var k = 0u; k < D4; k++) {
    let diff = xPoints[i * D4 + k] - yPoints[j * D4 + k];
    acc += diff * diff;
  }
  cost[pair] = params.costScale * (acc.x + acc.y + acc.z + acc.w);
}
`;
}

const TENSORIZED_BINDINGS = /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> cost: array<f32>;
@group(0) @binding(1) var<storage, read> otherPot: array<f32>;
@group(0) @binding(2) var<storage, read> otherLogW: array<f32>;
@group(0) @binding(3) var<storage, read> otherNorm: array<f32>;
@group(0) @binding(4) var<storage, read> ownNorm: array<f32>;
@group(0) @binding(5) var<storage, read_write> partialMax: array<f32>;
@group(0) @binding(6) var<storage, read_write> partialSum: array<f32>;
@group(1) @binding(0) var<uniform> params: Params;
`;

/** Rows per workgroup of the tensorized row kernel, and invocations cooperating on each row. */
export const TENSORIZED_ROWS_PER_WORKGROUP = 8;
const LANES_PER_ROW = TENSORIZED_WORKGROUP_SIZE / TENSORIZED_ROWS_PER_WORKGROUP;

/**
 * Tensorized row half-step over the stored cost: eight invocations per row stride along it, so each group of
 * eight reads one contiguous 32-byte sector per step (coalesced), each keeps a streaming maximum, and the eight
 * partial (max, sum) pairs merge in workgroup memory (three barrier steps for eight rows at once).
 * Writes the same shifted (max, sum) partial as the fused kernel, so the finalize step is shared.
 */
export function tensorizedRowLseWgsl(): string {
  const rowsPerGroup = TENSORIZED_ROWS_PER_WORKGROUP;
  return /* wgsl */ `
${TENSORIZED_BINDINGS}
var<workgroup> sharedMax: array<f32, ${TENSORIZED_WORKGROUP_SIZE}>;
var<workgroup> sharedSum: array<f32, ${TENSORIZED_WORKGROUP_SIZE}>;

@compute @workgroup_size(${LANES_PER_ROW}, ${rowsPerGroup})
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let lane = local.x;
  let slot = local.y * ${LANES_PER_ROW}u;
  let i = (wid.x + wid.y * ${GRID_ROW}u) * ${rowsPerGroup}u + local.y;
  let nCols = params.nCols;
  let potScale = params.potScale;
  let row = min(i, params.nRows - 1u);
  let rowStart = row * nCols;
  var m: f32 = ${f32Literal(RUNNING_MAX_INIT)};
  var s: f32 = 0.0;
  for (var j = lane; j < nCols; j += ${LANES_PER_ROW}u) {
    let v = (params.costScale * otherNorm[j] + otherPot[j]) * potScale + otherLogW[j];
    let t = v - cost[rowStart + j] * potScale;
    if (t > m) {
      s = s * exp2(m - t) + 1.0;
      m = t;
    } else {
      s += exp2(t - m);
    }
  }
  sharedMax[slot + lane] = m;
  sharedSum[slot + lane] = s;
  for (var stride = ${LANES_PER_ROW / 2}u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (lane < stride) {
      let m1 = sharedMax[slot + lane];
      let m2 = sharedMax[slot + lane + stride];
      let mx = max(m1, m2);
      sharedSum[slot + lane] = sharedSum[slot + lane] * exp2(m1 - mx) + sharedSum[slot + lane + stride] * exp2(m2 - mx);
      sharedMax[slot + lane] = mx;
    }
  }
  if (lane == 0u && i < params.nRows) {
    partialMax[i] = sharedMax[slot] + params.costScale * ownNorm[i] * potScale;
    partialSum[i] = sharedSum[slot];
  }
}
`;
}

/**
 * Tensorized column half-step over the same row-major cost: one invocation per column walking down the rows;
 * neighbouring invocations read neighbouring addresses, so every load is coalesced without a transposed copy.
 */
export function tensorizedColumnLseWgsl(): string {
  const wg = TENSORIZED_WORKGROUP_SIZE;
  return /* wgsl */ `
${TENSORIZED_BINDINGS}
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  // Here the "own" side is the columns of the stored matrix (nRows = m) and the "other" side its rows.
  let j = (wid.x + wid.y * ${GRID_ROW}u) * ${wg}u + lid;
  if (j >= params.nRows) {
    return;
  }
  let stride = params.nRows;
  let potScale = params.potScale;
  var m: f32 = ${f32Literal(RUNNING_MAX_INIT)};
  var s: f32 = 0.0;
  for (var i = 0u; i < params.nCols; i++) {
    let v = (params.costScale * otherNorm[i] + otherPot[i]) * potScale + otherLogW[i];
    let t = v - cost[i * stride + j] * potScale;
    if (t > m) {
      s = s * exp2(m - t) + 1.0;
      m = t;
    } else {
      s += exp2(t - m);
    }
  }
  partialMax[j] = m + params.costScale * ownNorm[j] * potScale;
  partialSum[j] = s;
}
`;
}
