import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureReader } from "../../d1/readers";
import { activateSubscription, findSubscription, upsertPendingEmail } from "../../d1/subscriptions";
import { unsubscribeUrl } from "../../src/channels/links";
import { listUnsubscribeHeaders } from "../../src/channels/mail";
import worker from "../../workers/index";

const SECRET = "test-token-secret";

/** An inbound message as Email Routing hands it to the Worker; records what the Worker answered. */
function inbound(from: string, subject: string) {
  const rejected: string[] = [];
  const message = {
    from,
    to: "feed@feed.example",
    headers: new Headers({ subject }),
    raw: new ReadableStream(),
    rawSize: 0,
    setReject: (reason: string) => rejected.push(reason),
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
  return { message, rejected };
}

/** The mailto target of the List-Unsubscribe header a delivered issue carries. */
function mailtoOf(headers: Record<string, string>): URL {
  const mailto = /<(mailto:[^>]+)>/.exec(headers["List-Unsubscribe"] ?? "")?.[1];
  if (!mailto) throw new Error("no mailto in List-Unsubscribe");
  return new URL(mailto);
}

async function activeSubscriber(address: string) {
  const sub = await upsertPendingEmail(env.DB, "demo", address, new Date());
  await activateSubscription(env.DB, sub.id, new Date());
  return sub;
}

beforeAll(async () => {
  await ensureReader(env.DB, "demo", "Demo", new Date());
});

describe("mailto unsubscribe (List-Unsubscribe)", () => {
  it("unsubscribes when the reader's client sends the mail the header asks for", async () => {
    const sub = await activeSubscriber("ada@example.org");
    const headers = listUnsubscribeHeaders(
      await unsubscribeUrl(SECRET, "https://feed.example", sub.id, new Date()),
      "Daily Feed <feed@feed.example>",
    );
    const mailto = mailtoOf(headers);
    expect(mailto.pathname).toBe("feed@feed.example");
    const { message, rejected } = inbound("ada@example.org", mailto.searchParams.get("subject") ?? "");
    await worker.email(message, env);
    expect(rejected).toEqual([]);
    expect((await findSubscription(env.DB, "demo", "email", "ada@example.org"))?.status).toBe("unsubscribed");
  });

  it("does not trust the sender address alone: a bare 'unsubscribe' is rejected and changes nothing", async () => {
    await activeSubscriber("bob@example.org");
    const { message, rejected } = inbound("bob@example.org", "unsubscribe");
    await worker.email(message, env);
    expect(rejected[0]).toContain("only takes unsubscribe requests");
    expect((await findSubscription(env.DB, "demo", "email", "bob@example.org"))?.status).toBe("active");
  });

  it("rejects a forged token with the reason", async () => {
    await activeSubscriber("eve@example.org");
    const { message, rejected } = inbound("eve@example.org", "unsubscribe aGVsbG8.d29ybGQ");
    await worker.email(message, env);
    expect(rejected[0]).toMatch(/not valid \((bad-signature|malformed)\)/);
    expect((await findSubscription(env.DB, "demo", "email", "eve@example.org"))?.status).toBe("active");
  });
});
