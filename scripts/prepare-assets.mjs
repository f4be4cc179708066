// Fills the Worker's static assets (public/) with what is built, not committed:
//   public/katex/   KaTeX's stylesheet and fonts (math on the issue pages, typeset server-side)
//   public/replay/  the recorded real payloads that the embedded default replays (no network)
//   public/gpu/     the WebGPU bundle (scripts/build-gpu.mjs), when its sources are present
//   public/_headers the security headers of the Worker's responses (src/security-headers.json), for
//                   the static assets, which are served without running the Worker
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pub = path.join(root, "public");

const katexDist = path.join(root, "node_modules/katex/dist");
mkdirSync(path.join(pub, "katex"), { recursive: true });
cpSync(path.join(katexDist, "katex.min.css"), path.join(pub, "katex/katex.min.css"));
cpSync(path.join(katexDist, "fonts"), path.join(pub, "katex/fonts"), { recursive: true });

const fixtures = path.join(root, "test/fixtures");
mkdirSync(path.join(pub, "replay"), { recursive: true });
for (const f of readdirSync(fixtures)) {
  // recorded e-prints (eprint_<arXiv id>.tar.gz / .gz) replay like the other payloads
  if (/\.(xml|json)$/.test(f) || /^eprint_\d{4}\.\d{4,5}\.(tar\.gz|gz)$/.test(f))
    cpSync(path.join(fixtures, f), path.join(pub, "replay", f));
}

if (existsSync(path.join(root, "scripts/build-gpu.mjs"))) {
  const r = spawnSync(process.execPath, [path.join(root, "scripts/build-gpu.mjs")], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const headers = JSON.parse(readFileSync(path.join(root, "src/security-headers.json"), "utf8"));
writeFileSync(
  path.join(pub, "_headers"),
  `/*\n${Object.entries(headers)
    .map(([name, value]) => `  ${name}: ${value}\n`)
    .join("")}`,
);

const built = existsSync(path.join(pub, "gpu")) ? ", public/gpu" : "";
console.log(`assets ready: public/katex, public/replay${built}, public/_headers`);
