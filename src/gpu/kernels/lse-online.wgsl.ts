import { f32Literal, LSE_BINDINGS, PARAMS_STRUCT, RUNNING_MAX_INIT } from "./common.wgsl.ts";

/** Invocations per workgroup of the online baseline. */
export const ONLINE_WORKGROUP_SIZE = 64;

/**
 * Baseline "online" half-step: the cost is computed on the fly like the fused kernel, but the way a careful
 * first implementation would write it — one invocation per row, its x row in a private array, y read straight
 * from the storage buffer (left to the cache), a streaming maximum updated per column (one exp2 per column, a
 * second only when the maximum moves). No workgroup tiling, no register blocking, no column splits.
 * Same bindings and output (one split) as the fused kernel, so both share the finalize step.
 */
export function onlineLseWgsl(d4: number): string {
  return /* wgsl */ `
${PARAMS_STRUCT}
${LSE_BINDINGS}

const D4: u32 = ${d4}u;

@compute @workgroup_size(${ONLINE_WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.nRows) {
    return;
  }
  var x: array<vec4<f32>, ${d4}> = array<vec4<f32>, ${d4}>();
  for (var k = 0u; k < D4; k++) {
    x[k] = ownPoints[i * D4 + k];
  }
  var m: f32 = ${f32Literal(RUNNING_MAX_INIT)};
  var s: f32 = 0.0;
  for (var j = 0u; j < params.nCols; j++) {
    var dotXY: f32 = 0.0;
    for (var k = 0u; k < D4; k++) {
      dotXY += dot(x[k], otherPoints[j * D4 + k]);
    }
    let t = dotXY * params.dotScale + (otherPot[j] * params.potScale + otherLogW[j]);
    if (t > m) {
      s = s * exp2(m - t) + 1.0;
      m = t;
    } else {
      s += exp2(t - m);
    }
  }
  partialMax[i] = m;
  partialSum[i] = s;
}
`;
}
