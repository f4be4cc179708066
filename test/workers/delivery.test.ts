/**
 * Delivery fan-out in the Workers runtime with real D1, through the Worker's own `queue` handler:
 * the ledger under reruns, redelivered queue messages and a crash halfway through; Telegram errors
 * as the Bot API documents them. Mail goes to the capture transport (the embedded default), whose
 * D1 table is what a recipient would have received; a crash is a D1 statement that never returns.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { insertIssue } from "../../d1/issues";
import { deliveryCounts, getDelivery, listDeliveries, pendingDeliveries } from "../../d1/ledger";
import { ensureReader } from "../../d1/readers";
import { getSubscription } from "../../d1/subscriptions";
import { DeliveryMessage } from "../../src/channels/delivery";
import { utcDate } from "../../src/clock";
import { Issue } from "../../src/issue";
import { renderTelegram } from "../../src/render/telegram";
import { enqueueDelivery } from "../../workers/delivery";
import worker from "../../workers/index";
import { SWEEP_CRON } from "../../workers/sweeper";
import example from "../fixtures/issue-2026-02-13.json";
import chatNotFound400 from "../fixtures/telegram_error_400_chat_not_found_2021.json";
import blocked403 from "../fixtures/telegram_error_403_bot_blocked_2020.json";
import retryAfter429 from "../fixtures/telegram_error_429_retry_after_2020.json";
import sentOk from "../fixtures/telegram_sendMessage_response_ok_2021.json";
import { runCron } from "./crons";
import { type Fault, faultyDb, runQueue, TestQueue } from "./queue-harness";

/** Longer than a delivery lease (15 min): a sweep this much later finds every dead sender's lease run out. */
const AFTER_LEASE_MS = 16 * 60_000;
/** The sweeper looks at the current day, so the issues here are today's (as seen by that later sweep). */
const DATE = utcDate(new Date(Date.now() + AFTER_LEASE_MS));

afterEach(() => {
  vi.restoreAllMocks();
});

interface Sub {
  channel: "email" | "telegram";
  address: string;
  status?: "pending" | "active" | "unsubscribed" | "blocked";
}

/** A reader of its own per test (storage is shared within this file), its subscriptions and its issue. */
async function setup(readerId: string, subs: Sub[]): Promise<{ issue: Issue; ids: string[] }> {
  const at = new Date().toISOString();
  await ensureReader(env.DB, readerId, readerId, new Date());
  const ids = subs.map((_, i) => `${readerId}-s${String(i).padStart(4, "0")}`);
  const statements = subs.map((s, i) =>
    env.DB.prepare(
      `INSERT INTO subscriptions (id, reader_id, channel, address, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).bind(ids[i], readerId, s.channel, s.address, s.status ?? "active", at, at),
  );
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
  const issue = Issue.parse({ ...example, readerId, date: DATE, title: `Daily Feed - ${DATE}` });
  await insertIssue(env.DB, issue);
  return { issue, ids };
}

function emails(readerId: string, n: number): Sub[] {
  return Array.from({ length: n }, (_, i) => ({
    channel: "email" as const,
    address: `${readerId}-${i}@example.org`,
  }));
}

interface Received {
  to: string;
  headers: Record<string, string>;
  html: string;
  text: string;
}

/** The mail each of `readerId`'s recipients received (the capture transport's table), in send order. */
async function inbox(readerId: string): Promise<Received[]> {
  const { results } = await env.DB.prepare(
    "SELECT mail_to, headers, html, text FROM captured_mail WHERE mail_to LIKE ? ORDER BY created_at, rowid",
  )
    .bind(`${readerId}-%`)
    .all<{ mail_to: string; headers: string; html: string; text: string }>();
  return results.map((r) => ({
    to: r.mail_to,
    headers: JSON.parse(r.headers) as Record<string, string>,
    html: r.html,
    text: r.text,
  }));
}

/** How many copies each address received. */
async function copies(readerId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await inbox(readerId)) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
}

/** Seeds the ledger and queues the deliveries into a queue of the test's own. */
async function enqueue(readerId: string): Promise<TestQueue> {
  const queue = new TestQueue();
  await enqueueDelivery(queue.env(env), readerId, DATE);
  return queue;
}

/** What the queue would hold now: the still-pending deliveries, as one batch. */
async function pendingBatch(readerId: string) {
  const keys = await pendingDeliveries(env.DB, readerId, DATE, null, 1000);
  return createMessageBatch<DeliveryMessage>(
    "daily-feed-delivery",
    keys.map((k, i) => ({
      id: `${readerId}-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: { type: "deliver", ...k },
    })),
  );
}

/** Hands the pending deliveries to the Worker's queue handler once; what it acked and retried. */
async function deliver(readerId: string, workerEnv: Env = env) {
  const batch = await pendingBatch(readerId);
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return { acks: result.explicitAcks.length, retries: result.retryMessages };
}

/**
 * The sweeper's cron, `AFTER_LEASE_MS` from now; returns a queue with what it queued for `readerId`
 * (other tests' readers in this file have pending rows of the same day too).
 */
async function sweepLater(readerId: string): Promise<TestQueue> {
  const queue = new TestQueue();
  await runCron(SWEEP_CRON, new Date(Date.now() + AFTER_LEASE_MS), queue.env(env));
  const mine = queue.waiting.filter((m) => DeliveryMessage.parse(m.body).readerId === readerId);
  queue.waiting.splice(0, queue.waiting.length, ...mine);
  return queue;
}

/** env whose D1 stops at the statements `fault` picks. */
function crashingEnv(fault: (sql: string, values: unknown[]) => Fault): Env {
  return { ...env, DB: faultyDb(env.DB, fault) } as Env;
}

describe("enqueueDelivery", () => {
  it("queues one message per active subscription, at most 100 per sendBatch", async () => {
    const subs: Sub[] = [
      ...emails("fan", 250),
      ...Array.from({ length: 10 }, (_, i) => ({ channel: "telegram" as const, address: String(9000 + i) })),
      { channel: "email", address: "pending@example.org", status: "pending" },
      { channel: "email", address: "gone@example.org", status: "unsubscribed" },
      { channel: "telegram", address: "1", status: "blocked" },
    ];
    const { ids } = await setup("fan", subs);
    const batches: number[] = [];
    const queue = new TestQueue();
    const sendBatch = queue.binding.sendBatch.bind(queue.binding);
    const counting = {
      ...queue.binding,
      sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>) => {
        const list = [...messages];
        batches.push(list.length);
        await sendBatch(list);
      },
    } as unknown as Queue;
    const queued = await enqueueDelivery({ ...env, DELIVERY_QUEUE: counting } as Env, "fan", DATE);
    expect(queued).toBe(260);
    expect(batches).toEqual([100, 100, 60]);
    const bodies = queue.waiting.map((m) => m.body);
    for (const body of bodies) expect(DeliveryMessage.safeParse(body).success).toBe(true);
    expect(new Set(bodies.map((b) => DeliveryMessage.parse(b).subscriptionId))).toEqual(
      new Set(ids.slice(0, 260)),
    );
  });
});

describe("the delivery ledger", () => {
  it("sends nothing twice when the cron reruns or the queue redelivers", async () => {
    await setup("rerun", emails("rerun", 5));
    const queue = await enqueue("rerun");
    const sent = [...queue.waiting];
    await runQueue(queue, env);
    expect((await inbox("rerun")).map((m) => m.to).sort()).toEqual(
      emails("rerun", 5)
        .map((s) => s.address)
        .sort(),
    );

    // The queue delivers the same messages again (at-least-once): the ledger refuses each.
    for (const m of sent) queue.push(m.body, 1);
    await runQueue(queue, env);
    // The cron runs again: nothing is pending, nothing is queued.
    expect((await enqueue("rerun")).waiting).toHaveLength(0);
    expect(await inbox("rerun")).toHaveLength(5);
    expect(await deliveryCounts(env.DB, "rerun", DATE)).toEqual({
      pending: 0,
      sent: 5,
      failed: 0,
      skipped: 0,
    });
  });

  it("gives each recipient their own unsubscribe link and the RFC 8058 headers", async () => {
    await setup("personal", emails("personal", 2));
    await runQueue(await enqueue("personal"), env);
    const mails = await inbox("personal");
    const links = mails.map(
      (m) => /<(https:\/\/feed\.example\/unsubscribe\/[^>]+)>/.exec(m.headers["List-Unsubscribe"] ?? "")?.[1],
    );
    expect(mails).toHaveLength(2);
    expect(new Set(links).size).toBe(2);
    mails.forEach((m, i) => {
      expect(m.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(m.html).toContain(`href="${links[i]}"`);
      expect(m.text).toContain(`Unsubscribe: ${links[i]}`);
      expect(m.html).not.toContain("unsubscribe.invalid");
    });
  });

  it("after a crash mid-delivery, sends only to the rest — no one twice, no one skipped", async () => {
    await setup("crash", emails("crash", 10));
    await enqueue("crash");

    // First run: three mails go out, then the isolate dies while sending (the send never returns).
    let saved = 0;
    const dying = crashingEnv((sql) => {
      if (!sql.includes("INSERT INTO captured_mail")) return undefined;
      return ++saved > 3 ? "hang" : undefined;
    });
    void deliver("crash", dying);
    await vi.waitFor(async () => {
      const rows = await listDeliveries(env.DB, "crash", DATE);
      expect(rows.filter((r) => r.status === "sent")).toHaveLength(3);
      expect(rows.filter((r) => r.status === "pending" && r.leaseUntil !== null)).toHaveLength(4);
    });

    // Rerun at once: the rows whose sender died are still leased, so they wait; the untouched ones go.
    const soon = await deliver("crash");
    expect(soon.acks).toBe(3);
    expect(soon.retries).toHaveLength(4);
    const leased = (await listDeliveries(env.DB, "crash", DATE)).filter((r) => r.leaseUntil !== null);
    for (const r of leased) expect(Date.parse(r.leaseUntil ?? "")).toBeGreaterThan(Date.now());
    expect(await inbox("crash")).toHaveLength(6);

    // When the lease has run out, the sweeper queues them again and they go out once.
    const queue = await sweepLater("crash");
    expect(queue.waiting).toHaveLength(4);
    await runQueue(queue, env);

    const everyone = (await inbox("crash")).map((m) => m.to);
    expect(everyone).toHaveLength(10);
    expect(new Set(everyone).size).toBe(10);
    expect(await deliveryCounts(env.DB, "crash", DATE)).toEqual({
      pending: 0,
      sent: 10,
      failed: 0,
      skipped: 0,
    });
  });

  it("after a crash between the accepted send and the mark, sends that one mail again with the same Message-ID and skips no one", async () => {
    const { ids } = await setup("gap", emails("gap", 10));
    await enqueue("gap");
    const victim = ids[2] ?? "";
    // The provider accepted gap-2's mail; the isolate dies before the ledger records it.
    const dying = crashingEnv((sql, values) =>
      sql.includes("SET status = 'sent'") && values.includes(victim) ? "hang" : undefined,
    );
    void deliver("gap", dying);
    await vi.waitFor(async () => {
      expect(await deliveryCounts(env.DB, "gap", DATE)).toMatchObject({ sent: 9, pending: 1 });
      expect(await inbox("gap")).toHaveLength(10);
    });

    const queue = await sweepLater("gap");
    expect(queue.waiting).toHaveLength(1);
    await runQueue(queue, env);

    const received = await copies("gap");
    expect(received.size).toBe(10);
    expect([...received.values()].sort()).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(received.get("gap-2@example.org")).toBe(2);
    const twice = (await inbox("gap")).filter((m) => m.to === "gap-2@example.org");
    expect(twice[0]?.headers["Message-ID"]).toMatch(/^<[0-9a-f]{32}@localhost>$/);
    expect(twice[1]?.headers["Message-ID"]).toBe(twice[0]?.headers["Message-ID"]);
    expect(await deliveryCounts(env.DB, "gap", DATE)).toMatchObject({ sent: 10, pending: 0 });
  });

  it("retries a failed send with a delay and sends it once on the next attempt", async () => {
    const { ids } = await setup("flaky", emails("flaky", 1));
    await enqueue("flaky");
    const failing = crashingEnv((sql) =>
      sql.includes("INSERT INTO captured_mail") ? new Error("421 try again later") : undefined,
    );
    const first = await deliver("flaky", failing);
    expect(first.retries).toEqual([{ msgId: "flaky-0" }]);
    const row = await getDelivery(env.DB, {
      readerId: "flaky",
      date: DATE,
      subscriptionId: ids[0] ?? "",
      channel: "email",
    });
    expect(row).toMatchObject({
      status: "pending",
      attempts: 1,
      leaseUntil: null,
      lastError: "Error: 421 try again later",
    });

    const second = await deliver("flaky");
    expect(second.acks).toBe(1);
    expect(await inbox("flaky")).toHaveLength(1);
  });

  it("marks a delivery failed after the last attempt instead of retrying forever", async () => {
    await setup("doomed", emails("doomed", 1));
    const queue = await enqueue("doomed");
    const failing = crashingEnv((sql) =>
      sql.includes("INSERT INTO captured_mail") ? new Error("connection reset") : undefined,
    );
    const run = await runQueue(queue, failing);
    // Five claims, then the ledger gives up and the message is acked (it never reaches the dead letters).
    expect(run.consumed).toHaveLength(5);
    expect(run.dead).toHaveLength(0);
    expect(await deliveryCounts(env.DB, "doomed", DATE)).toMatchObject({ failed: 1, pending: 0 });
  });

  it("skips a subscriber who unsubscribed after the issue was queued", async () => {
    const { ids } = await setup("leaver", emails("leaver", 2));
    const queue = await enqueue("leaver");
    await env.DB.prepare("UPDATE subscriptions SET status = 'unsubscribed' WHERE id = ?").bind(ids[0]).run();
    await runQueue(queue, env);
    expect((await inbox("leaver")).map((m) => m.to)).toEqual(["leaver-1@example.org"]);
    expect(await deliveryCounts(env.DB, "leaver", DATE)).toMatchObject({ sent: 1, skipped: 1 });
  });
});

describe("Telegram delivery", () => {
  function telegramApi(
    answers: (body: { chat_id: unknown; text: string }, call: number) => [number, unknown],
  ) {
    const sent: { chat_id: unknown; text: string; ok: boolean }[] = [];
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      expect(url).toMatch(/^https:\/\/api\.telegram\.org\/bot123456:TEST\/sendMessage$/);
      const body = JSON.parse(String(init?.body)) as { chat_id: unknown; text: string };
      const [status, payload] = answers(body, sent.length);
      sent.push({ ...body, ok: status === 200 });
      return new Response(JSON.stringify(payload), {
        status,
        headers: { "content-type": "application/json" },
      });
    });
    return { spy, sent };
  }

  it("sends the issue as HTML messages with vote buttons, each once", async () => {
    const { issue } = await setup("tg-ok", [{ channel: "telegram", address: "275808073" }]);
    await enqueue("tg-ok");
    const api = telegramApi(() => [200, sentOk]);
    const run = await deliver("tg-ok");
    expect(run.acks).toBe(1);
    const expected = renderTelegram(issue, { siteUrl: "https://feed.example" });
    expect(api.sent.map((s) => s.text)).toEqual(expected.map((m) => m.text));
    expect(api.sent.every((s) => s.chat_id === "275808073")).toBe(true);
  });

  it("waits retry_after on 429, then sends that message once", async () => {
    await setup("tg-429", [{ channel: "telegram", address: "42" }]);
    await enqueue("tg-429");
    const api = telegramApi((_, call) => (call === 1 ? [429, retryAfter429] : [200, sentOk]));
    const started = Date.now();
    const run = await deliver("tg-429");
    expect(run.acks).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const delivered = api.sent.filter((s) => s.ok).map((s) => s.text);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(api.sent[1]?.text).toBe(api.sent[2]?.text);
    expect(api.sent).toHaveLength(delivered.length + 1);
  });

  it("deactivates the subscription when the user blocked the bot (403)", async () => {
    const { ids } = await setup("tg-403", [{ channel: "telegram", address: "43" }]);
    await enqueue("tg-403");
    telegramApi(() => [403, blocked403]);
    const run = await deliver("tg-403");
    expect(run.acks).toBe(1);
    expect(run.retries).toHaveLength(0);
    const sub = await getSubscription(env.DB, ids[0] ?? "");
    expect(sub).toMatchObject({
      status: "blocked",
      deactivatedReason: "Forbidden: bot was blocked by the user",
    });
    expect(await deliveryCounts(env.DB, "tg-403", DATE)).toMatchObject({ failed: 1 });
  });

  it("logs a 400 with Telegram's description and does not retry it", async () => {
    await setup("tg-400", [{ channel: "telegram", address: "44" }]);
    await enqueue("tg-400");
    telegramApi(() => [400, chatNotFound400]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const run = await deliver("tg-400");
    expect(run.retries).toHaveLength(0);
    expect(warn.mock.calls.flat().join(" ")).toContain("Bad Request: chat not found");
    expect(await deliveryCounts(env.DB, "tg-400", DATE)).toMatchObject({ failed: 1 });
  });

  it("resumes a multi-message issue after the last message that went out", async () => {
    const { issue } = await setup("tg-resume", [{ channel: "telegram", address: "45" }]);
    await enqueue("tg-resume");
    const api = telegramApi((_, call) =>
      call === 1
        ? [500, { ok: false, error_code: 500, description: "Internal Server Error" }]
        : [200, sentOk],
    );
    const first = await deliver("tg-resume");
    expect(first.retries).toHaveLength(1);
    await deliver("tg-resume");
    const delivered = api.sent.filter((s) => s.ok).map((s) => s.text);
    expect(delivered).toEqual(renderTelegram(issue, { siteUrl: "https://feed.example" }).map((m) => m.text));
  });
});
