/**
 * The "Run it on your GPU" panels in headless Chromium (WebGPU on SwiftShader): a real issue page rendered by
 * src/render/web.ts, the bundle built by scripts/build-gpu.mjs, served from a tiny local HTTP server.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Issue } from "../../src/issue.ts";
import { renderIssuePage } from "../../src/render/web.ts";
import SECURITY_HEADERS from "../../src/security-headers.json";

/**
 * Set by the node project's globalSetup (test/support/browser-setup.ts): Chromium from @sparticuz/chromium, and
 * the folder of the shared libraries it brings along (given to the browser alone).
 */
const CHROMIUM = process.env.DAILY_FEED_TEST_CHROMIUM;
const CHROMIUM_LIBS = process.env.DAILY_FEED_TEST_CHROMIUM_LIBS;
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--disable-gpu-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
const RUN_TIMEOUT = 150_000;

/**
 * The real issue page, rendered by the Worker's own renderer from the example issue: FlashSinkhorn is
 * tagged optimal-transport (→ Sinkhorn panel); one item is re-tagged attention, under an id full of
 * characters that must be escaped, to get the attention panel as well.
 */
const example = Issue.parse(
  JSON.parse(await readFile(path.join(import.meta.dirname, "../fixtures/issue-2026-02-13.json"), "utf8")),
);
const issuePage = await renderIssuePage(
  {
    ...example,
    items: example.items.map((item, i) =>
      i === 2
        ? {
            ...item,
            candidateId: 'arxiv:<one-sided>&"sdpa"',
            title: "Scaled-Dot-Product Attention as One-Sided Entropic Optimal Transport",
            tags: ["attention"],
          }
        : item,
    ),
  },
  { siteUrl: "http://127.0.0.1" },
);

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css" };

let bundleDir: string;
let server: Server;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  bundleDir = await mkdtemp(path.join(tmpdir(), "gpu-bundle-"));
  await promisify(execFile)(process.execPath, ["scripts/build-gpu.mjs", bundleDir]);
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/" || url.pathname === "/issues/2026-02-13") {
      // The Worker's own headers, CSP included: the page and its panels must work under them.
      response.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8" });
      response.end(issuePage);
      return;
    }
    const file = path.normalize(path.join(bundleDir, url.pathname.replace(/^\/gpu\//, "")));
    if (!url.pathname.startsWith("/gpu/") || !file.startsWith(bundleDir)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          ...SECURITY_HEADERS,
          "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!CHROMIUM)
    throw new Error("DAILY_FEED_TEST_CHROMIUM is unset: run through vitest, whose globalSetup sets it");
  const libraryPath = [CHROMIUM_LIBS, process.env.LD_LIBRARY_PATH].filter((p) => p).join(":");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env: { ...process.env, LD_LIBRARY_PATH: libraryPath },
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

async function openIssue(options: { withoutWebGpu?: boolean } = {}) {
  const context = await browser.newContext();
  if (options.withoutWebGpu) {
    await context.addInitScript(() => {
      Reflect.deleteProperty(Navigator.prototype, "gpu");
    });
  }
  const page = await context.newPage();
  const requests: string[] = [];
  const pageErrors: string[] = [];
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // A Content-Security-Policy violation is reported on the console; it counts as a page error.
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) pageErrors.push(message.text());
  });
  await page.goto(`${baseUrl}/issues/2026-02-13`);
  return { page, requests, pageErrors, close: () => context.close() };
}

async function runPanel(page: Page, kind: string, n: string, d: string) {
  const panel = page.locator(`section.gpu-panel[data-gpu="${kind}"]`);
  await panel.locator('select[name="n"]').selectOption(n);
  await panel.locator('select[name="d"]').selectOption(d);
  await panel.getByRole("button", { name: "Run" }).click();
  await page.waitForFunction(
    (k) => {
      const state = document.querySelector<HTMLElement>(`section.gpu-panel[data-gpu="${k}"]`)?.dataset.state;
      return state === "done" || state === "error";
    },
    kind,
    { timeout: RUN_TIMEOUT - 10_000 },
  );
  const field = (name: string) => panel.locator(`dd[data-field="${name}"]`);
  return {
    state: await panel.getAttribute("data-state"),
    status: await panel.locator(".gpu-panel-status").textContent(),
    backend: await field("backend").getAttribute("data-backend"),
    backendText: await field("backend").textContent(),
    error: Number(await field("error").getAttribute("data-value")),
    errorText: await field("error").textContent(),
    panel,
    field,
  };
}

describe("issue page GPU panels", () => {
  it("load nothing but the small panel script and stylesheet until Run is pressed", async () => {
    const { page, requests, pageErrors, close } = await openIssue();
    try {
      await page.locator('section.gpu-panel[data-gpu="sinkhorn"] button').waitFor();
      expect(requests.filter((p) => p.startsWith("/gpu/")).sort()).toEqual([
        "/gpu/panel.css",
        "/gpu/panel.js",
      ]);
      const size = (await readFile(path.join(bundleDir, "panel.js"))).byteLength;
      expect(size).toBeLessThan(8 * 1024);
      expect(await page.locator(".gpu-panel-fallback").count()).toBe(0);
      expect(await page.locator('section[data-gpu="attention"]').getAttribute("data-item")).toBe(
        'arxiv:<one-sided>&"sdpa"',
      );
      expect(pageErrors).toEqual([]);
    } finally {
      await close();
    }
  });

  it(
    "runs Sinkhorn on WebGPU and shows a small error against the float64 CPU reference",
    async () => {
      const { page, pageErrors, close } = await openIssue();
      try {
        const result = await runPanel(page, "sinkhorn", "128", "3");
        expect(result.state, result.status ?? "").toBe("done");
        expect(result.backend).toBe("webgpu");
        expect(result.backendText).toMatch(/^WebGPU — /);
        expect(result.error).toBeLessThanOrEqual(1e-4);
        expect(Number(await result.field("time").getAttribute("data-value"))).toBeGreaterThan(0);
        expect(Number(await result.field("gflops").getAttribute("data-value"))).toBeGreaterThan(0);
        expect(await result.panel.locator("svg.gpu-panel-curve polyline.total").count()).toBe(1);
        expect(await result.panel.locator("canvas.gpu-panel-heatmap").count()).toBe(1);
        expect(pageErrors).toEqual([]);
      } finally {
        await close();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "shows attention equal to its one-sided OT form and to the float64 reference",
    async () => {
      const { page, pageErrors, close } = await openIssue();
      try {
        const result = await runPanel(page, "attention", "64", "16");
        expect(result.state, result.status ?? "").toBe("done");
        expect(result.backend).toBe("webgpu");
        expect(result.error).toBeLessThanOrEqual(1e-4);
        expect(Number(await result.field("ot").getAttribute("data-value"))).toBeLessThanOrEqual(1e-4);
        expect(await result.panel.locator("svg.gpu-panel-curve polyline.col").count()).toBe(1);
        expect(pageErrors).toEqual([]);
      } finally {
        await close();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "falls back to the CPU in a Web Worker, labelled as such, when the browser has no WebGPU",
    async () => {
      const { page, pageErrors, close } = await openIssue({ withoutWebGpu: true });
      try {
        const status = await page.locator('section[data-gpu="sinkhorn"] .gpu-panel-status').textContent();
        expect(status).toMatch(/No WebGPU/);
        const result = await runPanel(page, "sinkhorn", "128", "2");
        expect(result.state, result.status ?? "").toBe("done");
        expect(result.backend).toBe("cpu");
        expect(result.backendText).toMatch(/CPU fallback/);
        expect(result.errorText).toMatch(/float64 reference/);
        expect(await result.panel.locator("svg.gpu-panel-curve polyline.total").count()).toBe(1);

        const attention = await runPanel(page, "attention", "64", "16");
        expect(attention.state, attention.status ?? "").toBe("done");
        expect(attention.backend).toBe("cpu");
        expect(Number(await attention.field("ot").getAttribute("data-value"))).toBeLessThanOrEqual(1e-10);
        expect(pageErrors).toEqual([]);
      } finally {
        await close();
      }
    },
    RUN_TIMEOUT,
  );
});
