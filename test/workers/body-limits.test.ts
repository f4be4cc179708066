/**
 * Every request body is limited: 16 KiB, 1 MiB on /subscribe (a BibTeX upload), 64 KiB for
 * Telegram's updates. Past it: 413 in the one error shape, and nothing stored.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readerStateStub } from "../../durable-objects/reader-state";
import { feedbackTextLink } from "../../src/feedback-links";

const site = "https://feed.example";
const KiB = 1024;

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${site}${path}`, { method: "POST", body, headers }));

async function subscriptionCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM subscriptions").first<{ n: number }>();
  return row?.n ?? 0;
}

async function expect413(res: Response) {
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({
    error: { code: "payload_too_large", message: expect.any(String), requestId: expect.any(String) },
  });
}

/** A body sent in chunks with no Content-Length, as a client that streams would. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      const n = Math.min(left, 8 * KiB);
      controller.enqueue(new Uint8Array(n).fill(0x61));
      left -= n;
      if (left === 0) controller.close();
    },
  });
}

describe("body limits", () => {
  it("refuses a 20 MB note and stores nothing", async () => {
    const reader = readerStateStub(env.READER_STATE, "body-limit-note");
    await reader.setProfile({ id: "body-limit-note", name: "R", interests: ["optimal transport"] });
    const link = await feedbackTextLink(env.TOKEN_SECRET, site, "body-limit-note", "2026-02-13", new Date());
    const token = link.split("/").at(-1) ?? "";
    const text = "x".repeat(20 * 1024 * KiB);
    await expect413(
      await post("/feedback/text", JSON.stringify({ token, text }), { "content-type": "application/json" }),
    );
    expect(await reader.listFeedback()).toEqual([]);
  });

  it("refuses a 5 MB sign-up and stores nothing", async () => {
    const before = await subscriptionCount();
    const body = JSON.stringify({ email: "big@example.org", website: "x".repeat(5 * 1024 * KiB) });
    await expect413(
      await post("/subscribe", body, {
        "content-type": "application/json",
        "cf-connecting-ip": "198.51.100.7",
      }),
    );
    expect(await subscriptionCount()).toBe(before);
  });

  it("allows up to 1 MiB on /subscribe and 16 KiB elsewhere", async () => {
    const half = await post(
      "/subscribe",
      JSON.stringify({ email: "not-an-address", padding: "x".repeat(600 * KiB) }),
      { "content-type": "application/json", "cf-connecting-ip": "198.51.100.8" },
    );
    expect(half.status).toBe(400);
    await expect413(await post("/feedback/text", "x".repeat(17 * KiB)));
    const small = await post("/feedback/text", JSON.stringify({ token: "t".repeat(20), text: "hi" }), {
      "content-type": "application/json",
    });
    expect(small.status).toBe(400);
  });

  it("counts a streamed body without Content-Length", async () => {
    await expect413(await post("/feedback/text", streamed(64 * KiB), { "content-type": "text/plain" }));
    await expect413(
      await post("/admin/run", streamed(32 * KiB), { authorization: `Bearer ${env.ADMIN_TOKEN}` }),
    );
  });

  it("limits every POST route, known or not", async () => {
    const big = "x".repeat(17 * KiB);
    for (const path of [
      "/unsubscribe/some.token",
      "/feedback/rules/some.token",
      "/feedback/some.token",
      "/nope",
    ]) {
      await expect413(await post(path, big, { "content-type": "application/x-www-form-urlencoded" }));
    }
    await expect413(
      await post("/telegram/webhook", "x".repeat(65 * KiB), {
        "x-telegram-bot-api-secret-token": env.TELEGRAM_WEBHOOK_SECRET,
      }),
    );
  });
});
