/**
 * Messages between the panel runner (page) and the CPU worker. Problems travel as seeds, not arrays: both
 * sides regenerate the same numbers from `src/gpu/samples.ts`.
 */
import type { AttentionProblem } from "../src/gpu/attention.ts";
import type {
  MarginalErrorSample,
  PointCloudProblem,
  SinkhornOptions,
  SinkhornSolution,
} from "../src/gpu/problem.ts";
import { sampleAttention, sampleClouds } from "../src/gpu/samples.ts";

/** A sample problem: two point clouds, or the queries and keys of an attention problem as clouds. */
export type ProblemSpec =
  | { type: "clouds"; n: number; m: number; d: number; seed: number }
  | { type: "attention"; n: number; m: number; d: number; dv: number; seed: number };

export function attentionFromSpec(spec: ProblemSpec & { type: "attention" }): AttentionProblem {
  return sampleAttention(spec.n, spec.m, spec.d, spec.dv, spec.seed);
}

/** The point clouds a spec describes (for attention: x = Q, y = K). */
export function cloudsFromSpec(spec: ProblemSpec): PointCloudProblem {
  if (spec.type === "clouds") return sampleClouds(spec.n, spec.m, spec.d, spec.seed);
  const a = attentionFromSpec(spec);
  return { n: a.n, m: a.m, d: a.d, x: a.q, y: a.k };
}

export type WorkerRequest =
  | { id: number; kind: "sinkhorn"; spec: ProblemSpec; options: SinkhornOptions; progress: boolean }
  | {
      id: number;
      kind: "half-step";
      spec: ProblemSpec;
      /** Real potential of the columns. */
      g: Float64Array;
      epsilon: number;
      costScale: number;
      rows: number[];
    }
  | {
      id: number;
      kind: "attention";
      spec: ProblemSpec & { type: "attention" };
      /** Only these query rows (the check of a large GPU run); all rows when omitted. */
      rows?: number[];
      /** Also redo the one-sided OT form in float64 (the CPU fallback shows it). */
      withTransport: boolean;
    };

export type WorkerResult =
  | { kind: "sinkhorn"; solution: SinkhornSolution; elapsedMs: number }
  | { kind: "half-step"; values: Float64Array; elapsedMs: number }
  | {
      kind: "attention";
      output: Float64Array;
      elapsedMs: number;
      /** The one-sided OT check in float64 (when asked): potentials, n·P·V's distance to attention, P's column error. */
      transport?: { f: Float64Array; g: Float64Array; difference: number; columnMarginalError: number };
    };

export type WorkerResponse =
  | { id: number; type: "progress"; sample: MarginalErrorSample }
  | { id: number; type: "done"; result: WorkerResult }
  | { id: number; type: "error"; message: string };
