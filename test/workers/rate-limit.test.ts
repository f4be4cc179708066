/**
 * Rate limits on every write (Cloudflare's Rate Limiting binding, simulated by Miniflare): per
 * client network (IPv4 address, IPv6 /64) and per subject (address, reader, Telegram chat). The
 * limits count per minute window; each test sends 2 × limit + 1 requests, which cross at most one
 * window boundary, so at least one must be refused whatever the clock says.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readerStateStub } from "../../durable-objects/reader-state";
import { feedbackLink } from "../../src/feedback-links";
import { networkKey } from "../../workers/middleware/rate-limit";
import { telegramRoutes } from "../../workers/routes/telegram";
import sentOk from "../fixtures/telegram_sendMessage_response_ok_2021.json";
import { telegramTextUpdate } from "../support/telegram-updates";

const site = "https://feed.example";
const SIGNUP_LIMIT = 5;
const WRITE_LIMIT = 30;
const TELEGRAM_LIMIT = 30;

function signup(email: string, ip?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (ip) headers["cf-connecting-ip"] = ip;
  return exports.default.fetch(
    new Request(`${site}/subscribe`, { method: "POST", headers, body: JSON.stringify({ email }) }),
  );
}

async function subscriptionCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM subscriptions").first<{ n: number }>();
  return row?.n ?? 0;
}

async function expect429(res: Response | undefined) {
  expect(res?.status).toBe(429);
  expect(res?.headers.get("retry-after")).toBe("60");
  expect(await res?.json()).toEqual({
    error: { code: "rate_limited", message: expect.any(String), requestId: expect.any(String) },
  });
}

describe("network keys", () => {
  it("keys IPv4 by address and IPv6 by /64", () => {
    expect(networkKey("203.0.113.9")).toBe("ip4:203.0.113.9");
    expect(networkKey("2001:db8:1:2::a")).toBe("ip6:2001:db8:1:2::/64");
    expect(networkKey("2001:0db8:0001:0002:ffff:eeee:dddd:cccc")).toBe("ip6:2001:db8:1:2::/64");
    expect(networkKey("2001:DB8:1:2:3:4:5:6")).toBe("ip6:2001:db8:1:2::/64");
    expect(networkKey("::ffff:198.51.100.4")).toBe("ip4:198.51.100.4");
    expect(networkKey("::1")).toBe("ip6:0:0:0:0::/64");
  });

  it("gives no key to what is not an address", () => {
    for (const bad of [
      undefined,
      "",
      "unknown",
      "1.2.3.4.5",
      "300.1.1.1",
      "2001:db8::1::2",
      "1:2:3:4:5:6:7:8:9",
      "x",
    ]) {
      expect(networkKey(bad), String(bad)).toBeUndefined();
    }
  });
});

describe("sign-up limits", () => {
  it("puts a whole IPv6 /64 in one bucket, and another /64 in its own", async () => {
    const before = await subscriptionCount();
    const answers: Response[] = [];
    for (let i = 0; i <= 2 * SIGNUP_LIMIT; i++) {
      answers.push(await signup(`v6-${i}@example.org`, `2001:db8:77:1::${(i + 1).toString(16)}`));
    }
    const refused = answers.findIndex((r) => r.status === 429);
    expect(refused).toBeGreaterThanOrEqual(SIGNUP_LIMIT);
    await expect429(answers[refused]);
    // Refused sign-ups store nothing.
    const accepted = answers.filter((r) => r.status === 202).length;
    expect(await subscriptionCount()).toBe(before + accepted);
    expect((await signup("v6-other@example.org", "2001:db8:77:2::1")).status).toBe(202);
  });

  it("limits one address signed up from many networks", async () => {
    const answers: Response[] = [];
    for (let i = 0; i <= 2 * SIGNUP_LIMIT; i++) {
      answers.push(await signup("victim@example.org", `198.51.100.${i + 10}`));
    }
    await expect429(answers.find((r) => r.status === 429));
  });

  it("shares no bucket between requests without cf-connecting-ip", async () => {
    for (let i = 0; i <= 2 * SIGNUP_LIMIT; i++) {
      expect((await signup(`no-ip-${i}@example.org`)).status).toBe(202);
    }
  });
});

describe("feedback limits", () => {
  it("limits votes per reader, even without cf-connecting-ip", async () => {
    const readerId = `rl-reader-${Date.now()}`;
    const stub = readerStateStub(env.READER_STATE, readerId);
    await stub.setProfile({ id: readerId, name: "R", interests: ["optimal transport"] });
    const link = await feedbackLink(
      env.TOKEN_SECRET,
      site,
      readerId,
      "2026-02-13",
      "arxiv:1",
      "up",
      new Date(),
    );
    const answers: Response[] = [];
    for (let i = 0; i <= 2 * WRITE_LIMIT; i++) {
      answers.push(
        await exports.default.fetch(new Request(link, { method: "POST", body: new URLSearchParams() })),
      );
    }
    await expect429(answers.find((r) => r.status === 429));
  });

  it("limits writes per network before reading the token", async () => {
    const answers: Response[] = [];
    for (let i = 0; i <= 2 * WRITE_LIMIT; i++) {
      answers.push(
        await exports.default.fetch(
          new Request(`${site}/feedback/forged.token`, {
            method: "POST",
            headers: { "cf-connecting-ip": "192.0.2.200" },
            body: new URLSearchParams(),
          }),
        ),
      );
    }
    expect(answers[0]?.status).toBe(400);
    await expect429(answers.find((r) => r.status === 429));
  });
});

describe("Telegram limits", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("stops answering a chat over its limit, and answers other chats", async () => {
    const sent: number[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      const body = JSON.parse(String(init?.body ?? "{}")) as { chat_id?: number | string };
      if (body.chat_id !== undefined) sent.push(Number(body.chat_id));
      return Response.json(sentOk);
    });
    const update = (chatId: number, updateId: number) => telegramTextUpdate(updateId, chatId, "/help");
    const post = async (body: unknown) => {
      const ctx = createExecutionContext();
      const res = await telegramRoutes.fetch(
        new Request(`${site}/telegram/webhook`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": env.TELEGRAM_WEBHOOK_SECRET,
          },
          body: JSON.stringify(body),
        }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const noisy = 770001;
    for (let i = 0; i <= 2 * TELEGRAM_LIMIT; i++) {
      // Telegram must always get 200, or it retries the update.
      expect((await post(update(noisy, 90_000 + i))).status).toBe(200);
    }
    const answered = sent.filter((id) => id === noisy).length;
    expect(answered).toBeGreaterThanOrEqual(TELEGRAM_LIMIT);
    expect(answered).toBeLessThan(2 * TELEGRAM_LIMIT + 1);
    await post(update(770002, 99_999));
    expect(sent).toContain(770002);
  });
});
