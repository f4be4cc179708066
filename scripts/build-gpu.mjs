/**
 * Bundles the issue page's WebGPU panel into the Worker's static assets (public/gpu/, gitignored):
 *   panel.js       the small module script every issue page loads (controls only)
 *   chunks/*.js    the kernels, host code and drawing, fetched on the first Run click
 *   cpu-worker.js  the float64 reference / CPU fallback, a module Web Worker
 *   panel.css      the panel's styles
 * Usage: node scripts/build-gpu.mjs [outdir]   (npm run build:gpu)
 */
import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Builds the bundle into `outdir` (default public/gpu) and returns the size of each output file in bytes. */
export async function buildGpuBundle(outdir = path.join(root, "public", "gpu")) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { panel: "web/panel.ts", "cpu-worker": "web/cpu-worker.ts" },
    outdir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome113", "firefox115", "safari17"],
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  await copyFile(path.join(root, "web", "panel.css"), path.join(outdir, "panel.css"));
  const sizes = {};
  for (const file of [...Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f))]) {
    sizes[path.relative(outdir, file)] = (await stat(file)).size;
  }
  sizes["panel.css"] = (await stat(path.join(outdir, "panel.css"))).size;
  return sizes;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outdir = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const sizes = await buildGpuBundle(outdir);
  for (const [file, bytes] of Object.entries(sizes))
    console.log(`${file.padEnd(40)} ${(bytes / 1024).toFixed(1)} KiB`);
}
