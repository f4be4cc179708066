import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlanGpu, attentionGpu, oneSidedTransportGpu } from "../../src/gpu/attention.ts";
import type { GpuContext } from "../../src/gpu/device.ts";
import { prepareProblem } from "../../src/gpu/problem.ts";
import {
  applyPlanReference,
  attentionReference,
  relativeMaxError,
  sinkhornReference,
} from "../../src/gpu/reference.ts";
import { sampleAttention, sampleClouds, seededRandom } from "../../src/gpu/samples.ts";
import { nodeGpuContext } from "./dawn.ts";

let ctx: GpuContext;

beforeAll(async () => {
  ctx = await nodeGpuContext();
});

afterAll(() => {
  ctx?.device.destroy();
});

describe("attention on the GPU", () => {
  it.each([
    [130, 70, 16, 8],
    [40, 200, 64, 64],
  ])("equals float64 softmax(QKᵀ/√d)V for n = %i, m = %i, d = %i, dv = %i", async (n, m, d, dv) => {
    const problem = sampleAttention(n, m, d, dv, n + m);
    const run = await attentionGpu(ctx, problem);
    const reference = attentionReference(problem.q, problem.k, problem.v, n, m, d, dv);
    expect(relativeMaxError(run.output, reference)).toBeLessThanOrEqual(1e-4);
  });

  it("is the one-sided entropic OT plan at ε = √d applied to V: rows enforced, columns free", async () => {
    const problem = sampleAttention(96, 80, 16, 8, 5);
    const check = await oneSidedTransportGpu(ctx, problem);
    expect(check.epsilon).toBe(4);
    expect(check.difference).toBeLessThanOrEqual(1e-4);
    const reference = attentionReference(problem.q, problem.k, problem.v, 96, 80, 16, 8);
    expect(relativeMaxError(check.transport, reference)).toBeLessThanOrEqual(1e-4);
    expect(check.rowMarginalError).toBeLessThanOrEqual(1e-5);
    // Attention never balances the keys: the column marginal is far from uniform.
    expect(check.columnMarginalError).toBeGreaterThan(1e-2);
  });
});

describe("transport plan application", () => {
  it("computes P·V without forming P, within 1e-4 of float64, including zero weights", async () => {
    const random = seededRandom(9);
    const base = sampleClouds(75, 60, 5, 9);
    const problem = {
      ...base,
      a: Float64Array.from({ length: 75 }, (_, i) => (i % 9 === 0 ? 0 : 1 + random())),
    };
    const epsilon = 0.02;
    const solution = sinkhornReference(problem, { epsilon, maxIterations: 80, tolerance: 0 });
    const values = Float64Array.from({ length: 60 * 3 }, () => random() * 2 - 1);
    const run = await applyPlanGpu(ctx, problem, solution, epsilon, 1, values, 3);
    const reference = applyPlanReference(
      prepareProblem(problem),
      solution.f,
      solution.g,
      epsilon,
      1,
      values,
      3,
    );
    expect(relativeMaxError(run.output, reference)).toBeLessThanOrEqual(1e-4);
    for (let i = 0; i < 75; i += 9) expect(Math.abs(run.output[3 * i] ?? Number.NaN)).toBe(0);
  });
});
