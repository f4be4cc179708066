import { describe, expect, it } from "vitest";
import { gpuPageAssets, gpuPanelKind, gpuPanelMarkup } from "../../src/gpu/panel-markup.ts";

describe("issue page GPU panel markup", () => {
  it("gives each item a section keyed by kind and item, with the item id escaped", () => {
    const html = gpuPanelMarkup("sinkhorn", `arxiv:2602.03067"><script>alert(1)</script>`);
    expect(html).toMatch(
      /^<section class="gpu-panel" data-gpu="sinkhorn" data-item="arxiv:2602\.03067&quot;&gt;/,
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("<noscript>");
    expect(html).toContain('<p class="gpu-panel-fallback">');
    expect(html.endsWith("</section>")).toBe(true);
  });

  it("loads the panel as one module script and one stylesheet", () => {
    expect(gpuPageAssets()).toBe(
      '<link rel="stylesheet" href="/gpu/panel.css"><script type="module" src="/gpu/panel.js"></script>',
    );
  });

  it("picks the panel from the item's tags", () => {
    expect(gpuPanelKind(["optimal-transport", "ml"])).toBe("sinkhorn");
    expect(gpuPanelKind(["attention"])).toBe("attention");
    expect(gpuPanelKind(["optimal-transport", "attention"])).toBe("attention");
    expect(gpuPanelKind(["finance"])).toBeUndefined();
  });
});
