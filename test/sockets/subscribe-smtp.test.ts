/**
 * Email subscription through the real Worker code path and a real SMTP server: the routes and the
 * delivery consumer run in workerd, mail leaves over `cloudflare:sockets` (worker-mailer) and is
 * received by a real SMTP server (npm smtp-server, test/support/smtp-server.ts), which these tests read back.
 */
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { insertIssue } from "../../d1/issues";
import { pendingDeliveries, seedDeliveries } from "../../d1/ledger";
import { readerOfEmail } from "../../d1/readers";
import { findSubscription, type Subscription } from "../../d1/subscriptions";
import type { DeliveryMessage } from "../../src/channels/delivery";
import { Issue } from "../../src/issue";
import worker from "../../workers/index";
import example from "../fixtures/issue-2026-02-13.json";
import { decodeHeader, leaves, parseMime } from "./mime";

interface ReceivedMail {
  id: string;
  mail_from: string;
  rcpt_tos: string[];
  raw: string;
}

const smtp = inject("smtp");
/** The Worker's env, pointed at this run's SMTP server. */
const testEnv = {
  ...env,
  EMAIL_TRANSPORT: "smtp",
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: String(smtp.port),
  SMTP_SECURE: "false",
} as Env;

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  // The Worker's own fetch handler (the whole app), with the env pointed at the test SMTP server.
  const res = await worker.fetch(new Request(`https://feed.example${path}`, init), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function mailTo(address: string): Promise<ReceivedMail[]> {
  const res = await fetch(`${smtp.mailboxUrl}/messages?to=${encodeURIComponent(address)}`);
  return (await res.json()) as ReceivedMail[];
}

/** Waits until `address` has received `count` messages (SMTP hands over asynchronously). */
async function waitForMail(address: string, count: number, timeoutMs = 5000): Promise<ReceivedMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailTo(address);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every sign-up is a reader of its own: the reader id behind `address`. */
async function readerIdOf(address: string): Promise<string> {
  const reader = await readerOfEmail(testEnv.DB, address);
  if (!reader) throw new Error(`no reader for ${address}`);
  return reader.id;
}

async function subscriptionOf(address: string): Promise<Subscription | null> {
  return findSubscription(testEnv.DB, await readerIdOf(address), "email", address);
}

function issueFor(readerId: string, date: string): Issue {
  return Issue.parse({ ...example, readerId, date, title: `Daily Feed - ${date}` });
}

/** Runs the reader's delivery of the day the way the queue does: seed the ledger, one message per pending row. */
async function deliverDay(readerId: string, date: string): Promise<ReturnType<typeof getQueueResult>> {
  await seedDeliveries(testEnv.DB, readerId, date, new Date());
  const pending = await pendingDeliveries(testEnv.DB, readerId, date, null, 1000);
  const batch = createMessageBatch<DeliveryMessage>(
    "daily-feed-delivery",
    pending.map((k, i) => ({
      id: `m${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: { type: "deliver", ...k },
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv, ctx);
  return getQueueResult(batch, ctx);
}

function subscribeForm(email: string, ip: string): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip },
    body: new URLSearchParams({ email }).toString(),
  };
}

describe("email subscription over SMTP", () => {
  it("confirms by double opt-in, then delivers the day's issue as multipart mail with one-click unsubscribe headers", async () => {
    const address = "ada@example.org";
    const signup = await request("/subscribe", subscribeForm(address, "198.51.100.1"));
    expect(signup.status).toBe(202);
    expect(await signup.text()).toContain("Check your inbox");
    expect((await subscriptionOf(address))?.status).toBe("pending");

    const [confirmation] = await waitForMail(address, 1);
    expect(confirmation, "confirmation mail received by the SMTP server").toBeDefined();
    const confirmMime = parseMime(confirmation?.raw ?? "");
    expect(decodeHeader(confirmMime.headers.get("subject") ?? "")).toBe(
      "Confirm your Daily Feed subscription",
    );
    const confirmText = leaves(confirmMime).find((p) => p.type === "text/plain")?.body ?? "";
    const link = /https:\/\/feed\.example(\/subscribe\/confirm\/[\w.-]+)/.exec(confirmText)?.[1];
    expect(link, "confirm link in the text part").toBeDefined();

    // Nothing is delivered while the subscription is unconfirmed.
    const readerId = await readerIdOf(address);
    await insertIssue(testEnv.DB, issueFor(readerId, "2026-02-13"));
    await deliverDay(readerId, "2026-02-13");
    expect(await mailTo(address)).toHaveLength(1);

    const confirmed = await request(link ?? "");
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("You are subscribed");
    expect((await subscriptionOf(address))?.status).toBe("active");

    const result = await deliverDay(readerId, "2026-02-13");
    expect(result.explicitAcks).toHaveLength(1);
    const mails = await waitForMail(address, 2);
    expect(mails).toHaveLength(2);
    const issueMail = parseMime(mails[1]?.raw ?? "");
    expect(decodeHeader(issueMail.headers.get("subject") ?? "")).toBe("Daily Feed - 2026-02-13");
    expect(issueMail.headers.get("list-unsubscribe")).toMatch(
      /^<https:\/\/feed\.example\/unsubscribe\/[\w.-]+>, <mailto:[^>]+>$/,
    );
    expect(issueMail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const alternative = issueMail.parts.find((p) => p.type === "multipart/alternative") ?? issueMail;
    expect(alternative.parts.map((p) => p.type)).toEqual(["text/plain", "text/html"]);
    const [text, htmlPart] = alternative.parts;
    expect(text?.body).toContain("FlashSinkhorn: IO-Aware Entropic Optimal Transport");
    expect(htmlPart?.body).toContain("FlashSinkhorn: IO-Aware Entropic Optimal Transport");
    expect(htmlPart?.body).not.toMatch(/<script/i);
    expect(htmlPart?.body).toMatch(/href="https:\/\/feed\.example\/unsubscribe\/[\w.-]+"/);
  });

  it("unsubscribes with one RFC 8058 POST and sends no further mail", async () => {
    const address = "grace@example.org";
    await request("/subscribe", subscribeForm(address, "198.51.100.2"));
    const [confirmation] = await waitForMail(address, 1);
    const link = /https:\/\/feed\.example(\/subscribe\/confirm\/[\w.-]+)/.exec(
      leaves(parseMime(confirmation?.raw ?? "")).find((p) => p.type === "text/plain")?.body ?? "",
    )?.[1];
    expect((await request(link ?? "")).status).toBe(200);

    const readerId = await readerIdOf(address);
    await insertIssue(testEnv.DB, issueFor(readerId, "2026-02-14"));
    await deliverDay(readerId, "2026-02-14");
    const [, issueMail] = await waitForMail(address, 2);
    const header = parseMime(issueMail?.raw ?? "").headers.get("list-unsubscribe") ?? "";
    const oneClick = /<https:\/\/feed\.example(\/unsubscribe\/[\w.-]+)>/.exec(header)?.[1];
    expect(oneClick).toBeDefined();

    // What a mailbox provider sends when the reader presses "Unsubscribe": no cookies, no page.
    const res = await request(oneClick ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect((await subscriptionOf(address))?.status).toBe("unsubscribed");

    await insertIssue(testEnv.DB, issueFor(readerId, "2026-02-15"));
    await deliverDay(readerId, "2026-02-15");
    await new Promise((r) => setTimeout(r, 200));
    expect(await mailTo(address)).toHaveLength(2);
  });

  it("answers 502 and keeps the sign-up pending when the mail server refuses the address", async () => {
    const address = "reject-me@example.org";
    const res = await request("/subscribe", {
      ...subscribeForm(address, "198.51.100.3"),
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.3" },
      body: JSON.stringify({ email: address }),
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: "mail_failed" } });
    expect(await mailTo(address)).toHaveLength(0);
    expect((await subscriptionOf(address))?.status).toBe("pending");
  });
});
