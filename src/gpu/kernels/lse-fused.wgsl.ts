import { LSE_BINDINGS, LSE_SENTINELS, PARAMS_STRUCT } from "./common.wgsl.ts";

/** Compile-time shape of the fused log-sum-exp kernel. */
export interface FusedLseShape {
  /** vec4s per point (ceil(d/4)). */
  d4: number;
  /** Rows each invocation keeps in registers (register blocking over rows). */
  rowsPerThread: number;
  /** Columns scored together before one online rescale (register blocking over columns). */
  colsPerChunk: number;
  /** Invocations per workgroup. */
  workgroupSize: number;
  /** Columns of the other cloud staged in workgroup memory per barrier phase; a multiple of colsPerChunk. */
  tileCols: number;
}

/** Bytes of workgroup memory the kernel declares for a shape. */
export function fusedWorkgroupBytes(shape: Pick<FusedLseShape, "d4" | "tileCols">): number {
  return shape.tileCols * shape.d4 * 16 + shape.tileCols * 4;
}

/**
 * Fused log-domain half-step: for every row i of the "own" cloud and one split of the columns,
 * the running (max, sum) of 2^{t_ij} with t_ij = dotScale·x_i·y_j + ĝ_j·potScale + log2 b_j.
 *
 * The cost is never stored: tiles of the other cloud are staged in workgroup memory, each invocation keeps
 * `rowsPerThread` rows of x in registers and scores `colsPerChunk` columns at a time (rowsPerThread ×
 * colsPerChunk dot products per staged load), then folds the chunk into its running log-sum-exp with a single
 * rescale (online / streaming maximum, base-2 exponentials). The code is fully unrolled over rows, columns
 * and the d4 vec4 lanes so that every operand lives in a named register.
 */
export function fusedLseWgsl(shape: FusedLseShape): string {
  const { d4, rowsPerThread: rb, colsPerChunk: cb, workgroupSize: wg, tileCols: tile } = shape;

  if (tile % cb !== 0) throw new Error(`tileCols ${tile} must be a multiple of colsPerChunk ${cb}`);
  const rows = [...Array(rb).keys()];
  const cols = [...Array(cb).keys()];
  const lanes = [...Array(d4).keys()];
  const lines: string[] = [];
  const emit = (line: string) => lines.push(line);

  for (const r of rows) {
    emit(`  let i${r} = rowBase + ${r}u * WG + lid;`);
    emit(`  let xb${r} = min(i${r}, nRows - 1u) * D4;`);
    for (const k of lanes) emit(`  let x${r}_${k} = ownPoints[xb${r} + ${k}u];`);
    emit(`  var m${r}: f32 = RUNNING_MAX_INIT;`);
    emit(`  var s${r}: f32 = 0.0;`);
  }
  const prologue = lines.splice(0);

  for (const r of rows) for (const c of cols) emit(`      var a${r}_${c}: f32 = 0.0;`);
  for (const k of lanes) {
    for (const c of cols) emit(`      let y${c}_${k} = tileY[(c + ${c}u) * D4 + ${k}u];`);
    for (const r of rows) {
      for (const c of cols) {
        emit(`      a${r}_${c} += dot(x${r}_${k}, y${c}_${k});`);
      }
    }
  }
  for (const c of cols) emit(`      let v${c} = tileV[c + ${c}u];`);
  for (const r of rows) {
    for (const c of cols) {
      emit(`      let t${r}_${c} = a${r}_${c} * dotScale + v${c};`);
    }
    const chunkMax = cols.slice(1).reduce((acc, c) => `max(${acc}, t${r}_${c})`, `t${r}_0`);
    emit(`      let mn${r} = max(m${r}, ${chunkMax});`);
    const terms = cols.map((c) => `exp2(t${r}_${c} - mn${r})`).join(" + ");
    emit(`      s${r} = s${r} * exp2(m${r} - mn${r}) + ${terms};`);
    emit(`      m${r} = mn${r};`);
  }
  const chunkBody = lines.splice(0);

  for (const r of rows) {
    emit(`  if (i${r} < nRows) {`);
    emit(`    let o = wid.y * nRows + i${r};`);
    emit(`    partialMax[o] = m${r};`);
    emit(`    partialSum[o] = s${r};`);
    emit("  }");
  }
  const epilogue = lines.splice(0);

  return /* wgsl */ `
${PARAMS_STRUCT}
${LSE_BINDINGS}
const D4: u32 = ${d4}u;
const WG: u32 = ${wg}u;
const RB: u32 = ${rb}u;
const TILE: u32 = ${tile}u;
${LSE_SENTINELS}

var<workgroup> tileY: array<vec4<f32>, ${tile * d4}>;
var<workgroup> tileV: array<f32, ${tile}>;

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let nRows = params.nRows;
  let nCols = params.nCols;
  let dotScale = params.dotScale;
  let potScale = params.potScale;
  let rowBase = wid.x * (WG * RB);
  let colStart = wid.y * params.colsPerSplit;
  let colEnd = min(colStart + params.colsPerSplit, nCols);
${prologue.join("\n")}
  for (var tileStart = colStart; tileStart < colEnd; tileStart += TILE) {
    workgroupBarrier();
    for (var e = lid; e < TILE * D4; e += WG) {
      let j = min(tileStart + e / D4, nCols - 1u);
      tileY[e] = otherPoints[j * D4 + e % D4];
    }
    for (var c = lid; c < TILE; c += WG) {
      let j = tileStart + c;
      let jc = min(j, nCols - 1u);
      tileV[c] = select(NEG_SENTINEL, otherPot[jc] * potScale + otherLogW[jc], j < colEnd);
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
