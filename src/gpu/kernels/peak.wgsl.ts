/** Invocations per workgroup of the FMA-throughput probe. */
export const PEAK_WORKGROUP_SIZE = 64;
/** Independent vec4 multiply-add chains per invocation (enough to hide FMA latency everywhere). */
export const PEAK_CHAINS = 16;
/** Multiply-adds per chain per loop trip (unrolled, so loop overhead is negligible). */
export const PEAK_UNROLL = 4;

/**
 * FP32 throughput probe: every invocation runs PEAK_CHAINS independent vec4 chains acc = acc·m + c for
 * `iterations` steps (m, c read from memory so nothing folds), then stores the sum so nothing is dead.
 * Flops = workgroups · PEAK_WORKGROUP_SIZE · iterations · PEAK_UNROLL · PEAK_CHAINS · 4 lanes · 2.
 */
export function peakWgsl(): string {
  const chains = [...Array(PEAK_CHAINS).keys()];
  return /* wgsl */ `
struct Probe {
  iterations: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  mul: vec4<f32>,
  add: vec4<f32>,
}
@group(0) @binding(0) var<storage, read> probe: Probe;
@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;

@compute @workgroup_size(${PEAK_WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = probe.mul;
  let c = probe.add;
  let seed = f32(gid.x) * 1e-7;
${chains.map((k) => `  var acc${k}: vec4<f32> = vec4<f32>(seed + ${k}.0 * 1e-3);`).join("\n")}
  for (var i = 0u; i < probe.iterations; i++) {
${[...Array(PEAK_UNROLL).keys()].flatMap(() => chains.map((k) => `    acc${k} = acc${k} * m + c;`)).join("\n")}
  }
  sink[gid.x] = ${chains.map((k) => `acc${k}`).join(" + ")};
}
`;
}
