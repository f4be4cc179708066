/// <reference types="@webgpu/types" />
/**
 * What a panel does when its Run button is pressed; loaded on the first click only. On WebGPU it runs the
 * kernels on the reader's GPU and checks them against the float64 reference in a Web Worker; without WebGPU the
 * worker runs the whole computation (clearly labelled as the CPU fallback).
 */
import { attentionFlops, oneSidedTransportGpu } from "../src/gpu/attention.ts";
import { adapterLabel, type GpuContext, requestGpuContext } from "../src/gpu/device.ts";
import { type MarginalErrorSample, prepareProblem, type SinkhornOptions } from "../src/gpu/problem.ts";
import { potentialError, relativeMaxError, transportPlan } from "../src/gpu/reference.ts";
import { GpuSinkhorn, sinkhornFlopsPerIteration } from "../src/gpu/sinkhorn.ts";
import {
  attentionFromSpec,
  cloudsFromSpec,
  type ProblemSpec,
  type WorkerRequest,
  type WorkerResponse,
  type WorkerResult,
} from "./protocol.ts";
import { convergenceCurve, formatNumber, planHeatmap } from "./render.ts";

/** The inputs a panel's controls give. */
export interface PanelParams {
  kind: "sinkhorn" | "attention";
  n: number;
  d: number;
  /** Target ε for Sinkhorn; ignored for attention (ε = √d). */
  epsilon: number;
}

/** Where a run writes: a status line and the results area. */
export interface PanelView {
  status(text: string): void;
  results: HTMLElement;
}

/** Largest n the CPU fallback accepts, to keep it to seconds. */
export const CPU_FALLBACK_MAX_N = { sinkhorn: 2048, attention: 1024 } as const;
/** Largest n for which the plan is drawn. */
const HEATMAP_MAX_N = 256;
/** Work (updates · n · m · (d + 10)) under which the float64 check reruns the whole solve. */
const FULL_CHECK_BUDGET = 4e8;
const TOLERANCE = 1e-3;

let gpuContext: Promise<GpuContext | undefined> | undefined;

/** The WebGPU device, requested once (again after a loss); undefined when the browser has no usable adapter. */
async function gpuBackend(): Promise<GpuContext | undefined> {
  if ((await gpuContext)?.lost === true) gpuContext = undefined;
  gpuContext ??= (async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (gpu === undefined) return undefined;
    try {
      return await requestGpuContext(gpu);
    } catch {
      return undefined;
    }
  })();
  return gpuContext;
}

/** A request/response client for the CPU worker, created on first use. */
class CpuWorker {
  readonly #url: URL;
  #worker: Worker | undefined;
  #next = 1;
  readonly #waiting = new Map<
    number,
    { resolve(r: WorkerResult): void; reject(e: Error): void; progress?: (s: MarginalErrorSample) => void }
  >();

  constructor(url: URL) {
    this.#url = url;
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(this.#url, { type: "module", name: "daily-feed-cpu" });
    worker.addEventListener("message", (event: MessageEvent<WorkerResponse>) => {
      const message = event.data;
      const waiter = this.#waiting.get(message.id);
      if (waiter === undefined) return;
      if (message.type === "progress") {
        waiter.progress?.(message.sample);
        return;
      }
      this.#waiting.delete(message.id);
      if (message.type === "done") waiter.resolve(message.result);
      else waiter.reject(new Error(message.message));
    });
    worker.addEventListener("error", (event) => {
      for (const waiter of this.#waiting.values())
        waiter.reject(new Error(`CPU worker failed: ${event.message}`));
      this.#waiting.clear();
    });
    this.#worker = worker;
    return worker;
  }

  request<K extends WorkerResult["kind"]>(
    request: WorkerRequest extends infer R ? (R extends { kind: K } ? Omit<R, "id"> : never) : never,
    progress?: (sample: MarginalErrorSample) => void,
  ): Promise<Extract<WorkerResult, { kind: K }>> {
    const id = this.#next++;
    const worker = this.#start();
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, {
        resolve: (result) => resolve(result as Extract<WorkerResult, { kind: K }>),
        reject,
        progress,
      });
      worker.postMessage({ ...request, id });
    });
  }
}

let cpuWorker: CpuWorker | undefined;

/** Result rows of the panel: a definition list whose entries carry data-field for tests and styling. */
class ResultList {
  readonly #list: HTMLDListElement;

  constructor(parent: HTMLElement) {
    this.#list = document.createElement("dl");
    this.#list.className = "gpu-panel-results";
    parent.append(this.#list);
  }

  set(field: string, label: string, text: string, value?: number): HTMLElement {
    let dd = this.#list.querySelector<HTMLElement>(`dd[data-field="${field}"]`);
    if (dd === null) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      dd = document.createElement("dd");
      dd.dataset.field = field;
      this.#list.append(dt, dd);
    }
    dd.textContent = text;
    if (value !== undefined) dd.dataset.value = String(value);
    return dd;
  }
}

function figure(parent: HTMLElement, caption: string, content: Element): void {
  const fig = document.createElement("figure");
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  fig.append(content, cap);
  parent.append(fig);
}

function pickRows(values: Float64Array, rows: readonly number[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((i, r) => {
    out.set(values.subarray(i * width, i * width + width), r * width);
  });
  return out;
}

function sampledRows(n: number, count: number): number[] {
  const step = Math.max(1, Math.floor(n / count));
  return [...Array(Math.min(n, count)).keys()].map((k) => Math.min(n - 1, k * step));
}

async function runSinkhornGpu(ctx: GpuContext, params: PanelParams, view: PanelView, worker: CpuWorker) {
  const { n, d, epsilon } = params;
  const spec: ProblemSpec = { type: "clouds", n, m: n, d, seed: 1 };
  const problem = cloudsFromSpec(spec);
  const results = new ResultList(view.results);
  results.set("backend", "Backend", `WebGPU — ${adapterLabel(ctx.adapter)}`).dataset.backend = "webgpu";
  view.status("Compiling the kernels…");
  const solver = await GpuSinkhorn.create(ctx, problem);
  try {
    view.status("Iterating on your GPU…");
    const options: SinkhornOptions = { epsilon, tolerance: TOLERANCE, checkEvery: 5, maxIterations: 500 };
    const result = await solver.solve(options);
    const last = result.errors.at(-1);
    results.set(
      "problem",
      "Problem",
      `n = m = ${n}, d = ${d}, ε = ${epsilon}, ${result.schedule.length} ε-steps`,
    );
    results.set(
      "iterations",
      "Iterations",
      `${result.iterations} — ${result.converged ? "converged" : "stopped"}, marginal error ${formatNumber((last?.rowError ?? 0) + (last?.columnError ?? 0))}`,
      result.iterations,
    );
    results.set(
      "time",
      "Time per iteration",
      `${formatNumber(result.msPerIteration)} ms`,
      result.msPerIteration,
    );
    const gflops = sinkhornFlopsPerIteration(n, n, d) / result.msPerIteration / 1e6;
    results.set("gflops", "Throughput", `${formatNumber(gflops)} GFLOP/s (fused kernel, float32)`, gflops);
    results.set(
      "memory",
      "GPU memory",
      `${formatNumber(result.memoryBytes / 2 ** 20)} MiB (no n × m matrix)`,
    );
    figure(
      view.results,
      "Marginal error (L1, rows + columns) per iteration",
      convergenceCurve(result.errors, TOLERANCE),
    );
    if (n <= HEATMAP_MAX_N) {
      const plan = transportPlan(prepareProblem(problem), result.f, result.g, epsilon, 1);
      figure(view.results, `Transport plan P (${n} × ${n}), log scale`, planHeatmap(plan, n, n));
    }
    view.status("Checking against the float64 CPU reference (Web Worker)…");
    const work = result.iterations * n * n * (d + 10);
    if (work <= FULL_CHECK_BUDGET) {
      const reference = await worker.request<"sinkhorn">({
        kind: "sinkhorn",
        spec,
        options: { ...options, maxIterations: result.iterations, tolerance: 0, checkEvery: 0 },
        progress: false,
      });
      const error = potentialError(solver.problem, result, reference.solution);
      results.set(
        "error",
        "Error vs CPU float64",
        `${formatNumber(error)} (max |Δ| / max |ref| on f, g)`,
        error,
      );
    } else {
      const rows = sampledRows(n, 64);
      const [gpu, reference] = await Promise.all([
        solver.halfStep("rows", result.g, epsilon),
        worker.request<"half-step">({ kind: "half-step", spec, g: result.g, epsilon, costScale: 1, rows }),
      ]);
      const error = relativeMaxError(
        rows.map((i) => gpu[i] ?? Number.NaN),
        reference.values,
      );
      results.set(
        "error",
        "Error vs CPU float64",
        `${formatNumber(error)} (one half-step, 64 sampled rows)`,
        error,
      );
    }
  } finally {
    solver.destroy();
  }
}

/** The result list of a CPU-fallback run, labelled as such, with the size cap stated when it applied. */
function cpuFallbackResults(view: PanelView, n: number, requested: number): ResultList {
  const results = new ResultList(view.results);
  results.set(
    "backend",
    "Backend",
    "CPU fallback — float64 in a Web Worker (this browser has no WebGPU)",
  ).dataset.backend = "cpu";
  if (n < requested) results.set("note", "Note", `the CPU fallback runs at most n = ${n}`);
  return results;
}

async function runSinkhornCpu(params: PanelParams, view: PanelView, worker: CpuWorker) {
  const n = Math.min(params.n, CPU_FALLBACK_MAX_N.sinkhorn);
  const { d, epsilon } = params;
  const spec: ProblemSpec = { type: "clouds", n, m: n, d, seed: 1 };
  const results = cpuFallbackResults(view, n, params.n);
  const samples: MarginalErrorSample[] = [];
  const curveHolder = document.createElement("div");
  figure(view.results, "Marginal error (L1, rows + columns) per iteration", curveHolder);
  view.status("Iterating on the CPU (Web Worker)…");
  const options: SinkhornOptions = { epsilon, tolerance: TOLERANCE, checkEvery: 5, maxIterations: 500 };
  const { solution, elapsedMs } = await worker.request<"sinkhorn">(
    { kind: "sinkhorn", spec, options, progress: true },
    (sample) => {
      samples.push(sample);
      curveHolder.replaceChildren(convergenceCurve(samples, TOLERANCE));
    },
  );
  curveHolder.replaceChildren(convergenceCurve(solution.errors, TOLERANCE));
  const msPerIteration = elapsedMs / solution.iterations;
  results.set(
    "problem",
    "Problem",
    `n = m = ${n}, d = ${d}, ε = ${epsilon}, ${solution.schedule.length} ε-steps`,
  );
  results.set(
    "iterations",
    "Iterations",
    `${solution.iterations} — ${solution.converged ? "converged" : "stopped"}`,
    solution.iterations,
  );
  results.set("time", "Time per iteration", `${formatNumber(msPerIteration)} ms (CPU)`, msPerIteration);
  const gflops = sinkhornFlopsPerIteration(n, n, d) / msPerIteration / 1e6;
  results.set("gflops", "Throughput", `${formatNumber(gflops)} GFLOP/s (CPU, float64)`, gflops);
  results.set("error", "Error vs CPU float64", "— this run is the float64 reference", 0);
  if (n <= HEATMAP_MAX_N) {
    const plan = transportPlan(prepareProblem(cloudsFromSpec(spec)), solution.f, solution.g, epsilon, 1);
    figure(view.results, `Transport plan P (${n} × ${n}), log scale`, planHeatmap(plan, n, n));
  }
}

function attentionSpec(n: number, d: number): ProblemSpec & { type: "attention" } {
  return { type: "attention", n, m: n, d, dv: d, seed: 1 };
}

async function runAttentionGpu(ctx: GpuContext, params: PanelParams, view: PanelView, worker: CpuWorker) {
  const { n, d } = params;
  const spec = attentionSpec(n, d);
  const problem = attentionFromSpec(spec);
  const clouds = cloudsFromSpec(spec);
  const epsilon = Math.sqrt(d);
  const results = new ResultList(view.results);
  results.set("backend", "Backend", `WebGPU — ${adapterLabel(ctx.adapter)}`).dataset.backend = "webgpu";
  view.status("Compiling the kernels…");
  const check = await oneSidedTransportGpu(ctx, problem);
  results.set("problem", "Problem", `n = m = ${n}, d = dv = ${d}, ε = √d = ${formatNumber(epsilon)}`);
  results.set("time", "Attention time", `${formatNumber(check.attentionMs)} ms`, check.attentionMs);
  const gflops = attentionFlops(n, n, d, d) / check.attentionMs / 1e6;
  results.set(
    "gflops",
    "Throughput",
    `${formatNumber(gflops)} GFLOP/s (fused tiled kernel, float32)`,
    gflops,
  );
  results.set(
    "ot",
    "Attention as one-sided OT",
    `max rel. difference ${formatNumber(check.difference)}; row marginal error ${formatNumber(check.rowMarginalError)} (enforced), column marginal error ${formatNumber(check.columnMarginalError)} (free)`,
    check.difference,
  );
  view.status("Balancing the columns too: Sinkhorn from the attention plan…");
  const solver = await GpuSinkhorn.create(ctx, clouds, { costScale: 0.5 });
  try {
    const balanced = await solver.solve({
      epsilon,
      schedule: [epsilon],
      initial: { f: check.f, g: check.g },
      checkEvery: 1,
      maxIterations: 40,
      tolerance: 0,
    });
    figure(
      view.results,
      "Marginal error from the attention plan (iteration 0: rows exact, columns free) under two-sided Sinkhorn",
      convergenceCurve(balanced.errors, 0),
    );
  } finally {
    solver.destroy();
  }
  if (n <= HEATMAP_MAX_N) {
    const plan = transportPlan(prepareProblem(clouds), check.f, check.g, epsilon, 0.5);
    figure(view.results, `Attention = one-sided plan (${n} × ${n}), log scale`, planHeatmap(plan, n, n));
  }
  view.status("Checking against the float64 CPU reference (Web Worker)…");
  const rows = n <= CPU_FALLBACK_MAX_N.attention ? undefined : sampledRows(n, 64);
  const reference = await worker.request<"attention">({
    kind: "attention",
    spec,
    rows,
    withTransport: false,
  });
  const got = rows === undefined ? check.attention : pickRows(check.attention, rows, d);
  const error = relativeMaxError(got, reference.output);
  const scope = rows === undefined ? "on the output" : "on 64 sampled rows";
  results.set(
    "error",
    "Error vs CPU float64",
    `${formatNumber(error)} (max |Δ| / max |ref| ${scope})`,
    error,
  );
}

async function runAttentionCpu(params: PanelParams, view: PanelView, worker: CpuWorker) {
  const n = Math.min(params.n, CPU_FALLBACK_MAX_N.attention);
  const { d } = params;
  const spec = attentionSpec(n, d);
  const epsilon = Math.sqrt(d);
  const results = cpuFallbackResults(view, n, params.n);
  view.status("Computing attention on the CPU (Web Worker)…");
  const attention = await worker.request<"attention">({ kind: "attention", spec, withTransport: true });
  const transport = attention.transport;
  if (transport === undefined) throw new Error("the CPU worker returned no transport check");
  results.set("problem", "Problem", `n = m = ${n}, d = dv = ${d}, ε = √d = ${formatNumber(epsilon)}`);
  results.set("time", "Attention time", `${formatNumber(attention.elapsedMs)} ms (CPU)`, attention.elapsedMs);
  const gflops = attentionFlops(n, n, d, d) / attention.elapsedMs / 1e6;
  results.set("gflops", "Throughput", `${formatNumber(gflops)} GFLOP/s (CPU, float64)`, gflops);
  results.set(
    "ot",
    "Attention as one-sided OT",
    `max rel. difference ${formatNumber(transport.difference)}; column marginal error ${formatNumber(transport.columnMarginalError)} (free)`,
    transport.difference,
  );
  results.set("error", "Error vs CPU float64", "— this run is the float64 reference", 0);
  view.status("Balancing the columns too: Sinkhorn from the attention plan (Web Worker)…");
  const balanced = await worker.request<"sinkhorn">({
    kind: "sinkhorn",
    spec,
    options: {
      epsilon,
      costScale: 0.5,
      schedule: [epsilon],
      initial: { f: transport.f, g: transport.g },
      checkEvery: 1,
      maxIterations: 40,
      tolerance: 0,
    },
    progress: false,
  });
  figure(
    view.results,
    "Marginal error from the attention plan (iteration 0: rows exact, columns free) under two-sided Sinkhorn",
    convergenceCurve(balanced.solution.errors, 0),
  );
  if (n <= HEATMAP_MAX_N) {
    const plan = transportPlan(prepareProblem(cloudsFromSpec(spec)), transport.f, transport.g, epsilon, 0.5);
    figure(view.results, `Attention = one-sided plan (${n} × ${n}), log scale`, planHeatmap(plan, n, n));
  }
}

/**
 * Runs one panel: WebGPU when the browser offers an adapter, else the CPU fallback.
 * `workerUrl` is the bundled cpu-worker.js.
 */
export async function runPanel(params: PanelParams, view: PanelView, workerUrl: URL) {
  cpuWorker ??= new CpuWorker(workerUrl);
  view.status("Looking for WebGPU…");
  const ctx = await gpuBackend();
  view.results.replaceChildren();
  if (params.kind === "sinkhorn") {
    if (ctx !== undefined) await runSinkhornGpu(ctx, params, view, cpuWorker);
    else await runSinkhornCpu(params, view, cpuWorker);
  } else if (ctx !== undefined) {
    await runAttentionGpu(ctx, params, view, cpuWorker);
  } else {
    await runAttentionCpu(params, view, cpuWorker);
  }
  view.status("Done.");
}
