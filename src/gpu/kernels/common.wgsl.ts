/**
 * Pieces shared by the Sinkhorn kernels.
 *
 * Conventions every kernel follows (and the host relies on):
 * - Points are stored row-major, padded with zeros to `d4 = ceil(d/4)` vec4s per point; zero padding leaves
 *   dot products and distances unchanged.
 * - Potentials are stored *shifted* and in cost units: f̂ = f − c‖x‖², ĝ = g − c‖y‖² (c the cost scale).
 *   A half-step is then a row-wise log-sum-exp of biased dot products, computed in base 2:
 *     t_ij = dotScale · (x_i·y_j) + (ĝ_j · potScale + log2 b_j),  dotScale = 2c·log2(e)/ε,  potScale = log2(e)/ε,
 *   and T̂_i = outScale · log2 Σ_j 2^{t_ij}, outScale = −ε·ln 2.
 * - A log-sum-exp kernel writes, for each row and column split, a partial (max, sum) pair; the finalize kernel
 *   merges the splits, applies damping and writes the row's marginal-error term.
 * - Zero weights are encoded as log2 weight = NEG_SENTINEL (finite, so no kernel ever sees ±Inf or NaN).
 */

/** log2 of a zero weight: far below any real exponent but finite, so 2^(t−max) underflows cleanly to 0. */
export const NEG_SENTINEL = -1e30;

/** Initial running maximum: below NEG_SENTINEL so the first real (or sentinel) score always replaces it. */
export const RUNNING_MAX_INIT = -1e38;

/** Bytes per uniform slot; the WebGPU minimum for `minUniformBufferOffsetAlignment` is at most 256. */
export const UNIFORM_SLOT_BYTES = 256;

/**
 * Uniform block shared by the log-sum-exp, finalize and plan kernels (one slot per side and ε, selected with a
 * dynamic offset). Layout must match `writeParams` in sinkhorn.ts.
 */
export const PARAMS_STRUCT = /* wgsl */ `
struct Params {
  nRows: u32,
  nCols: u32,
  colsPerSplit: u32,
  errOffset: u32,
  dotScale: f32,
  potScale: f32,
  outScale: f32,
  damping: f32,
  costScale: f32,
  splits: u32,
  pad0: u32,
  pad1: u32,
}
`;

/** Number of 32-bit words in `Params`. */
export const PARAMS_WORDS = 12;

/** Formats a number as a WGSL f32 literal (always with a decimal point or exponent). */
export function f32Literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`WGSL literal must be finite, got ${value}`);
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/**
 * The bindings of the row-wise log-sum-exp kernels (fused and online): one layout, so the host binds
 * both the same way and both feed the same finalize step.
 */
export const LSE_BINDINGS = /* wgsl */ `
@group(0) @binding(0) var<storage, read> ownPoints: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> otherPoints: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> otherPot: array<f32>;
@group(0) @binding(3) var<storage, read> otherLogW: array<f32>;
@group(0) @binding(4) var<storage, read_write> partialMax: array<f32>;
@group(0) @binding(5) var<storage, read_write> partialSum: array<f32>;
@group(1) @binding(0) var<uniform> params: Params;
`;

/** The sentinels of the streaming-max log-sum-exp, as WGSL constants. */
export const LSE_SENTINELS = /* wgsl */ `
const NEG_SENTINEL: f32 = ${f32Literal(NEG_SENTINEL)};
const RUNNING_MAX_INIT: f32 = ${f32Literal(RUNNING_MAX_INIT)};
`;
