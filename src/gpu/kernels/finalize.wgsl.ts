import { PARAMS_STRUCT } from "./common.wgsl.ts";

/** Invocations per workgroup of the finalize step. */
export const FINALIZE_WORKGROUP_SIZE = 64;
/** Invocations of the single-workgroup error reduction. */
export const REDUCE_WORKGROUP_SIZE = 256;

/**
 * Merges the column splits of one side's log-sum-exp, turns it into the new shifted potential
 * T̂_i = outScale·(M + log2 S), writes damping·old + (1 − damping)·T̂, and stores the row's term of the L1
 * marginal error of the plan built from the *old* potentials: a_i·|exp((f_i − T(g)_i)/ε) − 1|
 * (its row sum is a_i·exp((f_i − T(g)_i)/ε)). The exponent is clamped so the term stays finite.
 */
export function finalizeWgsl(): string {
  return /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> partialMax: array<f32>;
@group(0) @binding(1) var<storage, read> partialSum: array<f32>;
@group(0) @binding(2) var<storage, read> potOld: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> potNew: array<f32>;
@group(0) @binding(5) var<storage, read_write> errTerms: array<f32>;
@group(1) @binding(0) var<uniform> params: Params;

@compute @workgroup_size(${FINALIZE_WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let n = params.nRows;
  if (i >= n) {
    return;
  }
  var mx: f32 = partialMax[i];
  for (var s = 1u; s < params.splits; s++) {
    mx = max(mx, partialMax[s * n + i]);
  }
  var total: f32 = 0.0;
  for (var s = 0u; s < params.splits; s++) {
    total += partialSum[s * n + i] * exp2(partialMax[s * n + i] - mx);
  }
  let halfStep = params.outScale * (mx + log2(total));
  let old = potOld[i];
  potNew[i] = mix(halfStep, old, params.damping);
  let ratio = exp2(min((old - halfStep) * params.potScale, 64.0));
  errTerms[params.errOffset + i] = weights[i] * abs(ratio - 1.0);
}
`;
}

/**
 * Sums the error terms of rows [0, nRows) and columns [nRows, nRows + nCols) in one workgroup and writes
 * (row error, column error) — the only values read back while iterating.
 */
export function reduceErrorWgsl(): string {
  const wg = REDUCE_WORKGROUP_SIZE;
  return /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> errTerms: array<f32>;
@group(0) @binding(1) var<storage, read_write> errOut: array<f32>;
@group(1) @binding(0) var<uniform> params: Params;

var<workgroup> rowAcc: array<f32, ${wg}>;
var<workgroup> colAcc: array<f32, ${wg}>;

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) lid: u32) {
  var rowSum: f32 = 0.0;
  var colSum: f32 = 0.0;
  for (var i = lid; i < params.nRows; i += ${wg}u) {
    rowSum += errTerms[i];
  }
  for (var j = lid; j < params.nCols; j += ${wg}u) {
    colSum += errTerms[params.nRows + j];
  }
  rowAcc[lid] = rowSum;
  colAcc[lid] = colSum;
  for (var stride = ${wg / 2}u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (lid < stride) {
      rowAcc[lid] += rowAcc[lid + stride];
      colAcc[lid] += colAcc[lid + stride];
    }
  }
  if (lid == 0u) {
    errOut[0] = rowAcc[0];
    errOut[1] = colAcc[0];
  }
}
`;
}
