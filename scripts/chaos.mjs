// `npm run chaos`: kills `npm start` at random moments of a morning and checks that it comes back by
// itself. Every subscriber is a reader of its own (issue 10), so the state is made the way users make
// it: CHAOS_SUBSCRIBERS addresses sign up through `POST /subscribe` with three interest lines from real
// text (arXiv category names and recorded paper titles, test/support/reader-interests.ts) and click
// their confirmation link — each becomes a reader with its own Durable Object and its own issue. That
// state is made once (wrangler dev alone, so no morning runs) and copied for every round. Each round
// (capture transport: mail stays in local D1) starts the service on 127.0.0.1, SIGKILLs its whole
// process group at one moment (right after the run started, once a random number of mails went out,
// or inside a send→mark gap), restarts it and waits — no request from here but /healthz — until
// every subscriber's delivery is recorded. Then it counts what each recipient received.
// Bounded: CHAOS_KILLS rounds (default 4), each given CHAOS_ROUND_S seconds (default 240).
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const subscribers = Number(process.env.CHAOS_SUBSCRIBERS ?? 200);
const kills = Number(process.env.CHAOS_KILLS ?? 4);
const roundSeconds = Number(process.env.CHAOS_ROUND_S ?? 240);
const port = Number(process.env.CHAOS_PORT ?? 8799);
let seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const seedUsed = seed;
const work = path.join(root, ".tmp/chaos");
const state = path.join(work, "state");
const prepared = path.join(work, "prepared");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator (mulberry32), so a run can be repeated with CHAOS_SEED. */
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** The local D1 file under the state folder (wrangler's miniflare layout). */
function d1File(under = state) {
  const dir = path.join(under, "v3/d1/miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return path.join(dir, file);
}

/** Runs `fn` on the local D1 file; the Worker writes it concurrently, so a busy read is retried. */
async function withDb(fn, readOnly = true, under = state) {
  for (let i = 0; ; i++) {
    let db;
    try {
      db = new DatabaseSync(d1File(under), { readOnly, timeout: 2000 });
      return fn(db);
    } catch (err) {
      if (i >= 20) throw err;
      await sleep(100);
    } finally {
      db?.close();
    }
  }
}

/** Process groups this script started; whatever happens, none outlives it. */
const groups = new Set();
process.on("exit", () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

function service(env, log) {
  const out = openSync(log, "a");
  return track(
    spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", out, out],
      detached: true, // its own process group: start.mjs, wrangler and workerd die together
    }),
  );
}

function track(child) {
  groups.add(child.pid);
  return child;
}

/**
 * Waits until the service answers. Until then the database file is left alone: `npm start` applies
 * the migrations first, and a reader of ours could make that step find the file busy.
 */
async function serviceUp(deadline) {
  while (Date.now() < deadline) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (up?.ok) return;
    await sleep(100);
  }
}

function killGroup(child, signal = "SIGKILL") {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Waits until no process of the group is left (a SIGKILLed process can still finish a write). */
async function groupGone(child) {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await sleep(25);
  }
  throw new Error(`process group ${child.pid} survived SIGKILL`);
}

/** Real paper titles from the recorded arXiv payloads (test/fixtures), for the interest lines. */
function recordedTitles() {
  const titles = [];
  for (const f of readdirSync(path.join(root, "test/fixtures"))) {
    if (!f.startsWith("arxiv_") || !f.endsWith(".xml")) continue;
    const xml = readFileSync(path.join(root, "test/fixtures", f), "utf8");
    for (const m of xml.matchAll(
      /<item>[\s\S]*?<title>([^<]{10,300})<\/title>|<entry>[\s\S]*?<title>([^<]{10,300})<\/title>/g,
    )) {
      titles.push((m[1] ?? m[2]).replace(/\s+/g, " ").trim());
    }
  }
  return titles;
}

/**
 * Makes the prepared state once: migrations, then `wrangler dev` alone (no morning run, unlike
 * `npm start`), CHAOS_SUBSCRIBERS sign-ups with interests and their confirmation clicks, then the
 * confirmation mails are dropped so only issue mail is counted.
 */
async function prepare() {
  rmSync(prepared, { recursive: true, force: true });
  mkdirSync(prepared, { recursive: true });
  const wrangler = path.join(root, "node_modules/.bin/wrangler");
  const run = (args) =>
    new Promise((resolve, reject) => {
      const p = spawn(wrangler, args, { cwd: root, env: { ...process.env, ...quiet }, stdio: "ignore" });
      p.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} exited ${code}`)),
      );
    });
  if (!existsSync(path.join(root, ".dev.vars")))
    cpSync(path.join(root, ".dev.vars.example"), path.join(root, ".dev.vars"));
  await new Promise((resolve) =>
    spawn(process.execPath, [path.join(root, "scripts/prepare-assets.mjs")], {
      cwd: root,
      stdio: "ignore",
    }).on("exit", resolve),
  );
  await run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", prepared]);
  const log = openSync(path.join(work, "prepare.log"), "w");
  const dev = track(
    spawn(wrangler, ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", prepared], {
      cwd: root,
      env: { ...process.env, ...quiet },
      stdio: ["ignore", log, log],
      detached: true,
    }),
  );
  try {
    await serviceUp(Date.now() + 120_000);
    const { readerInterests } = await import(path.join(root, "test/support/reader-interests.ts"));
    const titles = recordedTitles();
    const base = `http://127.0.0.1:${port}`;
    const signUp = async (i) => {
      const res = await fetch(`${base}/subscribe`, {
        method: "POST",
        // Each sign-up from its own network, as real users' are (the limiter allows 5 a minute per network).
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "cf-connecting-ip": `10.${(i >> 8) & 255}.${i & 255}.1`,
        },
        body: JSON.stringify({ email: `chaos-${i}@example.org`, interests: readerInterests(i, titles) }),
      });
      if (res.status !== 202) throw new Error(`sign-up ${i} answered ${res.status}: ${await res.text()}`);
    };
    const pool = async (n, fn) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          while (next < n) await fn(next++);
        }),
      );
    };
    await pool(subscribers, signUp);
    const links = await withDb(
      (db) =>
        db
          .prepare("SELECT text FROM captured_mail WHERE mail_to LIKE 'chaos-%'")
          .all()
          .map((m) => /\/subscribe\/confirm\/[^\s"<>)]+/.exec(m.text)?.[0]),
      true,
      prepared,
    );
    if (links.length !== subscribers || links.some((l) => !l))
      throw new Error(`${links.length} confirmation links`);
    await pool(subscribers, async (i) => {
      const res = await fetch(`${base}${links[i]}`);
      if (res.status !== 200) throw new Error(`confirmation answered ${res.status}`);
    });
  } finally {
    killGroup(dev);
    await groupGone(dev);
  }
  const readers = await withDb(
    (db) => {
      db.exec("DELETE FROM captured_mail");
      return db
        .prepare("SELECT COUNT(*) AS n FROM readers WHERE kind = 'subscriber' AND status = 'active'")
        .get().n;
    },
    false,
    prepared,
  );
  console.log(`  prepared: ${readers} active subscriber readers, each with its own interests`);
}

/** A round starts from a copy of the prepared state. */
function freshState() {
  rmSync(state, { recursive: true, force: true });
  cpSync(prepared, state, { recursive: true });
}

/** Where the morning stands: run started, mails captured, ledger counts, per-recipient copies. */
function progress(today, readOnly = true) {
  return withDb((db) => {
    const run = db.prepare("SELECT COUNT(*) AS n FROM pipeline_runs WHERE date = ?").get(today).n;
    const mails = db
      .prepare("SELECT mail_to, headers FROM captured_mail WHERE mail_to LIKE 'chaos-%'")
      .all()
      .map((m) => ({ to: m.mail_to, messageId: JSON.parse(m.headers)["Message-ID"] }));
    const ledger = Object.fromEntries(
      db
        .prepare(
          `SELECT d.status, COUNT(*) AS n FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
           WHERE s.address LIKE 'chaos-%' AND d.issue_date = ? GROUP BY d.status`,
        )
        .all(today)
        .map((r) => [r.status, r.n]),
    );
    const gap = db
      .prepare(
        `SELECT s.address FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
         WHERE s.address LIKE 'chaos-%' AND d.issue_date = ? AND d.status = 'pending'
           AND s.address IN (SELECT mail_to FROM captured_mail)`,
      )
      .all(today)
      .map((r) => r.address);
    return { run, mails, ledger, gap };
  }, readOnly);
}

const quiet = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const rows = [];
mkdirSync(work, { recursive: true });
console.log(
  `chaos: ${kills} kills, ${subscribers} subscribers, 127.0.0.1:${port}, seed ${seedUsed}; logs in ${path.relative(root, work)}/`,
);

await prepare();
for (let k = 1; k <= kills; k++) {
  const today = new Date().toISOString().slice(0, 10);
  freshState();
  // Round 1 dies right after the run started, the last round inside a send→mark gap (a mail
  // captured, its ledger row still pending), the others once a random number of mails went out.
  const kind = k === 1 ? "run" : k === kills && kills > 1 ? "gap" : "mails";
  const target = kind === "mails" ? 1 + Math.floor(random() * (subscribers - 1)) : 0;
  const moment =
    kind === "run"
      ? "right after the run started"
      : kind === "gap"
        ? "in a send→mark gap"
        : `after ${target} mails`;
  const log = path.join(work, `round-${k}.log`);
  rmSync(log, { force: true });
  const env = { ...quiet, PORT: String(port), DAILY_FEED_STATE: state, SWEEP_EVERY_S: "30" };
  const deadline = Date.now() + roundSeconds * 1000;

  let child = service(env, log);
  await serviceUp(deadline);
  let atKill;
  for (;;) {
    const p = await progress(today).catch(() => undefined);
    const reached =
      p &&
      (kind === "run"
        ? p.run > 0
        : kind === "gap"
          ? p.gap.length > 0 || p.mails.length >= subscribers - 1
          : p.mails.length >= target);
    if (reached) {
      killGroup(child);
      await groupGone(child);
      // Writable: after a crash the first connection recovers the WAL; do it now, not during the restart.
      atKill = await progress(today, false);
      break;
    }
    if (Date.now() > deadline) break;
    await sleep(kind === "mails" ? 50 : 10);
  }
  if (!atKill) {
    killGroup(child);
    rows.push({ k, moment, error: "never reached the kill moment" });
    continue;
  }
  await sleep(500); // the port is released

  const restarted = Date.now();
  const logBefore = readFileSync(log, "utf8").length;
  child = service(env, log);
  await serviceUp(deadline);
  let done;
  while (Date.now() < deadline) {
    const p = await progress(today).catch(() => undefined);
    if (p && (p.ledger.sent ?? 0) + (p.ledger.failed ?? 0) + (p.ledger.skipped ?? 0) >= subscribers) {
      done = p;
      break;
    }
    await sleep(250);
  }
  const recoverS = done ? (Date.now() - restarted) / 1000 : undefined;
  killGroup(child, "SIGTERM");
  await sleep(500);
  killGroup(child);
  await groupGone(child);
  // The sweeps after the restart that found something to do (start.mjs logs only those).
  const sweeps = readFileSync(log, "utf8")
    .slice(logBefore)
    .split("\n")
    .filter((l) => l.startsWith("› sweep:")).length;
  const final = done ?? (await progress(today));

  const copies = new Map();
  const ids = new Map();
  for (const m of final.mails) {
    copies.set(m.to, (copies.get(m.to) ?? 0) + 1);
    ids.set(m.to, new Set([...(ids.get(m.to) ?? []), m.messageId]));
  }
  let zero = 0;
  let one = 0;
  let more = 0;
  const dupes = [];
  for (let i = 0; i < subscribers; i++) {
    const n = copies.get(`chaos-${i}@example.org`) ?? 0;
    if (n === 0) zero++;
    else if (n === 1) one++;
    else {
      more++;
      dupes.push(`chaos-${i}@example.org`);
    }
  }
  rows.push({
    k,
    moment,
    sentAtKill: atKill.mails.length,
    inGapAtKill: atKill.gap.length,
    zero,
    one,
    more,
    dupesFromGap: dupes.every((d) => atKill.gap.includes(d)),
    sameMessageId: dupes.every((d) => ids.get(d)?.size === 1),
    recoverS,
    sweeps,
  });
  console.log(`  kill ${k} (${moment}): ${JSON.stringify(rows.at(-1))}`);
}

console.log(
  "\n| kill | moment | mails out at kill | in send→mark gap at kill | 0 copies | 1 copy | ≥ 2 copies | duplicates all from the gap, same Message-ID | all delivered, after restart | sweeps that did work |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  if (r.error) {
    console.log(`| ${r.k} | ${r.moment} | ${r.error} | | | | | | | |`);
    continue;
  }
  console.log(
    `| ${r.k} | ${r.moment} | ${r.sentAtKill} | ${r.inGapAtKill} | ${r.zero} | ${r.one} | ${r.more} | ${r.dupesFromGap && r.sameMessageId ? "yes" : "NO"} | ${r.recoverS === undefined ? "not within the round" : `${r.recoverS.toFixed(1)} s`} | ${r.sweeps} |`,
  );
}
const ok = rows.every(
  (r) => !r.error && r.zero === 0 && r.dupesFromGap && r.sameMessageId && r.recoverS !== undefined,
);
console.log(
  ok ? "\n✓ no one skipped, duplicates only from the send→mark gap, no manual step" : "\n✗ see the table",
);
process.exit(ok ? 0 : 1);
