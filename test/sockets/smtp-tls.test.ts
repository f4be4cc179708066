/**
 * Mail over implicit TLS with AUTH, the way a Worker talks to a real submission server on port 465: the
 * Worker's own sign-up route sends the confirmation over `cloudflare:sockets` with `secureTransport: "on"` to
 * the test SMTP server (npm smtp-server, test/support/smtp-server.ts), whose certificate comes from a CA made
 * for this run. A server whose certificate nobody vouches for, or a wrong password, gets nothing.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { readerOfEmail } from "../../d1/readers";
import { findSubscription } from "../../d1/subscriptions";
import worker from "../../workers/index";
import { decodeHeader, leaves, parseMime } from "./mime";

interface ReceivedMail {
  via: "plain" | "tls";
  user: string | null;
  rcpt_tos: string[];
  raw: string;
}

const smtp = inject("smtp");

function tlsEnv(overrides: Partial<Record<"SMTP_PORT" | "SMTP_PASS", string>> = {}): Env {
  return {
    ...env,
    EMAIL_TRANSPORT: "smtp",
    SMTP_HOST: "127.0.0.1",
    SMTP_PORT: String(smtp.tlsPort),
    SMTP_SECURE: "true",
    SMTP_USER: smtp.tlsUser,
    SMTP_PASS: smtp.tlsPass,
    ...overrides,
  } as Env;
}

async function subscribe(address: string, ip: string, workerEnv: Env): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request("https://feed.example/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": ip },
      body: JSON.stringify({ email: address }),
    }),
    workerEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

async function mailTo(address: string): Promise<ReceivedMail[]> {
  const res = await fetch(`${smtp.mailboxUrl}/messages?to=${encodeURIComponent(address)}`);
  return (await res.json()) as ReceivedMail[];
}

describe("email over implicit TLS (port 465 style)", () => {
  it("delivers the confirmation mail over TLS after authenticating", async () => {
    const address = "tls-reader@example.org";
    const res = await subscribe(address, "198.51.100.21", tlsEnv());
    expect(res.status).toBe(202);

    const mails = await mailTo(address);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.via).toBe("tls");
    expect(mail?.user).toBe(smtp.tlsUser);
    const mime = parseMime(mail?.raw ?? "");
    expect(decodeHeader(mime.headers.get("subject") ?? "")).toBe("Confirm your Daily Feed subscription");
    const text = leaves(mime).find((p) => p.type === "text/plain")?.body ?? "";
    expect(text).toMatch(/https:\/\/feed\.example\/subscribe\/confirm\/[\w.-]+/);
  });

  it("refuses to send to a server whose certificate no trusted CA signed", async () => {
    const address = "tls-untrusted@example.org";
    const res = await subscribe(
      address,
      "198.51.100.22",
      tlsEnv({ SMTP_PORT: String(smtp.untrustedTlsPort) }),
    );
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: "mail_failed" } });
    expect(await mailTo(address)).toHaveLength(0);
    // Every sign-up is a reader of its own; the sign-up stays pending, waiting for a mail that can go.
    const reader = await readerOfEmail(env.DB, address);
    expect((await findSubscription(env.DB, reader?.id ?? "", "email", address))?.status).toBe("pending");
  });

  it("sends nothing when the server refuses the password", async () => {
    const address = "tls-wrong-pass@example.org";
    const res = await subscribe(address, "198.51.100.23", tlsEnv({ SMTP_PASS: "not-the-password" }));
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: "mail_failed" } });
    expect(await mailTo(address)).toHaveLength(0);
  });
});
