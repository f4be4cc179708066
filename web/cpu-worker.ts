/**
 * The CPU side of the panels, off the page's main thread: the float64 reference that GPU results are checked
 * against, and the whole computation when the browser has no WebGPU.
 */
import { prepareProblem } from "../src/gpu/problem.ts";
import {
  applyPlanReference,
  attentionReference,
  halfStepReference,
  planColumnSums,
  relativeMaxError,
  sinkhornReference,
} from "../src/gpu/reference.ts";
import { attentionFromSpec, cloudsFromSpec, type WorkerRequest, type WorkerResponse } from "./protocol.ts";

interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: "message", listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

/**
 * Attention redone as one f-half-step of entropic OT with c = ½‖q − k‖², ε = √d and g = ½‖k‖², then n·P·V:
 * its distance to `attention`, and how far P's columns are from uniform (they are left free).
 */
function oneSidedTransport(a: ReturnType<typeof attentionFromSpec>, attention: Float64Array) {
  const p = prepareProblem({ n: a.n, m: a.m, d: a.d, x: a.q, y: a.k });
  const epsilon = Math.sqrt(a.d);
  const g = new Float64Array(a.m);
  for (let j = 0; j < a.m; j++) {
    for (let c = 0; c < a.d; c++) g[j] = (g[j] ?? 0) + 0.5 * (p.y[j * a.d + c] ?? 0) ** 2;
  }
  const f = halfStepReference(
    { own: p.x, other: p.y, nOwn: p.n, nOther: p.m, d: p.d, otherPotential: g, otherWeights: p.b },
    epsilon,
    0.5,
  );
  const transport = applyPlanReference(p, f, g, epsilon, 0.5, a.v, a.dv).map((v) => v * a.n);
  const columns = planColumnSums(p, f, g, epsilon, 0.5);
  let columnMarginalError = 0;
  for (let j = 0; j < p.m; j++) columnMarginalError += Math.abs((columns[j] ?? 0) - (p.b[j] ?? 0));
  return { f, g, difference: relativeMaxError(transport, attention), columnMarginalError };
}

function handle(request: WorkerRequest): void {
  const started = performance.now();
  switch (request.kind) {
    case "sinkhorn": {
      const solution = sinkhornReference(cloudsFromSpec(request.spec), request.options, (sample) => {
        if (request.progress) scope.postMessage({ id: request.id, type: "progress", sample });
        return undefined;
      });
      const elapsedMs = performance.now() - started;
      scope.postMessage({ id: request.id, type: "done", result: { kind: "sinkhorn", solution, elapsedMs } });
      return;
    }
    case "half-step": {
      const p = prepareProblem(cloudsFromSpec(request.spec));
      const values = halfStepReference(
        {
          own: p.x,
          other: p.y,
          nOwn: p.n,
          nOther: p.m,
          d: p.d,
          otherPotential: request.g,
          otherWeights: p.b,
        },
        request.epsilon,
        request.costScale,
        request.rows,
      );
      const elapsedMs = performance.now() - started;
      scope.postMessage({ id: request.id, type: "done", result: { kind: "half-step", values, elapsedMs } });
      return;
    }
    case "attention": {
      const a = attentionFromSpec(request.spec);
      const output = attentionReference(a.q, a.k, a.v, a.n, a.m, a.d, a.dv, request.rows);
      const elapsedMs = performance.now() - started;
      const transport = request.withTransport ? oneSidedTransport(a, output) : undefined;
      scope.postMessage({
        id: request.id,
        type: "done",
        result: { kind: "attention", output, elapsedMs, ...(transport ? { transport } : {}) },
      });
      return;
    }
  }
}

scope.addEventListener("message", (event) => {
  try {
    handle(event.data);
  } catch (error) {
    scope.postMessage({ id: event.data.id, type: "error", message: String(error) });
  }
});
