// `npm start`: the feed on embedded defaults — local D1, Durable Objects and Queues under
// `wrangler dev`, sources replayed from the recorded real payloads, no network, no accounts.
// It applies the migrations, starts the Worker, sweeps (finishing whatever a killed earlier run
// left undone: local queues die with the process), runs the morning pipeline once if today has
// none, waits until http://localhost:8787 shows the issue, and then sweeps every minute (wrangler
// dev does not fire crons by itself).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const wrangler = path.join(root, "node_modules/.bin/wrangler");
// Local state (D1, Durable Objects) lives in wrangler's default folder unless DAILY_FEED_STATE names
// another (npm run chaos uses a throwaway one).
const persist = process.env.DAILY_FEED_STATE ? ["--persist-to", process.env.DAILY_FEED_STATE] : [];

function step(label, cmd, args) {
  console.log(`› ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`✗ ${label} failed`);
    process.exit(r.status ?? 1);
  }
}

// Local conveniences live in .dev.vars only (wrangler.toml is the production configuration):
// mail captured in D1 and readable at /dev/mail, which exists only with DEV_ROUTES=true.
const devVarsPath = path.join(root, ".dev.vars");
if (!existsSync(devVarsPath)) {
  copyFileSync(path.join(root, ".dev.vars.example"), devVarsPath);
  console.log("› created .dev.vars from .dev.vars.example (local secrets, mail capture, dev routes)");
}
let devVars = readFileSync(devVarsPath, "utf8");
const varOf = (name) => new RegExp(`^${name}=(.*)$`, "m").exec(devVars)?.[1]?.trim();
const additions = [];
for (const [name, value] of [
  ["EMAIL_TRANSPORT", "capture"],
  ["DEV_ROUTES", "true"],
]) {
  if (varOf(name) === undefined) additions.push(`${name}=${value}`);
}
// An older .dev.vars may hold a short admin token, which now closes /admin: make a long one.
if ((varOf("ADMIN_TOKEN") ?? "").length < 32) {
  const token = randomBytes(24).toString("hex");
  devVars = devVars.replace(/^ADMIN_TOKEN=.*\n?/m, "");
  additions.push(`ADMIN_TOKEN=${token}`);
}
if (additions.length > 0) {
  devVars = `${devVars.replace(/\n?$/, "\n")}${additions.join("\n")}\n`;
  writeFileSync(devVarsPath, devVars);
  console.log(`› .dev.vars: set ${additions.map((a) => a.split("=")[0]).join(", ")}`);
}
const adminToken = varOf("ADMIN_TOKEN");

step("building static assets", process.execPath, [path.join(root, "scripts/prepare-assets.mjs")]);
step("applying D1 migrations (local)", wrangler, ["d1", "migrations", "apply", "DB", "--local", ...persist]);

// Every job touched before this instant belonged to an earlier, dead process.
const startedAt = new Date();
console.log(`› starting wrangler dev on ${base}`);
const dev = spawn(
  wrangler,
  ["dev", "--port", String(port), "--ip", "127.0.0.1", "--test-scheduled", ...persist],
  {
    cwd: root,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => dev.kill(sig));
dev.on("exit", (code) => process.exit(code ?? 0));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function get(p) {
  try {
    return await fetch(`${base}${p}`);
  } catch {
    return undefined;
  }
}

const deadline = Date.now() + 90_000;
while (!(await get("/healthz"))?.ok) {
  if (Date.now() > deadline) {
    console.error("✗ wrangler dev did not answer within 90 s");
    dev.kill();
    process.exit(1);
  }
  await sleep(500);
}
/** POST /admin/sweep (workers/sweeper.ts); logs when the sweep had something to do. */
async function sweep(body) {
  try {
    const res = await fetch(`${base}/admin/sweep`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      console.error(`✗ sweep answered ${res.status}: ${await res.text()}`);
      return undefined;
    }
    const report = await res.json();
    if (report && (report.restartedDay || report.buildsQueued > 0 || report.deliveriesQueued > 0))
      console.log(`› sweep: ${JSON.stringify(report)}`);
    return report;
  } catch {
    return undefined;
  }
}
const swept = await sweep({ deadBefore: startedAt.toISOString() });
const today = new Date().toISOString().slice(0, 10);
if (!swept?.dayBegun && (await get(`/issues/${today}.json`))?.status !== 200) {
  console.log("› running the morning pipeline on the recorded payloads");
  const res = await fetch(`${base}/admin/run`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: "{}",
  });
  if (!res.ok) console.error(`✗ pipeline run answered ${res.status}: ${await res.text()}`);
}
while ((await get(`/issues/${today}.json`))?.status !== 200 && Date.now() < deadline + 60_000)
  await sleep(500);
setInterval(() => void sweep({}), Number(process.env.SWEEP_EVERY_S ?? 60) * 1000).unref();
const ready = (await get(`/issues/${today}.json`))?.status === 200;
console.log(
  ready
    ? `\n✓ Daily Feed is running: http://localhost:${port}  (issue: /issues/${today}, mail: /dev/mail)\n`
    : "\n✗ the first issue did not appear; see the log above\n",
);
