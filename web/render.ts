/**
 * Drawing for the panels: the marginal-error convergence curve (inline SVG) and the transport plan heat map
 * (canvas).
 */
import type { MarginalErrorSample } from "../src/gpu/problem.ts";

const SVG_NS = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Compact number formatting for the panel (3 significant digits, exponent when far from 1). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? value.toPrecision(3) : value.toExponential(2);
}

/**
 * Log-scale plot of the L1 marginal error (rows + columns, and each side dashed) against the iteration, with
 * the tolerance as a horizontal rule.
 */
export function convergenceCurve(samples: readonly MarginalErrorSample[], tolerance: number): SVGSVGElement {
  const width = 360;
  const height = 180;
  const margin = { left: 44, right: 10, top: 10, bottom: 28 };
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    class: "gpu-panel-curve",
  });
  const title = svg("title", {});
  title.textContent = "Marginal error (L1) against iterations, log scale";
  root.append(title);
  const points = samples
    .map((s) => ({ x: s.iteration, total: s.rowError + s.columnError, row: s.rowError, col: s.columnError }))
    .filter((p) => p.total > 0 && Number.isFinite(p.total));
  if (points.length === 0) return root;
  const floor = (v: number) => Math.log10(Math.max(v, 1e-9));
  const values = points.flatMap((p) => [floor(p.total), floor(p.row), floor(p.col)]);
  if (tolerance > 0) values.push(floor(tolerance));
  const yMin = Math.floor(Math.min(...values));
  const yMax = Math.ceil(Math.max(...values, yMin + 1));
  const xMin = Math.min(...points.map((p) => p.x));
  const xMax = Math.max(xMin + 1, ...points.map((p) => p.x));
  const sx = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * (width - margin.left - margin.right);
  const sy = (y: number) => margin.top + ((yMax - y) / (yMax - yMin)) * (height - margin.top - margin.bottom);
  for (let y = yMin; y <= yMax; y++) {
    root.append(
      svg("line", { x1: margin.left, x2: width - margin.right, y1: sy(y), y2: sy(y), class: "grid" }),
    );
    const label = svg("text", { x: margin.left - 4, y: sy(y) + 4, "text-anchor": "end", class: "tick" });
    label.textContent = `1e${y}`;
    root.append(label);
  }
  const xLabel = svg("text", { x: width - margin.right, y: height - 6, "text-anchor": "end", class: "tick" });
  xLabel.textContent = `iteration ${xMin}–${xMax}`;
  root.append(xLabel);
  if (tolerance > 0) {
    const y = sy(floor(tolerance));
    root.append(svg("line", { x1: margin.left, x2: width - margin.right, y1: y, y2: y, class: "tolerance" }));
  }
  const line = (pick: (p: (typeof points)[number]) => number, cls: string) =>
    svg("polyline", {
      points: points.map((p) => `${sx(p.x).toFixed(1)},${sy(floor(pick(p))).toFixed(1)}`).join(" "),
      class: cls,
    });
  root.append(
    line((p) => p.row, "row"),
    line((p) => p.col, "col"),
    line((p) => p.total, "total"),
  );
  return root;
}

const STOPS: [number, number, number][] = [
  [13, 8, 135],
  [126, 3, 168],
  [204, 71, 120],
  [248, 149, 64],
  [240, 249, 33],
];

function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i] ?? [0, 0, 0];
  const b = STOPS[i + 1] ?? a;
  return [0, 1, 2].map((c) => Math.round((a[c] ?? 0) + f * ((b[c] ?? 0) - (a[c] ?? 0)))) as [
    number,
    number,
    number,
  ];
}

/** The plan P (n × m, row-major) as an image, four decades of log scale below its largest entry. */
export function planHeatmap(plan: Float64Array, n: number, m: number): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = m;
  canvas.height = n;
  canvas.className = "gpu-panel-heatmap";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `transport plan, ${n} × ${m}, log scale`);
  const context = canvas.getContext("2d");
  if (context === null) return canvas;
  let max = 0;
  for (const v of plan) max = Math.max(max, v);
  const image = context.createImageData(m, n);
  for (let k = 0; k < n * m; k++) {
    const v = plan[k] ?? 0;
    const t = v > 0 && max > 0 ? 1 + Math.log10(v / max) / 4 : 0;
    const [r, g, b] = colour(t);
    image.data.set([r, g, b, 255], 4 * k);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}
