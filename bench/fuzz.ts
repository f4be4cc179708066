/**
 * `npm run bench:fuzz`: runs the fuzz suite (test/workers/fuzz.test.ts, ≥ 1,000 generated hostile
 * requests per endpoint in the Workers runtime) and prints its counts per endpoint — sent, 2xx, 4xx,
 * 5xx, stored-on-reject, reflected and JSON errors without the one error shape — so they can be quoted.
 * Exit status is the suite's. FUZZ_SEED=<n> runs another sample than the suite's fixed one.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { FuzzTally } from "../test/support/fuzz-tally";

const root = path.resolve(import.meta.dirname, "..");
const vitest = path.join(root, "node_modules/.bin/vitest");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

const started = Date.now();
const run = spawnSync(vitest, ["run", "--project", "workers", "test/workers/fuzz.test.ts"], {
  cwd: root,
  env,
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
const seconds = (Date.now() - started) / 1000;
const output = `${run.stdout}\n${run.stderr}`;
const line = /FUZZ_REPORT (\{.*\})/.exec(output)?.[1];
if (!line) {
  process.stderr.write(`${output}\nbench:fuzz: the suite printed no report\n`);
  process.exit(run.status ?? 1);
}

const report = JSON.parse(line) as {
  seed: number;
  runs: number;
  excluded: string[];
  endpoints: Record<string, FuzzTally>;
};

const columns = ["sent", "2xx", "3xx", "4xx", "5xx", "storedOnReject", "reflected", "badErrorShape"] as const;
const heads = ["sent", "2xx", "3xx", "4xx", "5xx", "stored-on-reject", "reflected", "bad error shape"];
const width = 32;
console.log(
  `bench:fuzz — seed ${report.seed}, ${report.runs} generated requests per endpoint, ${seconds.toFixed(0)} s in all`,
);
console.log(`(D1 tables not counted for stored-on-reject: ${report.excluded.join(", ") || "none"})\n`);
console.log(
  `${"endpoint".padEnd(width)}${heads.map((h) => h.padStart(heads.indexOf(h) < 5 ? 7 : 18)).join("")}`,
);
const total: Record<string, number> = {};
for (const [name, t] of Object.entries(report.endpoints)) {
  console.log(
    `${name.padEnd(width)}${columns.map((c, i) => String(t[c]).padStart(i < 5 ? 7 : 18)).join("")}`,
  );
  for (const c of columns) total[c] = (total[c] ?? 0) + t[c];
}
console.log(
  `${"all".padEnd(width)}${columns.map((c, i) => String(total[c] ?? 0).padStart(i < 5 ? 7 : 18)).join("")}`,
);
console.log(`\nsuite: ${run.status === 0 ? "passed" : `FAILED (exit ${run.status})`}`);
process.exitCode = run.status ?? 1;
