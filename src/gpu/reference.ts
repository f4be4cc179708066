/**
 * Float64 CPU reference for every GPU kernel: the Sinkhorn half-step and the full symmetric solve (same
 * schedule, damping and stopping rule as the GPU), attention, and transport-plan application. It is also what
 * the browser's CPU fallback runs. Costs are computed from coordinate differences, not from the shifted
 * dot-product form the GPU uses, so the comparison checks that reformulation too.
 */
import {
  atFinalEpsilon,
  checksAt,
  type MarginalErrorSample,
  type PointCloudProblem,
  type PreparedProblem,
  prepareProblem,
  resolveOptions,
  type SinkhornOptions,
  type SinkhornSolution,
  updateAt,
} from "./problem.ts";

/** One side of a half-step: the cloud whose potential is updated and the cloud summed over. */
export interface HalfStepSides {
  own: Float64Array;
  other: Float64Array;
  nOwn: number;
  nOther: number;
  d: number;
  /** Real potential of the other side (cost units). */
  otherPotential: Float64Array;
  /** Normalized weights of the other side. */
  otherWeights: Float64Array;
}

/**
 * T(g)_i = −ε·log Σ_j b_j·exp((g_j − C_ij)/ε) for the requested rows (all rows when `rows` is omitted),
 * with C_ij = c·‖x_i − y_j‖². Zero weights contribute nothing. Returns one value per requested row.
 */
export function halfStepReference(
  sides: HalfStepSides,
  epsilon: number,
  costScale: number,
  rows?: readonly number[],
): Float64Array {
  const { own, other, nOther, d, otherPotential, otherWeights } = sides;
  const rowList = rows ?? [...Array(sides.nOwn).keys()];
  const out = new Float64Array(rowList.length);
  const logW = new Float64Array(nOther);
  for (let j = 0; j < nOther; j++) {
    const w = otherWeights[j] ?? 0;
    logW[j] = w > 0 ? Math.log(w) : Number.NEGATIVE_INFINITY;
  }
  const scores = new Float64Array(nOther);
  for (let r = 0; r < rowList.length; r++) {
    const i = rowList[r] ?? 0;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < nOther; j++) {
      let dist = 0;
      for (let k = 0; k < d; k++) {
        const diff = (own[i * d + k] ?? 0) - (other[j * d + k] ?? 0);
        dist += diff * diff;
      }
      const s = ((otherPotential[j] ?? 0) - costScale * dist) / epsilon + (logW[j] ?? 0);
      scores[j] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let j = 0; j < nOther; j++) sum += Math.exp((scores[j] ?? 0) - max);
    out[r] = -epsilon * (max + Math.log(sum));
  }
  return out;
}

/** L1 error of one marginal of the plan (f, g): Σ_i a_i·|exp((f_i − T(g)_i)/ε) − 1|. */
function marginalError(
  potential: Float64Array,
  halfStep: Float64Array,
  weights: Float64Array,
  epsilon: number,
) {
  let total = 0;
  for (let i = 0; i < potential.length; i++) {
    const w = weights[i] ?? 0;
    if (w > 0) total += w * Math.abs(Math.exp(((potential[i] ?? 0) - (halfStep[i] ?? 0)) / epsilon) - 1);
  }
  return total;
}

/** ⟨a, f⟩ + ⟨b, g⟩. */
export function dualCost(p: PreparedProblem, f: Float64Array, g: Float64Array): number {
  let total = 0;
  for (let i = 0; i < p.n; i++) total += (p.a[i] ?? 0) * (f[i] ?? 0);
  for (let j = 0; j < p.m; j++) total += (p.b[j] ?? 0) * (g[j] ?? 0);
  return total;
}

/** Progress callback: called after every measured update. Return `false` to stop. */
export type ProgressCallback = (sample: MarginalErrorSample) => boolean | undefined;

/**
 * Symmetric (Jacobi) log-domain Sinkhorn in float64 with GeomLoss's ε-scaling: both half-steps of an update are
 * computed from the previous potentials and averaged with them. Same iteration plan as the GPU solver.
 */
export function sinkhornReference(
  problem: PointCloudProblem,
  options: SinkhornOptions,
  onProgress?: ProgressCallback,
): SinkhornSolution {
  const p = prepareProblem(problem);
  const resolved = resolveOptions(p, options);
  const { costScale } = resolved;
  let f = options.initial ? Float64Array.from(options.initial.f) : new Float64Array(p.n);
  let g = options.initial ? Float64Array.from(options.initial.g) : new Float64Array(p.m);
  if (f.length !== p.n || g.length !== p.m) throw new Error("initial potentials do not match the clouds");
  const errors: MarginalErrorSample[] = [];
  let converged = false;
  let k = 0;
  for (; k < resolved.maxIterations; k++) {
    const { epsilon, damping } = updateAt(resolved.schedule, k);
    const rowStep = halfStepReference(
      { own: p.x, other: p.y, nOwn: p.n, nOther: p.m, d: p.d, otherPotential: g, otherWeights: p.b },
      epsilon,
      costScale,
    );
    const colStep = halfStepReference(
      { own: p.y, other: p.x, nOwn: p.m, nOther: p.n, d: p.d, otherPotential: f, otherWeights: p.a },
      epsilon,
      costScale,
    );
    let stop = false;
    if (checksAt(resolved, k)) {
      const sample: MarginalErrorSample = {
        iteration: k,
        epsilon,
        rowError: marginalError(f, rowStep, p.a, epsilon),
        columnError: marginalError(g, colStep, p.b, epsilon),
      };
      errors.push(sample);
      if (atFinalEpsilon(resolved, k) && sample.rowError + sample.columnError <= resolved.tolerance) {
        converged = true;
        stop = true;
      }
      if (onProgress?.(sample) === false) stop = true;
    }
    const nextF = new Float64Array(p.n);
    const nextG = new Float64Array(p.m);
    for (let i = 0; i < p.n; i++) nextF[i] = damping * (f[i] ?? 0) + (1 - damping) * (rowStep[i] ?? 0);
    for (let j = 0; j < p.m; j++) nextG[j] = damping * (g[j] ?? 0) + (1 - damping) * (colStep[j] ?? 0);
    f = nextF;
    g = nextG;
    if (stop) {
      k++;
      break;
    }
  }
  return {
    f,
    g,
    iterations: k,
    schedule: resolved.schedule,
    errors,
    converged,
    dualCost: dualCost(p, f, g),
  };
}

/**
 * Moves the one free constant of the dual (f + c, g − c leaves the plan unchanged) to the canonical choice
 * ⟨a, f⟩ = ⟨b, g⟩, so potentials from different solvers can be compared entry by entry.
 */
export function canonicalGauge(
  p: Pick<PreparedProblem, "a" | "b">,
  f: Float64Array,
  g: Float64Array,
): { f: Float64Array; g: Float64Array } {
  let fa = 0;
  let gb = 0;
  for (let i = 0; i < f.length; i++) fa += (p.a[i] ?? 0) * (f[i] ?? 0);
  for (let j = 0; j < g.length; j++) gb += (p.b[j] ?? 0) * (g[j] ?? 0);
  const shift = (fa - gb) / 2;
  return { f: f.map((v) => v - shift), g: g.map((v) => v + shift) };
}

/**
 * max |Δ| / max |reference| over both potentials, after putting both pairs in the canonical gauge.
 * The figure the tests bound by 1e-4 for well-conditioned problems.
 */
export function potentialError(
  p: Pick<PreparedProblem, "a" | "b">,
  got: { f: ArrayLike<number>; g: ArrayLike<number> },
  want: { f: ArrayLike<number>; g: ArrayLike<number> },
): number {
  const a = canonicalGauge(p, Float64Array.from(got.f), Float64Array.from(got.g));
  const b = canonicalGauge(p, Float64Array.from(want.f), Float64Array.from(want.g));
  let maxDiff = 0;
  let maxRef = 0;
  for (const [x, y] of [
    [a.f, b.f],
    [a.g, b.g],
  ] as const) {
    for (let i = 0; i < y.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((x[i] ?? 0) - (y[i] ?? 0)));
      maxRef = Math.max(maxRef, Math.abs(y[i] ?? 0));
    }
  }
  return maxRef > 0 ? maxDiff / maxRef : maxDiff;
}

/** max |Δ| / max |reference| between two arrays. */
export function relativeMaxError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? 0;
    const v = got[i] ?? 0;
    if (!Number.isFinite(v)) return Number.POSITIVE_INFINITY;
    maxDiff = Math.max(maxDiff, Math.abs(v - w));
    maxRef = Math.max(maxRef, Math.abs(w));
  }
  return maxRef > 0 ? maxDiff / maxRef : maxDiff;
}

/**
 * softmax(Q Kᵀ / √d) V in float64; Q is n × d, K is m × d, V is m × dv, all row-major. With `rows`, only those
 * query rows (in that order, rows.length × dv).
 */
export function attentionReference(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  n: number,
  m: number,
  d: number,
  dv: number,
  rows?: readonly number[],
): Float64Array {
  const rowList = rows ?? [...Array(n).keys()];
  const out = new Float64Array(rowList.length * dv);
  const scores = new Float64Array(m);
  const scale = 1 / Math.sqrt(d);
  rowList.forEach((i, r) => {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (q[i * d + c] ?? 0) * (k[j * d + c] ?? 0);
      s *= scale;
      scores[j] = s;
      if (s > max) max = s;
    }
    let total = 0;
    for (let j = 0; j < m; j++) {
      const w = Math.exp((scores[j] ?? 0) - max);
      scores[j] = w;
      total += w;
    }
    for (let j = 0; j < m; j++) {
      const w = (scores[j] ?? 0) / total;
      for (let c = 0; c < dv; c++) out[r * dv + c] = (out[r * dv + c] ?? 0) + w * (v[j * dv + c] ?? 0);
    }
  });
  return out;
}

/**
 * Visits every entry of the plan of potentials (f, g) at ε with positive weights,
 * P_ij = a_i·b_j·exp((f_i + g_j − C_ij)/ε), C_ij = c‖x_i − y_j‖², without storing the plan.
 */
function forEachPlanEntry(
  p: PreparedProblem,
  f: ArrayLike<number>,
  g: ArrayLike<number>,
  epsilon: number,
  costScale: number,
  visit: (i: number, j: number, entry: number) => void,
): void {
  for (let i = 0; i < p.n; i++) {
    const a = p.a[i] ?? 0;
    if (a === 0) continue;
    for (let j = 0; j < p.m; j++) {
      const b = p.b[j] ?? 0;
      if (b === 0) continue;
      let dist = 0;
      for (let c = 0; c < p.d; c++) {
        const diff = (p.x[i * p.d + c] ?? 0) - (p.y[j * p.d + c] ?? 0);
        dist += diff * diff;
      }
      visit(i, j, a * b * Math.exp(((f[i] ?? 0) + (g[j] ?? 0) - costScale * dist) / epsilon));
    }
  }
}

/**
 * Column sums of the plan of potentials (f, g) at ε, Σ_i a_i·b_j·exp((f_i + g_j − C_ij)/ε), without storing
 * the plan.
 */
export function planColumnSums(
  p: PreparedProblem,
  f: ArrayLike<number>,
  g: ArrayLike<number>,
  epsilon: number,
  costScale: number,
): Float64Array {
  const sums = new Float64Array(p.m);
  forEachPlanEntry(p, f, g, epsilon, costScale, (_, j, w) => {
    sums[j] = (sums[j] ?? 0) + w;
  });
  return sums;
}

/**
 * Entries of the plan P_ij = a_i·b_j·exp((f_i + g_j − C_ij)/ε) (n × m, row-major). Only for small problems:
 * the heat map and the tests.
 */
export function transportPlan(
  p: PreparedProblem,
  f: ArrayLike<number>,
  g: ArrayLike<number>,
  epsilon: number,
  costScale: number,
): Float64Array {
  const plan = new Float64Array(p.n * p.m);
  forEachPlanEntry(p, f, g, epsilon, costScale, (i, j, w) => {
    plan[i * p.m + j] = w;
  });
  return plan;
}

/** P·V for the plan of potentials (f, g) at ε, without storing P; V is m × dv row-major. */
export function applyPlanReference(
  p: PreparedProblem,
  f: ArrayLike<number>,
  g: ArrayLike<number>,
  epsilon: number,
  costScale: number,
  values: ArrayLike<number>,
  dv: number,
): Float64Array {
  const out = new Float64Array(p.n * dv);
  forEachPlanEntry(p, f, g, epsilon, costScale, (i, j, w) => {
    for (let c = 0; c < dv; c++) out[i * dv + c] = (out[i * dv + c] ?? 0) + w * (values[j * dv + c] ?? 0);
  });
  return out;
}
