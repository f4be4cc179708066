import { LSE_SENTINELS, PARAMS_STRUCT } from "./common.wgsl.ts";

/**
 * What the kernel writes per row:
 * - "softmax": Σ_j softmax_j(t_ij)·V_j — attention, when t_ij = q_i·k_j/√d;
 * - "plan": Σ_j P_ij·V_j with P_ij = 2^{ownLogScale_i + t_ij} — a transport plan applied to V when
 *   ownLogScale_i = f̂_i·log2(e)/ε + log2 a_i.
 */
export type WeightedSumOutput = "softmax" | "plan";

/** Compile-time shape of the weighted-sum (flash-attention style) kernel. */
export interface WeightedSumShape {
  /** vec4s per point / query / key. */
  d4: number;
  /** vec4s per value row. */
  dv4: number;
  rowsPerThread: number;
  colsPerChunk: number;
  workgroupSize: number;
  tileCols: number;
  output: WeightedSumOutput;
}

/** Workgroup bytes per staged column: its key, its value and its bias. */
export function weightedSumBytesPerColumn(d4: number, dv4: number): number {
  return (d4 + dv4) * 16 + 4;
}

/**
 * Σ_j 2^{t_ij}·V_j / normalization, t_ij = dotScale·x_i·y_j + bias_j, in one pass over
 * tiles of (key, value) staged in workgroup memory — the scores and weights never leave registers. Each
 * invocation holds `rowsPerThread` query rows and their output accumulators; every chunk of `colsPerChunk`
 * keys costs one rescale of the accumulators (online softmax). Also writes each row's (max, sum), i.e. its
 * base-2 log-sum-exp, which is the one-sided OT potential.
 */
export function weightedSumWgsl(shape: WeightedSumShape): string {
  const { d4, dv4, rowsPerThread: rb, colsPerChunk: cb, workgroupSize: wg, tileCols: tile } = shape;
  if (tile % cb !== 0) throw new Error(`tileCols ${tile} must be a multiple of colsPerChunk ${cb}`);
  const rows = [...Array(rb).keys()];
  const cols = [...Array(cb).keys()];
  const lanes = [...Array(d4).keys()];
  const outLanes = [...Array(dv4).keys()];
  const lines: string[] = [];
  const emit = (line: string) => lines.push(line);

  for (const r of rows) {
    emit(`  let i${r} = rowBase + ${r}u * WG + lid;`);
    emit(`  let xb${r} = min(i${r}, nRows - 1u) * D4;`);
    for (const k of lanes) emit(`  let x${r}_${k} = ownPoints[xb${r} + ${k}u];`);
    emit(`  var m${r}: f32 = RUNNING_MAX_INIT;`);
    emit(`  var s${r}: f32 = 0.0;`);
    for (const e of outLanes) emit(`  var o${r}_${e}: vec4<f32> = vec4<f32>(0.0);`);
  }
  const prologue = lines.splice(0);

  for (const r of rows) for (const c of cols) emit(`      var a${r}_${c}: f32 = 0.0;`);
  for (const k of lanes) {
    for (const c of cols) emit(`      let y${c}_${k} = tileK[(c + ${c}u) * D4 + ${k}u];`);
    for (const r of rows) for (const c of cols) emit(`      a${r}_${c} += dot(x${r}_${k}, y${c}_${k});`);
  }
  for (const c of cols) emit(`      let bias${c} = tileB[c + ${c}u];`);
  for (const r of rows) {
    for (const c of cols) emit(`      let t${r}_${c} = a${r}_${c} * dotScale + bias${c};`);
    const chunkMax = cols.slice(1).reduce((acc, c) => `max(${acc}, t${r}_${c})`, `t${r}_0`);
    emit(`      let mn${r} = max(m${r}, ${chunkMax});`);
    emit(`      let alpha${r} = exp2(m${r} - mn${r});`);
    for (const c of cols) emit(`      let p${r}_${c} = exp2(t${r}_${c} - mn${r});`);
    emit(`      s${r} = s${r} * alpha${r} + ${cols.map((c) => `p${r}_${c}`).join(" + ")};`);
    emit(`      m${r} = mn${r};`);
  }
  for (const e of outLanes) {
    for (const c of cols) emit(`      let v${c}_${e} = tileV[(c + ${c}u) * DV4 + ${e}u];`);
    for (const r of rows) {
      const terms = cols.map((c) => `p${r}_${c} * v${c}_${e}`).join(" + ");
      emit(`      o${r}_${e} = o${r}_${e} * alpha${r} + ${terms};`);
    }
  }
  const chunkBody = lines.splice(0);

  for (const r of rows) {
    emit(`  if (i${r} < nRows) {`);
    emit(
      shape.output === "softmax"
        ? `    let scale${r} = 1.0 / s${r};`
        : `    let scale${r} = exp2(m${r} + ownLogScale[i${r}]);`,
    );
    for (const e of outLanes) emit(`    outValues[i${r} * DV4 + ${e}u] = o${r}_${e} * scale${r};`);
    emit(`    rowStats[i${r}] = vec2<f32>(m${r}, s${r});`);
    emit("  }");
  }
  const epilogue = lines.splice(0);

  return /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> ownPoints: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> otherPoints: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> otherBias: array<f32>;
@group(0) @binding(3) var<storage, read> values: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> ownLogScale: array<f32>;
@group(0) @binding(5) var<storage, read_write> outValues: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> rowStats: array<vec2<f32>>;
@group(1) @binding(0) var<uniform> params: Params;

const D4: u32 = ${d4}u;
const DV4: u32 = ${dv4}u;
const WG: u32 = ${wg}u;
const RB: u32 = ${rb}u;
const TILE: u32 = ${tile}u;
${LSE_SENTINELS}

var<workgroup> tileK: array<vec4<f32>, ${tile * d4}>;
var<workgroup> tileV: array<vec4<f32>, ${tile * dv4}>;
var<workgroup> tileB: array<f32, ${tile}>;

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let nRows = params.nRows;
  let nCols = params.nCols;
  let dotScale = params.dotScale;
  let rowBase = wid.x * (WG * RB);
${prologue.join("\n")}
  for (var tileStart = 0u; tileStart < nCols; tileStart += TILE) {
    workgroupBarrier();
    for (var e = lid; e < TILE * D4; e += WG) {
      let j = min(tileStart + e / D4, nCols - 1u);
      tileK[e] = otherPoints[j * D4 + e % D4];
    }
    for (var e = lid; e < TILE * DV4; e += WG) {
      let j = min(tileStart + e / DV4, nCols - 1u);
      tileV[e] = values[j * DV4 + e % DV4];
    }
    for (var c = lid; c < TILE; c += WG) {
      let j = tileStart + c;
      let jc = min(j, nCols - 1u);
      tileB[c] = select(NEG_SENTINEL, otherBias[jc], j < nCols);
    }
    workgroupBarrier();
    for (var c = 0u; c < TILE; c += ${cb}u) {
${chunkBody.join("\n")}
    }
  }
${epilogue.join("\n")}
}
`;
}
