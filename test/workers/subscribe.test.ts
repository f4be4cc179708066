/**
 * The subscribe, confirm and unsubscribe routes with the capture transport (EMAIL_TRANSPORT=capture,
 * as in `npm start`): mail lands in D1 and is readable at /dev/mail.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { getCapturedMail, listCapturedMail } from "../../d1/ledger";
import { readerOfEmail } from "../../d1/readers";
import { findSubscription, type Subscription } from "../../d1/subscriptions";
import { signToken } from "../../src/tokens";
import type { AppEnv } from "../../workers/config";
import { devRoutes } from "../../workers/routes/dev";
import { subscribeRoutes } from "../../workers/routes/subscribe";

const app = new Hono<AppEnv>().route("/", subscribeRoutes).route("/dev", devRoutes);
/** As under `npm start`: mail captured in D1 and the dev routes on. */
const captureEnv = { ...env, EMAIL_TRANSPORT: "capture", DEV_ROUTES: "true" } as Env;

async function call(path: string, init: RequestInit = {}, bindings: Env = captureEnv): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`https://feed.example${path}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function signup(email: string, ip: string, extra: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify({ email, ...extra }),
  };
}

/** Every sign-up makes a reader of its own: the subscription of `email`, whatever its reader. */
async function subscriptionOf(email: string): Promise<Subscription | null> {
  const reader = await readerOfEmail(env.DB, email);
  return reader ? findSubscription(env.DB, reader.id, "email", email) : null;
}

async function latestMailTo(address: string) {
  const list = await listCapturedMail(env.DB, 100);
  const hit = list.find((m) => m.to === address);
  return hit ? getCapturedMail(env.DB, hit.id) : null;
}

async function confirmPath(address: string): Promise<string> {
  const mail = await latestMailTo(address);
  const path = /https:\/\/feed\.example(\/subscribe\/confirm\/[\w.-]+)/.exec(mail?.text ?? "")?.[1];
  if (!path) throw new Error(`no confirm link mailed to ${address}`);
  return path;
}

describe("POST /subscribe", () => {
  it("records a pending subscription and mails a confirm link, readable at /dev/mail", async () => {
    const res = await call("/subscribe", signup("  Ada@Example.org ", "203.0.113.1"));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "confirmation_sent" });
    expect((await subscriptionOf("ada@example.org"))?.status).toBe("pending");

    const mail = await latestMailTo("ada@example.org");
    expect(mail?.subject).toBe("Confirm your Daily Feed subscription");
    const list = await call("/dev/mail");
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("Confirm your Daily Feed subscription");
    const view = await call(`/dev/mail/${mail?.id}`);
    expect(view.status).toBe(200);
    const page = await view.text();
    expect(page).toContain("/subscribe/confirm/");
    expect(page).toContain("sandbox=");
  });

  it("activates the subscription when the confirm link is followed", async () => {
    await call("/subscribe", signup("grace@example.org", "203.0.113.2"));
    const res = await call(await confirmPath("grace@example.org"));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You are subscribed");
    const sub = await subscriptionOf("grace@example.org");
    expect(sub?.status).toBe("active");
    expect(sub?.confirmedAt).not.toBeNull();
  });

  it("answers a precise 400 for an invalid address and stores nothing", async () => {
    const res = await call("/subscribe", signup("not-an-address", "203.0.113.3"));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: "invalid_email",
        message: "email: enter a valid email address",
        requestId: expect.any(String),
      },
    });
    expect(await subscriptionOf("not-an-address")).toBeNull();
  });

  it("accepts the HTML form and answers with a page", async () => {
    const res = await call("/subscribe", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "203.0.113.4" },
      body: "email=form%40example.org",
    });
    expect(res.status).toBe(202);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Check your inbox");
  });

  it("limits sign-ups per IP with 429 and Retry-After", async () => {
    // 5 a minute; 11 tries cross at most one minute boundary, so one of them must be refused.
    const answers: Response[] = [];
    for (let i = 0; i < 11; i++) {
      answers.push(await call("/subscribe", signup(`flood${i}@example.org`, "203.0.113.99")));
    }
    const refused = answers.findIndex((r) => r.status === 429);
    expect(refused).toBeGreaterThanOrEqual(5);
    const limited = answers[refused];
    expect(limited?.headers.get("retry-after")).toBe("60");
    expect(await limited?.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(await subscriptionOf(`flood${refused}@example.org`)).toBeNull();
    // Another address is not affected.
    expect((await call("/subscribe", signup("calm@example.org", "203.0.113.100"))).status).toBe(202);
  });

  it("does not mail the same address again within ten minutes", async () => {
    await call("/subscribe", signup("twice@example.org", "203.0.113.8"));
    await call("/subscribe", signup("twice@example.org", "203.0.113.9"));
    const all = await listCapturedMail(env.DB, 100);
    expect(all.filter((m) => m.to === "twice@example.org")).toHaveLength(1);
  });

  it("answers a filled honeypot as usual but neither stores nor mails anything", async () => {
    const res = await call(
      "/subscribe",
      signup("bot@example.org", "203.0.113.5", { website: "http://spam" }),
    );
    expect(res.status).toBe(202);
    expect(await subscriptionOf("bot@example.org")).toBeNull();
    expect(await latestMailTo("bot@example.org")).toBeNull();
  });
});

describe("confirm and unsubscribe links", () => {
  it("rejects a forged confirm token with 400 and an expired one with 410", async () => {
    expect((await call("/subscribe/confirm/abc.def")).status).toBe(400);
    const expired = await signToken(
      "test-token-secret",
      "confirm",
      { s: "x" },
      1,
      new Date("2020-01-01T00:00:00Z"),
    );
    expect((await call(`/subscribe/confirm/${expired}`)).status).toBe(410);
    const wrongPurpose = await signToken("test-token-secret", "unsubscribe", { s: "x" }, 3600, new Date());
    expect((await call(`/subscribe/confirm/${wrongPurpose}`)).status).toBe(400);
  });

  it("shows a button on GET (link scanners must not unsubscribe) and unsubscribes on one POST", async () => {
    await call("/subscribe", signup("lin@example.org", "203.0.113.6"));
    await call(await confirmPath("lin@example.org"));
    const sub = await subscriptionOf("lin@example.org");
    const token = await signToken("test-token-secret", "unsubscribe", { s: sub?.id ?? "" }, 3600, new Date());

    const page = await call(`/unsubscribe/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<form method="post" action="/unsubscribe/${token}">`);
    expect((await subscriptionOf("lin@example.org"))?.status).toBe("active");

    const oneClick = await call(`/unsubscribe/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect((await subscriptionOf("lin@example.org"))?.status).toBe("unsubscribed");
    // Pressing it again is harmless.
    expect(
      (await call(`/unsubscribe/${token}`, { method: "POST", body: "List-Unsubscribe=One-Click" })).status,
    ).toBe(200);
  });

  it("does not let an old confirm link undo an unsubscribe", async () => {
    await call("/subscribe", signup("rue@example.org", "203.0.113.7"));
    const confirm = await confirmPath("rue@example.org");
    await call(confirm);
    const sub = await subscriptionOf("rue@example.org");
    const token = await signToken("test-token-secret", "unsubscribe", { s: sub?.id ?? "" }, 3600, new Date());
    await call(`/unsubscribe/${token}`, { method: "POST", body: "List-Unsubscribe=One-Click" });
    expect((await call(confirm)).status).toBe(410);
    expect((await subscriptionOf("rue@example.org"))?.status).toBe("unsubscribed");
  });

  it("rejects a forged unsubscribe POST with 400", async () => {
    const res = await call("/unsubscribe/forged.token", {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(400);
  });
});

describe("/dev/mail", () => {
  it("does not exist unless mail is captured", async () => {
    const smtpEnv = { ...env, EMAIL_TRANSPORT: "smtp", DEV_ROUTES: "true" } as Env;
    expect((await call("/dev/mail", {}, smtpEnv)).status).toBe(404);
    expect((await call("/dev/mail/anything", {}, smtpEnv)).status).toBe(404);
  });

  it("does not exist without the dev flag, even while mail is captured", async () => {
    await call("/subscribe", signup("hidden@example.org", "203.0.113.30"));
    for (const flag of [undefined, "false", "yes"]) {
      const bindings = { ...env, EMAIL_TRANSPORT: "capture", DEV_ROUTES: flag } as Env;
      for (const path of ["/dev/mail", "/dev/mail/anything"]) {
        const res = await call(path, {}, bindings);
        expect(res.status, `${path} with DEV_ROUTES=${flag}`).toBe(404);
        expect(await res.text()).not.toContain("hidden@example.org");
      }
    }
  });
});
