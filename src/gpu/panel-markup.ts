/**
 * Server-side markup of the "Run it on your GPU" panels on the issue page. Pure string functions, safe in the
 * Worker: the page carries one placeholder section per item and, once, the script and stylesheet that bring
 * the placeholders to life (the script is small; the kernels load on the first click).
 */

/** Which computation a panel runs. */
export type GpuPanelKind = "sinkhorn" | "attention";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const DESCRIPTIONS: Record<GpuPanelKind, string> = {
  sinkhorn: "entropic optimal transport between two point clouds (fused log-domain Sinkhorn)",
  attention: "scaled dot-product attention and its one-sided optimal-transport form",
};

/**
 * The panel for an item, e.g. `gpuPanelMarkup("sinkhorn", candidateId)`: a `section.gpu-panel` with a
 * `<noscript>` note and a fallback paragraph that the script replaces with the controls.
 */
export function gpuPanelMarkup(kind: GpuPanelKind, itemId: string): string {
  if (kind !== "sinkhorn" && kind !== "attention") throw new Error(`unknown GPU panel kind: ${String(kind)}`);
  const what = DESCRIPTIONS[kind];
  return (
    `<section class="gpu-panel" data-gpu="${kind}" data-item="${escapeHtml(itemId)}">` +
    `<noscript>Run it on your GPU: this panel computes ${what} in your browser and needs JavaScript.</noscript>` +
    `<p class="gpu-panel-fallback">Run it on your GPU: ${what}. Needs a browser with JavaScript modules.</p>` +
    "</section>"
  );
}

/** The stylesheet and module script, once per page that has at least one panel. */
export function gpuPageAssets(): string {
  return '<link rel="stylesheet" href="/gpu/panel.css"><script type="module" src="/gpu/panel.js"></script>';
}

/** The panel an item gets from its tags: "attention" → attention, "optimal-transport" → Sinkhorn, else none. */
export function gpuPanelKind(tags: readonly string[]): GpuPanelKind | undefined {
  if (tags.includes("attention")) return "attention";
  if (tags.includes("optimal-transport")) return "sinkhorn";
  return undefined;
}
