// Fails when package-lock.json is not what npm would write for package.json: then `npm ci` refuses to
// install on a fresh clone, or `npm install` rewrites the lock and leaves the clone dirty. npm recomputes
// the lock in a scratch copy (lock only: no install, no scripts), so the working tree is never touched.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const scratch = mkdtempSync(path.join(tmpdir(), "daily-feed-lock-"));

/** The npm running this script (npm run sets npm_execpath), else the one on PATH. */
function npm(args, cwd) {
  const cli = process.env.npm_execpath;
  const [file, argv] = cli?.endsWith(".js") ? [process.execPath, [cli, ...args]] : ["npm", args];
  execFileSync(file, argv, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** Lock entries ("node_modules/…" → JSON) that differ between two locks, as "+ added", "- removed", "~ changed". */
function entryDiff(before, after) {
  const a = before.packages ?? {};
  const b = after.packages ?? {};
  const lines = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(key in a)) lines.push(`+ ${key || "(root)"}`);
    else if (!(key in b)) lines.push(`- ${key || "(root)"}`);
    else if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) lines.push(`~ ${key || "(root)"}`);
  }
  return lines;
}

try {
  for (const file of ["package.json", "package-lock.json"])
    copyFileSync(path.join(root, file), path.join(scratch, file));
  npm(
    ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
    scratch,
  );
  const committed = readFileSync(path.join(root, "package-lock.json"), "utf8");
  const recomputed = readFileSync(path.join(scratch, "package-lock.json"), "utf8");
  if (committed !== recomputed) {
    const lines = entryDiff(JSON.parse(committed), JSON.parse(recomputed));
    console.error("package-lock.json is out of sync with package.json; npm would change:");
    console.error(
      lines.length > 0 ? lines.map((l) => `  ${l}`).join("\n") : "  (formatting or top-level fields)",
    );
    console.error("Run `npm install` and commit package-lock.json.");
    process.exitCode = 1;
  } else {
    console.log("package-lock.json is in sync with package.json");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
