/**
 * `npm run bench:archive`: the public archive under load, on loopback only. It starts `wrangler dev`
 * on 127.0.0.1 with its own local state, stores one built issue (test/fixtures/issue-2026-02-13.json,
 * a real issue of the pipeline), and drives `/healthz`, the issue page, `/feed.xml` and `/` in turn
 * with autocannon (bounded connections and duration), in interleaved rounds so that the machine's
 * drifting load falls on every path alike. The issue page is also measured with the ETag a
 * returning browser sends (304).
 *
 * Prints, per path: requests/s, the ratio to `/healthz`, p50 and p99 latency, non-2xx and errors.
 * The goal is the issue page at ≥ 0.8× `/healthz` with 0 errors. Exit 1 on any error or non-2xx.
 *
 * Env: BENCH_CONNECTIONS (20), BENCH_SECONDS (5 per path and round), BENCH_ROUNDS (3), BENCH_PORT (8799).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { Issue } from "../src/issue";

const root = path.resolve(import.meta.dirname, "..");
const HOST = "127.0.0.1";
const PORT = Number(process.env.BENCH_PORT ?? 8799);
const CONNECTIONS = Math.min(64, Number(process.env.BENCH_CONNECTIONS ?? 20));
const SECONDS = Math.min(60, Number(process.env.BENCH_SECONDS ?? 5));
const ROUNDS = Math.min(10, Number(process.env.BENCH_ROUNDS ?? 3));
const base = `http://${HOST}:${PORT}`;
const state = path.join(root, ".tmp/bench-archive-state");
const wrangler = path.join(root, "node_modules/.bin/wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

function run(label: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status})`);
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Local D1 with the schema and one built issue of the public reader ("demo"). */
function prepareState(issue: Issue): void {
  rmSync(state, { recursive: true, force: true });
  mkdirSync(state, { recursive: true });
  run("static assets", process.execPath, [path.join(root, "scripts/prepare-assets.mjs")]);
  run("migrations", wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const sql = path.join(state, "seed.sql");
  writeFileSync(
    sql,
    `INSERT INTO readers (id, name, created_at) VALUES ('demo', 'Demo', ${sqlString(issue.generatedAt)});
INSERT INTO issues (reader_id, date, title, summary, data, run_id, created_at) VALUES (${[
      issue.readerId,
      issue.date,
      issue.title,
      issue.summary,
      JSON.stringify(issue),
      "bench",
      issue.generatedAt,
    ]
      .map(sqlString)
      .join(", ")});
`,
  );
  run("seed", wrangler, ["d1", "execute", "DB", "--local", "--persist-to", state, "--file", sql]);
}

function startWorker(): ChildProcess {
  const args = [
    "dev",
    "--ip",
    HOST,
    "--port",
    String(PORT),
    "--persist-to",
    state,
    "--var",
    `SITE_URL:${base}`,
    "--var",
    "TOKEN_SECRET:bench-archive-token-secret-0123456789",
    "--log-level",
    "error",
  ];
  // Its own process group, so that stopping it stops workerd too.
  return spawn(wrangler, args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
}

async function waitFor(url: string, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer in time`);
}

interface Row {
  label: string;
  path: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(label: string, urlPath: string, headers: Record<string, string> = {}): Promise<Row> {
  const url = `${base}${urlPath}`;
  if (new URL(url).hostname !== HOST) throw new Error("loopback only");
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers, timeout: 10 });
  // A 304 is the expected answer to a matching If-None-Match, not a failure.
  const notOk = r.non2xx - (headers["if-none-match"] ? r["3xx"] : 0);
  return {
    label,
    path: urlPath,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: notOk,
    errors: r.errors,
  };
}

const issue = Issue.parse(
  JSON.parse(readFileSync(path.join(root, "test/fixtures/issue-2026-02-13.json"), "utf8")),
);
const issuePath = `/issues/${issue.date}`;
console.log(
  `bench:archive — wrangler dev on ${base}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per path`,
);
prepareState(issue);
const worker = startWorker();
const stop = () => {
  if (worker.pid !== undefined) {
    try {
      process.kill(-worker.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
};
process.on("exit", stop);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

try {
  await waitFor(`${base}/healthz`, Date.now() + 120_000);
  // The first request renders and stores the issue; that one-off cost is not what is measured.
  const first = await fetch(`${base}${issuePath}`);
  if (!first.ok) throw new Error(`${issuePath} answered ${first.status}`);
  const etag = first.headers.get("etag") ?? "";
  for (const p of ["/", "/feed.xml", "/healthz"]) await (await fetch(`${base}${p}`)).arrayBuffer();

  // Interleaved rounds: the machine's load drifts, and every path should see the same drift.
  const plan: [string, string, Record<string, string>][] = [
    ["healthz", "/healthz", {}],
    ["issue page", issuePath, {}],
    ["issue page, If-None-Match (304)", issuePath, { "if-none-match": etag }],
    ["feed.xml", "/feed.xml", {}],
    ["/ (latest issue)", "/", {}],
  ];
  const rounds: Row[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rows: Row[] = [];
    for (const [label, p, headers] of plan) rows.push(await measure(label, p, headers));
    rounds.push(rows);
  }
  // Per path: mean throughput over the rounds, the worst round's p50 and p99, all failures.
  const rows: Row[] = plan.map(([label, p], i) => {
    const runs = rounds.map((r) => r[i]).filter((r): r is Row => r !== undefined);
    return {
      label,
      path: p,
      rps: runs.reduce((s, r) => s + r.rps, 0) / runs.length,
      p50: Math.max(...runs.map((r) => r.p50)),
      p99: Math.max(...runs.map((r) => r.p99)),
      non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
      errors: runs.reduce((s, r) => s + r.errors, 0),
    };
  });

  const baseline = rows[0]?.rps ?? Number.NaN;
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `\n${pad("path", 34)}${pad("req/s", 10)}${pad("× healthz", 11)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("non-2xx", 9)}errors`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.label, 34)}${pad(r.rps.toFixed(0), 10)}${pad((r.rps / baseline).toFixed(2), 11)}${pad(String(r.p50), 8)}${pad(String(r.p99), 8)}${pad(String(r.non2xx), 9)}${r.errors}`,
    );
  }
  const page = rows.find((r) => r.label === "issue page");
  const ratio = page ? page.rps / baseline : 0;
  const failures = rows.reduce((s, r) => s + r.errors + r.non2xx, 0);
  console.log(
    `\nissue page: ${ratio.toFixed(2)}× /healthz (goal ≥ 0.80) — ${ratio >= 0.8 ? "met" : "NOT met"}; errors and non-2xx: ${failures}`,
  );
  process.exitCode = failures > 0 ? 1 : 0;
} catch (err) {
  console.error(`bench:archive: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  stop();
}
