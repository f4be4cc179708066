/**
 * The issue page's "Run it on your GPU" panels. This module is all a reader downloads until they press Run: it
 * turns each `section.gpu-panel` into controls; the kernels, the reference and the worker load on the first
 * click (`import("./runner.ts")` is a separate chunk).
 */
import type { PanelParams } from "./runner.ts";

type Kind = PanelParams["kind"];

const SIZES: Record<Kind, number[]> = { sinkhorn: [128, 512, 2048, 8192], attention: [64, 256, 1024, 4096] };
const DIMENSIONS: Record<Kind, number[]> = { sinkhorn: [2, 3, 16, 64], attention: [16, 64] };
const DEFAULTS: Record<Kind, { n: number; d: number }> = {
  sinkhorn: { n: 512, d: 3 },
  attention: { n: 256, d: 64 },
};
const WHAT: Record<Kind, string> = {
  sinkhorn:
    "Entropic optimal transport between two point clouds by log-domain Sinkhorn: each half-step is a fused, tiled log-sum-exp of biased dot products, with the cost computed on the fly (no n × m matrix), ε-scaling, and a GPU-side stopping test.",
  attention:
    "Scaled dot-product attention with a fused tiled kernel, checked against the same result computed as one f-half-step of entropic optimal transport (ε = √d, columns left free).",
};

const workerUrl = new URL("./cpu-worker.js", import.meta.url);

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const el = document.createElement(tag);
  if (className !== "") el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function select(name: string, label: string, options: number[], chosen: number): HTMLLabelElement {
  const wrapper = element("label", "", `${label} `);
  const input = element("select", "");
  input.name = name;
  for (const value of options) {
    const option = element("option", "", String(value));
    option.value = String(value);
    option.selected = value === chosen;
    input.append(option);
  }
  wrapper.append(input);
  return wrapper;
}

function mount(section: HTMLElement): void {
  const kind = section.dataset.gpu;
  if (kind !== "sinkhorn" && kind !== "attention") return;
  section.querySelector(".gpu-panel-fallback")?.remove();
  section.dataset.state = "idle";

  const form = element("form", "gpu-panel-controls");
  form.append(
    select("n", kind === "sinkhorn" ? "n = m" : "tokens n = m", SIZES[kind], DEFAULTS[kind].n),
    select("d", kind === "sinkhorn" ? "d" : "d = dv", DIMENSIONS[kind], DEFAULTS[kind].d),
  );
  const epsilonLabel = element("label", "", "ε ");
  const epsilon = element("input", "");
  epsilon.name = "epsilon";
  if (kind === "sinkhorn") {
    epsilon.type = "number";
    epsilon.step = "any";
    epsilon.min = "0.000001";
    epsilon.value = "0.01";
    epsilon.required = true;
  } else {
    epsilon.type = "text";
    epsilon.value = "√d";
    epsilon.readOnly = true;
  }
  epsilonLabel.append(epsilon);
  const run = element("button", "", "Run");
  run.type = "submit";
  form.append(epsilonLabel, run);

  const hasWebGpu = "gpu" in navigator;
  const status = element("p", "gpu-panel-status");
  status.setAttribute("role", "status");
  status.textContent = hasWebGpu
    ? "WebGPU found: this runs on your GPU. Nothing is computed until you press Run."
    : "No WebGPU in this browser: Run computes on the CPU in a Web Worker (smaller sizes).";
  const results = element("div", "gpu-panel-output");
  section.append(element("h3", "gpu-panel-title", "Run it on your GPU"), element("p", "", WHAT[kind]), form);
  section.append(status, results);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const params: PanelParams = {
      kind,
      n: Number(data.get("n")),
      d: Number(data.get("d")),
      epsilon: kind === "sinkhorn" ? Number(data.get("epsilon")) : 0,
    };
    if (kind === "sinkhorn" && !(params.epsilon > 0)) {
      status.textContent = "ε must be a positive number.";
      return;
    }
    run.disabled = true;
    section.dataset.state = "running";
    const view = {
      status: (text: string) => {
        status.textContent = text;
      },
      results,
    };
    import("./runner.ts")
      .then(({ runPanel }) => runPanel(params, view, workerUrl))
      .then(
        () => {
          section.dataset.state = "done";
        },
        (error: unknown) => {
          section.dataset.state = "error";
          status.textContent = `The run failed: ${error instanceof Error ? error.message : String(error)}`;
        },
      )
      .finally(() => {
        run.disabled = false;
      });
  });
}

for (const section of document.querySelectorAll<HTMLElement>("section.gpu-panel[data-gpu]")) mount(section);
