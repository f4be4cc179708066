/**
 * The sweeper brings the day back after a crash or a lost queue message, with no operator: through
 * its cron (`worker.scheduled`), `POST /admin/sweep` (what `npm start` calls after a restart), and
 * the module itself for the morning that died before fanning out. The queue is played by
 * test/workers/queue-harness.ts; every test has readers of its own (they share "today").
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getIssue, insertIssue } from "../../d1/issues";
import { d1Ledger, deliveryCounts, getDelivery } from "../../d1/ledger";
import { activateReader, createReader, getReader } from "../../d1/readers";
import { activateSubscription, getSubscription, upsertPendingEmail } from "../../d1/subscriptions";
import { type DeliveryKey, DeliveryMessage } from "../../src/channels/delivery";
import { confirmUrl, LINK_TTL_SECONDS } from "../../src/channels/links";
import { utcDate } from "../../src/clock";
import { Issue } from "../../src/issue";
import { enqueueDelivery } from "../../workers/delivery";
import worker from "../../workers/index";
import type { BuildMessage } from "../../workers/pipeline";
import { SWEEP_CRON, type SweepPorts, type SweepReport, sweep } from "../../workers/sweeper";
import example from "../fixtures/issue-2026-02-13.json";
import { morningCron, runCron } from "./crons";
import { emailReader, received } from "./mail-readers";
import { runQueue, TestQueue } from "./queue-harness";

/** Past the sweeper's idle limit (10 min) and a delivery lease (15 min). */
const LATER_MS = 16 * 60_000;
const TODAY = utcDate(new Date(Date.now() + LATER_MS));

/** `emailReader`, with today's issue already built when `opts.issue`. */
async function reader(id: string, emails: number, opts: { profile?: boolean; issue?: boolean } = {}) {
  await emailReader(id, emails, opts.profile ?? false);
  if (opts.issue) {
    await insertIssue(
      env.DB,
      Issue.parse({ ...example, readerId: id, date: TODAY, title: `Daily Feed - ${TODAY}` }),
    );
  }
}

function readerOf(body: unknown): string {
  return (body as { readerId: string }).readerId;
}

/** Keeps only `readers`' messages in `queue` (other tests' readers share the day). */
function only(queue: TestQueue, readers: string[]): TestQueue {
  const mine = queue.waiting.filter((m) => readers.includes(readerOf(m.body)));
  queue.waiting.splice(0, queue.waiting.length, ...mine);
  return queue;
}

/** The sweeper's cron, `LATER_MS` from now, into a fresh queue. */
async function sweepCron(baseEnv: Env = env): Promise<TestQueue> {
  const queue = new TestQueue();
  await runCron(SWEEP_CRON, new Date(Date.now() + LATER_MS), queue.env(baseEnv));
  return queue;
}

/** `POST /admin/sweep` as `npm start` sends it after a restart. */
async function sweepAfterRestart(deadBefore: Date): Promise<{ report: SweepReport; queue: TestQueue }> {
  const queue = new TestQueue();
  const res = await worker.fetch(
    new Request("https://feed.example/admin/sweep", {
      method: "POST",
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ deadBefore: deadBefore.toISOString() }),
    }),
    queue.env(env),
    createExecutionContext(),
  );
  expect(res.status).toBe(200);
  return { report: (await res.json()) as SweepReport, queue };
}

/** env.DB that adds up the rows D1 reports reading. */
function countingDb(db: D1Database): { db: D1Database; rowsRead: () => number } {
  let read = 0;
  // The real statement behind each wrapper, for `batch`.
  const real = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = {
      bind: (...v: unknown[]) => wrap(stmt.bind(...v)),
      all: async () => {
        const r = await stmt.all();
        read += r.meta.rows_read ?? 0;
        return r;
      },
      run: async () => {
        const r = await stmt.run();
        read += r.meta.rows_read ?? 0;
        return r;
      },
      first: (col?: string) => (col === undefined ? stmt.first() : stmt.first(col)),
    } as unknown as D1PreparedStatement;
    real.set(wrapped, stmt);
    return wrapped;
  };
  const batch = async (stmts: D1PreparedStatement[]) => {
    const results = await db.batch(stmts.map((s) => real.get(s) ?? s));
    for (const r of results) read += r.meta.rows_read ?? 0;
    return results;
  };
  return {
    db: { ...db, prepare: (sql: string) => wrap(db.prepare(sql)), batch } as D1Database,
    rowsRead: () => read,
  };
}

describe("the sweeper", { timeout: 60_000 }, () => {
  it("delivers a lost queue message within one sweep, and nothing twice", async () => {
    await reader("lost", 5, { issue: true });
    const queue = new TestQueue();
    await enqueueDelivery(queue.env(env), "lost", TODAY);
    queue.waiting.splice(2, 1); // the queue lost lost-2's message
    await runQueue(queue, env);
    expect(await received("lost")).toHaveLength(4);

    const swept = only(await sweepCron(), ["lost"]);
    expect(swept.waiting.map((m) => DeliveryMessage.parse(m.body).subscriptionId)).toEqual(["lost-s2"]);
    await runQueue(swept, env);
    expect(await received("lost")).toEqual([0, 1, 2, 3, 4].map((i) => `lost-${i}@example.org`));
    expect(await deliveryCounts(env.DB, "lost", TODAY)).toMatchObject({ sent: 5, pending: 0 });
  });

  it("leaves a delivery alone while a live sender holds its lease", async () => {
    await reader("busy", 1, { issue: true });
    const queue = new TestQueue();
    await enqueueDelivery(queue.env(env), "busy", TODAY);
    const key: DeliveryKey = { readerId: "busy", date: TODAY, subscriptionId: "busy-s0", channel: "email" };
    // A sender claimed it (a 1-hour lease, say a long Telegram back-off) and is still at work.
    await d1Ledger(env.DB).claim(key, new Date(), 3600);
    expect(only(await sweepCron(), ["busy"]).waiting).toEqual([]);
    expect((await getDelivery(env.DB, key))?.leaseUntil).not.toBeNull();
  });

  it("finishes an interrupted morning after a restart: builds the missing issues and delivers them", async () => {
    await reader("early", 1, { profile: true });
    await reader("late", 2, { profile: true });
    // The morning runs and queues the build jobs, then the process dies with its in-memory queue.
    const morning = new TestQueue();
    await morningCron(TODAY, morning.env(env));
    // Only early's build ran before the crash.
    await runQueue(only(morning, ["early"]), env);
    expect(await received("early")).toEqual(["early-0@example.org"]);
    expect(await getIssue(env.DB, "late", TODAY)).toBeNull();

    const { report, queue } = await sweepAfterRestart(new Date());
    expect(report).toMatchObject({ date: utcDate(new Date()), dayBegun: true, restartedDay: false });
    const builds = queue.waiting.map((m) => m.body as BuildMessage).filter((b) => b.type === "build");
    expect(builds.map((b) => b.readerId)).toContain("late");
    expect(builds.map((b) => b.readerId)).not.toContain("early");
    await runQueue(only(queue, ["late"]), env);
    expect(await getIssue(env.DB, "late", TODAY)).not.toBeNull();
    expect(await received("late")).toEqual(["late-0@example.org", "late-1@example.org"]);
    expect(await received("early")).toEqual(["early-0@example.org"]);
  });

  it("reads a handful of D1 rows and queues nothing when there is nothing to do", async () => {
    await reader("calm", 1, { issue: true });
    // Settle everything this file has left pending, so the next sweep has nothing to do.
    for (let i = 0; i < 3; i++) await runQueue(await sweepCron(), env);
    const count = async (sql: string, ...values: string[]) =>
      (
        await env.DB.prepare(sql)
          .bind(...values)
          .first<{ n: number }>()
      )?.n ?? 0;
    const readers = await count("SELECT COUNT(*) AS n FROM readers WHERE active = 1");
    const runs = await count(
      "SELECT COUNT(*) AS n FROM pipeline_runs WHERE date = ?",
      utcDate(new Date(Date.now() + LATER_MS)),
    );

    const counting = countingDb(env.DB);
    const queue = await sweepCron({ ...env, DB: counting.db } as Env);
    expect(queue.waiting).toEqual([]);
    console.log(
      JSON.stringify({
        noOpSweep: { activeReaders: readers, runsToday: runs, d1RowsRead: counting.rowsRead() },
      }),
    );
    // The day's runs, each active reader, each reader's fan-out row, and a few rows of D1's own
    // accounting for the (empty) range of pending deliveries, and as few for the two statements that
    // look for expired sign-ups (an empty range of a partial index): nothing grows with the subscribers.
    expect(counting.rowsRead()).toBeLessThanOrEqual(2 * readers + runs + 8);
  });
});

describe("the sweep itself", () => {
  function ports(runs: Awaited<ReturnType<SweepPorts["runsOf"]>>, calls: string[]): SweepPorts {
    return {
      runsOf: async () => runs,
      restartDay: async (date) => {
        calls.push(`restart ${date}`);
      },
      activeReaders: async () => ["a", "b"],
      hasIssue: async (readerId) => readerId === "a",
      enqueueBuilds: async (jobs) => {
        calls.push(...jobs.map((j) => `build ${j.readerId}`));
      },
      takeStaleDeliveries: async () => [],
      enqueueDeliveries: async () => {},
      dropExpiredSignups: async () => 0,
    };
  }
  const now = new Date("2026-11-30T07:00:00Z");

  it("runs the morning again when it died before fanning out, once it has been idle a while", async () => {
    const calls: string[] = [];
    const died = [
      { id: "r1", startedAt: "2026-11-30T06:00:00Z", finishedAt: null, status: "running" as const },
    ];
    expect(await sweep(ports(died, calls), { now })).toMatchObject({ restartedDay: true });
    expect(calls).toEqual(["restart 2026-11-30"]);

    const live = [
      { id: "r2", startedAt: "2026-11-30T06:55:00Z", finishedAt: null, status: "running" as const },
    ];
    expect(await sweep(ports(live, []), { now })).toMatchObject({ restartedDay: false, buildsQueued: 0 });
  });

  it("never starts a morning by itself, and builds only the readers without an issue", async () => {
    const calls: string[] = [];
    expect(await sweep(ports([], calls), { now })).toMatchObject({ dayBegun: false, buildsQueued: 0 });
    const done = [
      {
        id: "r3",
        startedAt: "2026-11-30T06:00:00Z",
        finishedAt: "2026-11-30T06:01:00Z",
        status: "ok" as const,
      },
    ];
    expect(await sweep(ports(done, calls), { now })).toMatchObject({ dayBegun: true, buildsQueued: 1 });
    expect(calls).toEqual(["build b"]);
  });
});

describe("sign-ups never confirmed", () => {
  /** A sign-up as the form makes it: a pending reader and its pending subscription, at `at`. */
  async function signedUp(email: string, at: Date) {
    const r = await createReader(env.DB, { name: "Reader", now: at, pendingProfile: "{}" });
    const s = await upsertPendingEmail(env.DB, r.id, email, at);
    return { readerId: r.id, subscriptionId: s.id };
  }
  const ttlMs = LINK_TTL_SECONDS.confirm * 1000;

  it("are gone after a sweep once their confirmation link has expired; the rest stay", async () => {
    const past = new Date(Date.now() - ttlMs - 60 * 60_000);
    const stale = await signedUp("stale-signup@example.org", past);
    const fresh = await signedUp("fresh-signup@example.org", new Date());
    // Signed up long ago, but signed up again since: the new link still works.
    const again = await signedUp("again-signup@example.org", past);
    await upsertPendingEmail(env.DB, again.readerId, "again-signup@example.org", new Date());
    const confirmed = await signedUp("confirmed-signup@example.org", past);
    await activateSubscription(env.DB, confirmed.subscriptionId, past);
    await activateReader(env.DB, confirmed.readerId);

    const link = await confirmUrl("test-token-secret", "https://feed.example", stale.subscriptionId, past);
    await sweepCron();

    expect(await getReader(env.DB, stale.readerId)).toBeNull();
    expect(await getSubscription(env.DB, stale.subscriptionId)).toBeNull();
    expect((await getReader(env.DB, fresh.readerId))?.status).toBe("pending");
    expect((await getSubscription(env.DB, fresh.subscriptionId))?.status).toBe("pending");
    expect((await getReader(env.DB, again.readerId))?.status).toBe("pending");
    expect((await getReader(env.DB, confirmed.readerId))?.status).toBe("active");
    expect((await getSubscription(env.DB, confirmed.subscriptionId))?.status).toBe("active");

    // The old link still answers as an expired one, not as an error.
    const res = await worker.fetch(new Request(link), env, createExecutionContext());
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("This link has expired");
  });
});
