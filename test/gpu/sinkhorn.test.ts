import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GpuContext } from "../../src/gpu/device.ts";
import { epsilonSchedule, prepareProblem } from "../../src/gpu/problem.ts";
import {
  halfStepReference,
  potentialError,
  sinkhornReference,
  transportPlan,
} from "../../src/gpu/reference.ts";
import { sampleClouds, seededRandom } from "../../src/gpu/samples.ts";
import {
  CostMatrixTooLargeError,
  GpuSinkhorn,
  solveSinkhornGpu,
  tensorizedCapacity,
} from "../../src/gpu/sinkhorn.ts";
import { nodeGpuContext } from "./dawn.ts";

let ctx: GpuContext;

beforeAll(async () => {
  ctx = await nodeGpuContext();
});

afterAll(() => {
  ctx?.device.destroy();
});

/** max |Δ| / max |reference|. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] ?? Number.NaN) - (want[i] ?? 0)));
    scale = Math.max(scale, Math.abs(want[i] ?? 0));
  }
  return diff / scale;
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

describe("GPU Sinkhorn against the float64 reference", () => {
  it("finds the reference potentials with the fused, online and tensorized kernels when n ≠ m", async () => {
    const problem = sampleClouds(120, 85, 3, 7);
    const options = { epsilon: 0.01, maxIterations: 60, tolerance: 0, checkEvery: 10 };
    const reference = sinkhornReference(problem, options);
    for (const kernel of ["fused", "online", "tensorized"] as const) {
      const result = await solveSinkhornGpu(ctx, problem, { ...options, kernel });
      expect(result.iterations).toBe(reference.iterations);
      expect(potentialError(prepareProblem(problem), result, reference), kernel).toBeLessThanOrEqual(1e-4);
      expect(result.errors.map((e) => e.iteration)).toEqual(reference.errors.map((e) => e.iteration));
      const last = result.errors.at(-1);
      const want = reference.errors.at(-1);
      expect(last?.rowError).toBeCloseTo(want?.rowError ?? Number.NaN, 4);
      expect(last?.columnError).toBeCloseTo(want?.columnError ?? Number.NaN, 4);
      expect(result.dualCost).toBeCloseTo(reference.dualCost, 5);
    }
  });

  it.each([1, 2, 5, 17, 64, 128])("computes the half-step for d = %i within 1e-4 of float64", async (d) => {
    const problem = sampleClouds(37, 53, d, d);
    const random = seededRandom(100 + d);
    const g = Float64Array.from({ length: 53 }, () => 0.05 * d * random());
    const solver = await GpuSinkhorn.create(ctx, problem);
    try {
      const epsilon = 0.02 * d;
      const got = await solver.halfStep("rows", g, epsilon);
      const p = solver.problem;
      const want = halfStepReference(
        { own: p.x, other: p.y, nOwn: p.n, nOther: p.m, d, otherPotential: g, otherWeights: p.b },
        epsilon,
        1,
      );
      expect(relativeError(got, want)).toBeLessThanOrEqual(1e-4);
    } finally {
      solver.destroy();
    }
  });

  it.each([
    { d: 3, rowsPerThread: 8, colsPerChunk: 8, tileCols: 256 },
    { d: 64, rowsPerThread: 16, colsPerChunk: 4, tileCols: 64 },
    { d: 128, rowsPerThread: 8, colsPerChunk: 4, tileCols: 32 },
  ])("gets the same half-step with the register-blocked shape large problems use (d = $d)", async (shape) => {
    const { d, ...overrides } = shape;
    const problem = sampleClouds(300, 190, d, 40 + d);
    const random = seededRandom(d);
    const g = Float64Array.from({ length: 190 }, () => 0.05 * d * random());
    const solver = await GpuSinkhorn.create(ctx, problem, { shape: overrides });
    try {
      expect(solver.shape).toMatchObject(overrides);
      const got = await solver.halfStep("rows", g, 0.02 * d);
      const p = solver.problem;
      const want = halfStepReference(
        { own: p.x, other: p.y, nOwn: p.n, nOther: p.m, d, otherPotential: g, otherWeights: p.b },
        0.02 * d,
        1,
      );
      expect(relativeError(got, want)).toBeLessThanOrEqual(1e-4);
    } finally {
      solver.destroy();
    }
  });

  it("handles non-uniform and zero weights: same potentials as float64, no mass on weightless points", async () => {
    const random = seededRandom(11);
    const base = sampleClouds(90, 64, 3, 11);
    const a = Float64Array.from({ length: 90 }, (_, i) => (i % 7 === 0 ? 0 : 0.2 + random()));
    const b = Float64Array.from({ length: 64 }, (_, j) => (j % 5 === 0 ? 0 : random() ** 2));
    const problem = { ...base, a, b };
    const fixed = { epsilon: 0.005, maxIterations: 50, tolerance: 0, checkEvery: 10 };
    const reference = sinkhornReference(problem, fixed);
    const result = await solveSinkhornGpu(ctx, problem, fixed);
    expect(potentialError(prepareProblem(problem), result, reference)).toBeLessThanOrEqual(1e-4);

    const converged = await solveSinkhornGpu(ctx, problem, {
      epsilon: 0.005,
      tolerance: 1e-3,
      maxIterations: 2000,
    });
    expect(converged.converged).toBe(true);
    const p = prepareProblem(problem);
    const plan = transportPlan(p, converged.f, converged.g, 0.005, 1);
    const columnMass = new Float64Array(p.m);
    let rowError = 0;
    for (let i = 0; i < p.n; i++) {
      let rowMass = 0;
      for (let j = 0; j < p.m; j++) {
        rowMass += plan[i * p.m + j] ?? 0;
        columnMass[j] = (columnMass[j] ?? 0) + (plan[i * p.m + j] ?? 0);
      }
      rowError += Math.abs(rowMass - (p.a[i] ?? 0));
    }
    let columnError = 0;
    for (let j = 0; j < p.m; j++) columnError += Math.abs((columnMass[j] ?? 0) - (p.b[j] ?? 0));
    expect(rowError + columnError).toBeLessThanOrEqual(2e-3);
    for (let j = 0; j < p.m; j += 5) expect(columnMass[j]).toBe(0);
  });

  it("stays finite and accurate at a tiny ε (1e-5 on the unit cube)", async () => {
    const problem = sampleClouds(64, 48, 3, 5);
    const options = { epsilon: 1e-5, maxIterations: 40, tolerance: 0, checkEvery: 5 };
    const result = await solveSinkhornGpu(ctx, problem, options);
    expect(allFinite(result.f) && allFinite(result.g)).toBe(true);
    for (const sample of result.errors) {
      expect(Number.isFinite(sample.rowError) && Number.isFinite(sample.columnError)).toBe(true);
    }
    const reference = sinkhornReference(problem, options);
    expect(potentialError(prepareProblem(problem), result, reference)).toBeLessThanOrEqual(1e-4);
  });

  it("stops once the marginal error is below tolerance, reading back only scalars every k iterations", async () => {
    const problem = sampleClouds(100, 100, 2, 3);
    const result = await solveSinkhornGpu(ctx, problem, {
      epsilon: 0.01,
      tolerance: 1e-3,
      checkEvery: 5,
      maxIterations: 1000,
    });
    expect(result.converged).toBe(true);
    expect(result.iterations).toBeLessThan(1000);
    const finalChecks = result.errors.filter((e) => e.epsilon === result.schedule.at(-1));
    expect(result.stoppingReads).toBeLessThanOrEqual(finalChecks.length);
    // At most one batch of k updates runs past the check that met the tolerance.
    const firstMet = finalChecks.find((e) => e.rowError + e.columnError <= 1e-3);
    expect(firstMet).toBeDefined();
    expect(result.iterations - (firstMet?.iteration ?? 0)).toBeLessThanOrEqual(2 * 5);
  });
});

describe("capacity", () => {
  it("runs the fused kernel on a problem whose cost matrix the tensorized baseline cannot hold", async () => {
    const small = await nodeGpuContext({ limits: "default" });
    try {
      const n = 6000;
      expect(tensorizedCapacity(small.limits, n, n).fits).toBe(false);
      const problem = sampleClouds(n, n, 3, 2);
      await expect(GpuSinkhorn.create(small, problem, { kernel: "tensorized" })).rejects.toBeInstanceOf(
        CostMatrixTooLargeError,
      );
      const result = await solveSinkhornGpu(small, problem, {
        epsilon: 0.01,
        schedule: [0.01],
        maxIterations: 2,
        tolerance: 0,
        checkEvery: 2,
      });
      expect(allFinite(result.f) && allFinite(result.g)).toBe(true);
      expect(result.memoryBytes).toBeLessThan(tensorizedCapacity(small.limits, n, n).bytes / 100);
      const p = prepareProblem(problem);
      const rows = [0, 1234, 5999];
      const want = halfStepReference(
        {
          own: p.x,
          other: p.y,
          nOwn: n,
          nOther: n,
          d: 3,
          otherPotential: new Float64Array(n),
          otherWeights: p.b,
        },
        0.01,
        1,
        rows,
      );
      const solver = await GpuSinkhorn.create(small, problem);
      const got = await solver.halfStep("rows", new Float64Array(n), 0.01);
      solver.destroy();
      expect(
        relativeError(
          rows.map((i) => got[i] ?? Number.NaN),
          want,
        ),
      ).toBeLessThanOrEqual(1e-4);
    } finally {
      small.device.destroy();
    }
  });
});

describe("ε-scaling schedule", () => {
  it("follows GeomLoss: the diameter², then ×scaling² per step, down to the target blur²", () => {
    // GeomLoss: [D^p] + [exp(e) for e in arange(p ln D, p ln σ, p ln s)] + [σ^p], D = 2, σ = 0.01, s = 0.5.
    const expected = [4, 4, 1, 0.25, 0.0625, 0.015625, 0.00390625, 0.0009765625, 0.000244140625, 1e-4];
    const schedule = epsilonSchedule(2, 1e-4, 0.5, 1);
    expect(schedule).toHaveLength(expected.length);
    schedule.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 12);
    });
  });
});
