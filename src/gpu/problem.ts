/**
 * The entropic optimal transport problem between two weighted point clouds, and the options of a solve.
 * Shared by the GPU solver, the float64 reference and the browser worker, so all three run the same schedule.
 */

/** Numeric arrays accepted on input. */
export type NumberArray = Float32Array | Float64Array | readonly number[];

/** Two point clouds x (n × d) and y (m × d), row-major, with optional non-negative weights. */
export interface PointCloudProblem {
  n: number;
  m: number;
  d: number;
  x: NumberArray;
  y: NumberArray;
  /** Weights of x (length n, ≥ 0, positive sum); uniform when omitted. Normalized to sum 1. */
  a?: NumberArray;
  /** Weights of y (length m, ≥ 0, positive sum); uniform when omitted. Normalized to sum 1. */
  b?: NumberArray;
}

/** The problem after validation, in float64, with weights normalized to probability vectors. */
export interface PreparedProblem {
  n: number;
  m: number;
  d: number;
  x: Float64Array;
  y: Float64Array;
  a: Float64Array;
  b: Float64Array;
}

/** Which log-sum-exp implementation a GPU solve uses. */
export type SinkhornKernel = "fused" | "online" | "tensorized";

export interface SinkhornOptions {
  /** Target ε (the entropic blur squared, in cost units). */
  epsilon: number;
  /** Cost c(x, y) = costScale·‖x − y‖²; 1 by default (GeomLoss uses ½ for p = 2). */
  costScale?: number;
  /** ε-scaling factor on the blur per annealing step (GeomLoss `scaling`), in (0, 1); default 0.5. */
  scaling?: number;
  /**
   * Explicit ε list (first to last); replaces the GeomLoss schedule from the diameter down to √epsilon.
   * Its last entry is the ε the solve converges at.
   */
  schedule?: readonly number[];
  /** Cap on the total number of updates (annealing included); default 500. */
  maxIterations?: number;
  /** Stop once the L1 marginal error (rows + columns) at the final ε is at most this; 0 never stops early. */
  tolerance?: number;
  /** Measure the marginal error every k updates (0: never — pure timing runs); default 10. */
  checkEvery?: number;
  /** Real potentials to start from instead of zero (e.g. the one-sided attention plan). */
  initial?: { f: ArrayLike<number>; g: ArrayLike<number> };
}

/** One point of the convergence curve. */
export interface MarginalErrorSample {
  /** Number of updates that produced the potentials this error was measured on. */
  iteration: number;
  epsilon: number;
  /** Σ_i |(P1)_i − a_i| */
  rowError: number;
  /** Σ_j |(Pᵀ1)_j − b_j| */
  columnError: number;
}

/** Result of a solve, from the GPU or the reference. Potentials are the real (unshifted) f, g in cost units. */
export interface SinkhornSolution {
  f: Float64Array;
  g: Float64Array;
  /** Updates performed (annealing included). */
  iterations: number;
  /** The ε of each annealing step; the last is the target. */
  schedule: number[];
  errors: MarginalErrorSample[];
  converged: boolean;
  /** ⟨a, f⟩ + ⟨b, g⟩: the entropic transport cost at the last iterate. */
  dualCost: number;
}

/** Resolved options with every default filled in. */
export interface ResolvedOptions {
  epsilon: number;
  costScale: number;
  schedule: number[];
  maxIterations: number;
  tolerance: number;
  checkEvery: number;
}

function toFloat64(values: NumberArray, expected: number, name: string): Float64Array {
  if (values.length !== expected) {
    throw new Error(`${name} has ${values.length} values; expected ${expected}`);
  }
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i] ?? Number.NaN)) throw new Error(`${name}[${i}] is not a finite number`);
  }
  return out;
}

function probability(values: NumberArray | undefined, count: number, name: string): Float64Array {
  if (values === undefined) return new Float64Array(count).fill(1 / count);
  const out = toFloat64(values, count, name);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const w = out[i] ?? 0;
    if (w < 0) throw new Error(`${name}[${i}] = ${w} is negative`);
    total += w;
  }
  if (!(total > 0)) throw new Error(`${name} must have a positive sum`);
  for (let i = 0; i < count; i++) out[i] = (out[i] ?? 0) / total;
  return out;
}

/** Validates a problem (sizes, finiteness, weights) and converts it to float64 with normalized weights. */
export function prepareProblem(problem: PointCloudProblem): PreparedProblem {
  const { n, m, d } = problem;
  for (const [name, value] of [
    ["n", n],
    ["m", m],
    ["d", d],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  return {
    n,
    m,
    d,
    x: toFloat64(problem.x, n * d, "x"),
    y: toFloat64(problem.y, m * d, "y"),
    a: probability(problem.a, n, "a"),
    b: probability(problem.b, m, "b"),
  };
}

/** Largest extent of the joint bounding box of both clouds (GeomLoss `max_diameter`). */
export function boundingDiameter(p: PreparedProblem): number {
  let squared = 0;
  for (let k = 0; k < p.d; k++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < p.n; i++) {
      const v = p.x[i * p.d + k] ?? 0;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (let j = 0; j < p.m; j++) {
      const v = p.y[j * p.d + k] ?? 0;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    squared += (hi - lo) ** 2;
  }
  return Math.sqrt(squared);
}

/**
 * GeomLoss's ε-scaling schedule for p = 2, in cost units: [c·D²] followed by c·exp(e) for e stepping from
 * 2·ln D down to 2·ln σ by 2·ln(scaling), and finally ε = c·σ² itself (σ = √(ε/c) the target blur).
 */
export function epsilonSchedule(
  diameter: number,
  epsilon: number,
  scaling: number,
  costScale: number,
): number[] {
  if (!(epsilon > 0)) throw new Error(`epsilon must be positive, got ${epsilon}`);
  if (!(scaling > 0 && scaling < 1)) throw new Error(`scaling must lie in (0, 1), got ${scaling}`);
  const blur = Math.sqrt(epsilon / costScale);
  const diam = Math.max(diameter, blur);
  const list = [costScale * diam * diam];
  const from = 2 * Math.log(diam);
  const to = 2 * Math.log(blur);
  const step = 2 * Math.log(scaling);
  for (let e = from; e > to; e += step) list.push(costScale * Math.exp(e));
  list.push(epsilon);
  return list;
}

/** Fills in defaults and builds the ε schedule for a prepared problem. */
export function resolveOptions(problem: PreparedProblem, options: SinkhornOptions): ResolvedOptions {
  const costScale = options.costScale ?? 1;
  if (!(costScale > 0)) throw new Error(`costScale must be positive, got ${costScale}`);
  const schedule =
    options.schedule !== undefined
      ? [...options.schedule]
      : epsilonSchedule(boundingDiameter(problem), options.epsilon, options.scaling ?? 0.5, costScale);
  if (schedule.length === 0 || schedule.some((e) => !(e > 0))) {
    throw new Error("schedule must be a non-empty list of positive ε");
  }
  const maxIterations = Math.max(options.maxIterations ?? 500, schedule.length + 1);
  const checkEvery = options.checkEvery ?? 10;
  if (!Number.isInteger(checkEvery) || checkEvery < 0)
    throw new Error("checkEvery must be a non-negative integer");
  return {
    epsilon: schedule[schedule.length - 1] ?? options.epsilon,
    costScale,
    schedule,
    maxIterations,
    tolerance: options.tolerance ?? 1e-3,
    checkEvery,
  };
}

/**
 * The ε and damping of update number `k` (0-based): update 0 initializes both potentials from zero at the
 * first ε (no damping), update k = 1…L runs the symmetric averaged step at schedule[k − 1], and every later
 * update repeats it at the final ε (GeomLoss's symmetric Sinkhorn loop).
 */
export function updateAt(
  schedule: readonly number[],
  k: number,
): { epsilon: number; damping: number; slot: number } {
  const last = schedule.length - 1;
  if (k === 0) return { epsilon: schedule[0] ?? 1, damping: 0, slot: 0 };
  const index = Math.min(k - 1, last);
  return { epsilon: schedule[index] ?? 1, damping: 0.5, slot: index + 1 };
}

/** Whether update k (0-based) measures the marginal error. */
export function checksAt(options: ResolvedOptions, k: number): boolean {
  if (options.checkEvery === 0) return false;
  return (k + 1) % options.checkEvery === 0 || k + 1 === options.maxIterations;
}

/** Whether update k runs at the final ε (where the stopping rule applies). */
export function atFinalEpsilon(options: ResolvedOptions, k: number): boolean {
  return k >= options.schedule.length;
}
