/**
 * Delivery fan-out in the Workers runtime with real D1: the ledger under reruns, redelivered queue
 * messages and a crash halfway through; Telegram errors as the Bot API documents them.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { insertIssue } from "../../d1/issues";
import { deliveryCounts, getDelivery, listDeliveries, pendingDeliveries } from "../../d1/ledger";
import { ensureReader } from "../../d1/readers";
import { getSubscription } from "../../d1/subscriptions";
import { DeliveryMessage, type DeliveryOutcome } from "../../src/channels/delivery";
import type { MailMessage, MailTransport } from "../../src/channels/mail";
import { Issue } from "../../src/issue";
import { renderTelegram } from "../../src/render/telegram";
import { enqueueDelivery, handleDeliveryBatch } from "../../workers/delivery";
import example from "../fixtures/issue-2026-02-13.json";
import chatNotFound400 from "../fixtures/telegram_error_400_chat_not_found_2021.json";
import blocked403 from "../fixtures/telegram_error_403_bot_blocked_2020.json";
import retryAfter429 from "../fixtures/telegram_error_429_retry_after_2020.json";
import sentOk from "../fixtures/telegram_sendMessage_response_ok_2021.json";

const DATE = "2026-02-13";

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
  const issue = Issue.parse({ ...example, readerId });
  await insertIssue(env.DB, issue);
  return { issue, ids };
}

function emails(readerId: string, n: number): Sub[] {
  return Array.from({ length: n }, (_, i) => ({
    channel: "email" as const,
    address: `${readerId}-${i}@example.org`,
  }));
}

/** What the queue would hold: the still-pending deliveries, as a batch. */
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

/** Enqueues through a recording queue (so no consumer runs behind the test's back). */
async function enqueue(readerId: string): Promise<{ queued: number; batches: DeliveryMessage[][] }> {
  const batches: DeliveryMessage[][] = [];
  const queue = {
    send: vi.fn(),
    sendBatch: vi.fn(async (messages: Iterable<MessageSendRequest<DeliveryMessage>>) => {
      batches.push([...messages].map((m) => m.body));
    }),
  };
  const queued = await enqueueDelivery(
    { ...env, DELIVERY_QUEUE: queue as unknown as Queue } as Env,
    readerId,
    DATE,
  );
  return { queued, batches };
}

function recorder(): { transport: MailTransport; sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    transport: {
      async send(msg) {
        sent.push(msg);
        return { id: `m${sent.length}` };
      },
    },
  };
}

async function deliver(
  readerId: string,
  overrides: Parameters<typeof handleDeliveryBatch>[2],
): Promise<{ outcomes: DeliveryOutcome[]; acks: number; retries: { msgId: string }[] }> {
  const batch = await pendingBatch(readerId);
  const outcomes = await handleDeliveryBatch(batch, env, overrides);
  const result = await getQueueResult(batch, createExecutionContext());
  return { outcomes, acks: result.explicitAcks.length, retries: result.retryMessages };
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
    const { queued, batches } = await enqueue("fan");
    expect(queued).toBe(260);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 60]);
    const bodies = batches.flat();
    for (const body of bodies) expect(DeliveryMessage.safeParse(body).success).toBe(true);
    expect(new Set(bodies.map((b) => b.subscriptionId))).toEqual(new Set(ids.slice(0, 260)));
  });
});

describe("the delivery ledger", () => {
  it("sends nothing twice when the cron reruns or the queue redelivers", async () => {
    await setup("rerun", emails("rerun", 5));
    await enqueue("rerun");
    const mail = recorder();
    const batch = await pendingBatch("rerun");
    await handleDeliveryBatch(batch, env, { mail: mail.transport });
    expect(mail.sent.map((m) => m.to).sort()).toEqual(
      emails("rerun", 5)
        .map((s) => s.address)
        .sort(),
    );

    // The queue delivers the same messages again (at-least-once): the ledger refuses each.
    const again = await handleDeliveryBatch(batch, env, { mail: mail.transport });
    expect(again.map((o) => o.kind)).toEqual(["done", "done", "done", "done", "done"]);
    // The cron runs again: nothing is pending, nothing is queued.
    expect((await enqueue("rerun")).queued).toBe(0);
    expect(mail.sent).toHaveLength(5);
    expect(await deliveryCounts(env.DB, "rerun", DATE)).toEqual({
      pending: 0,
      sent: 5,
      failed: 0,
      skipped: 0,
    });
  });

  it("gives each recipient their own unsubscribe link and the RFC 8058 headers", async () => {
    const { ids } = await setup("personal", emails("personal", 2));
    await enqueue("personal");
    const mail = recorder();
    await deliver("personal", { mail: mail.transport });
    const links = mail.sent.map(
      (m) => /<(https:\/\/feed\.example\/unsubscribe\/[^>]+)>/.exec(m.headers["List-Unsubscribe"] ?? "")?.[1],
    );
    expect(new Set(links).size).toBe(2);
    mail.sent.forEach((m, i) => {
      expect(m.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(m.html).toContain(`href="${links[i]}"`);
      expect(m.text).toContain(`Unsubscribe: ${links[i]}`);
      expect(m.html).not.toContain("unsubscribe.invalid");
    });
    expect(ids).toHaveLength(2);
  });

  it("after a crash mid-delivery, sends only to the rest — no one twice, no one skipped", async () => {
    await setup("crash", emails("crash", 10));
    await enqueue("crash");

    // First run: three mails go out, then the isolate dies while sending (the send never returns).
    const first: MailMessage[] = [];
    const crashing: MailTransport = {
      send(msg) {
        if (first.length >= 3) return new Promise(() => {});
        first.push(msg);
        return Promise.resolve({ id: `first-${first.length}` });
      },
    };
    void handleDeliveryBatch(await pendingBatch("crash"), env, { mail: crashing });
    await vi.waitFor(async () => {
      const rows = await listDeliveries(env.DB, "crash", DATE);
      expect(rows.filter((r) => r.status === "sent")).toHaveLength(3);
      expect(rows.filter((r) => r.status === "pending" && r.leaseUntil !== null)).toHaveLength(4);
    });

    // Rerun at once: the rows whose sender died are still leased, so they wait; the untouched ones go.
    const second = recorder();
    const soon = await deliver("crash", { mail: second.transport });
    expect(soon.outcomes.filter((o) => o.kind === "sent")).toHaveLength(3);
    expect(soon.retries).toHaveLength(4);
    for (const o of soon.outcomes) if (o.kind === "retry") expect(o.delaySeconds).toBeGreaterThan(0);

    // When the lease has run out, the queue's retry (or the next rerun) claims them again.
    const later = await deliver("crash", {
      mail: second.transport,
      now: () => new Date(Date.now() + 16 * 60_000),
    });
    expect(later.outcomes.filter((o) => o.kind === "sent")).toHaveLength(4);

    const everyone = [...first, ...second.sent].map((m) => m.to);
    expect(everyone).toHaveLength(10);
    expect(new Set(everyone).size).toBe(10);
    expect(await deliveryCounts(env.DB, "crash", DATE)).toEqual({
      pending: 0,
      sent: 10,
      failed: 0,
      skipped: 0,
    });
  });

  it("retries a failed send with a delay and sends it once on the next attempt", async () => {
    const { ids } = await setup("flaky", emails("flaky", 1));
    await enqueue("flaky");
    const failing: MailTransport = {
      async send() {
        throw new Error("421 try again later");
      },
    };
    const first = await deliver("flaky", { mail: failing });
    expect(first.retries).toEqual([{ msgId: "flaky-0" }]);
    expect(first.outcomes).toEqual([
      { kind: "retry", delaySeconds: 30, error: "Error: 421 try again later" },
    ]);
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

    const mail = recorder();
    const second = await deliver("flaky", { mail: mail.transport });
    expect(second.acks).toBe(1);
    expect(mail.sent).toHaveLength(1);
  });

  it("marks a delivery failed after the last attempt instead of retrying forever", async () => {
    await setup("doomed", emails("doomed", 1));
    await enqueue("doomed");
    const failing: MailTransport = {
      async send() {
        throw new Error("connection reset");
      },
    };
    await deliver("doomed", { mail: failing, maxAttempts: 2 });
    const last = await deliver("doomed", { mail: failing, maxAttempts: 2 });
    expect(last.acks).toBe(1);
    expect(last.retries).toHaveLength(0);
    expect(await deliveryCounts(env.DB, "doomed", DATE)).toMatchObject({ failed: 1, pending: 0 });
  });

  it("skips a subscriber who unsubscribed after the issue was queued", async () => {
    const { ids } = await setup("leaver", emails("leaver", 2));
    await enqueue("leaver");
    await env.DB.prepare("UPDATE subscriptions SET status = 'unsubscribed' WHERE id = ?").bind(ids[0]).run();
    const mail = recorder();
    await deliver("leaver", { mail: mail.transport });
    expect(mail.sent.map((m) => m.to)).toEqual(["leaver-1@example.org"]);
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
    const run = await deliver("tg-ok", {});
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
    const run = await deliver("tg-429", {});
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
    const run = await deliver("tg-403", {});
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
    const run = await deliver("tg-400", {});
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
    const first = await deliver("tg-resume", {});
    expect(first.retries).toHaveLength(1);
    await deliver("tg-resume", {});
    const delivered = api.sent.filter((s) => s.ok).map((s) => s.text);
    expect(delivered).toEqual(renderTelegram(issue, { siteUrl: "https://feed.example" }).map((m) => m.text));
  });
});
