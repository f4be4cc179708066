/**
 * Email subscription over HTTP:
 * - `POST /subscribe` — sign up (form or JSON), rate-limited per client IP; sends the opt-in mail;
 * - `GET /subscribe/confirm/:token` — the opt-in link: the subscription becomes active;
 * - `GET /unsubscribe/:token` — the visible link in every mail: one button, because link scanners
 *   follow GETs and must not unsubscribe anyone;
 * - `POST /unsubscribe/:token` — RFC 8058 one-click (`List-Unsubscribe=One-Click`) and that button:
 *   unsubscribes at once, no login, no confirmation page;
 * - `GET /dev/mail`, `GET /dev/mail/:id` — mail kept by the capture transport (EMAIL_TRANSPORT=capture only).
 * Email subscribers read the public reader's issue, like Telegram subscribers.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { z } from "zod";
import { getCapturedMail, listCapturedMail } from "../../d1/ledger";
import { ensureReader } from "../../d1/readers";
import {
  activateSubscription,
  countSubscribeAttempt,
  deactivateSubscription,
  findSubscription,
  getSubscription,
  upsertPendingEmail,
} from "../../d1/subscriptions";
import { deliveryConfig } from "../../src/channels/config";
import { confirmUrl, subscriptionOfToken } from "../../src/channels/links";
import { renderConfirmationEmail } from "../../src/render/email";
import { layout } from "../../templates/layout";
import { emailTransport } from "../delivery";

export const subscribeRoutes = new Hono<{ Bindings: Env }>();

type Ctx = Context<{ Bindings: Env }>;
type Status = 200 | 202 | 400 | 404 | 410 | 429 | 502 | 503;

/** How long a pending sign-up waits before the form sends its confirmation again. */
const RESEND_AFTER_MS = 10 * 60_000;

const SubscribeRequest = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email("enter a valid email address").max(254, "at most 254 characters")),
  /** Honeypot: hidden on the form, left empty by people. */
  website: z.string().optional(),
});

function wantsJson(c: Ctx): boolean {
  return (
    (c.req.header("content-type") ?? "").includes("application/json") ||
    (c.req.header("accept") ?? "").includes("application/json")
  );
}

function page(
  c: Ctx,
  status: Status,
  heading: string,
  body: HtmlEscapedString | Promise<HtmlEscapedString>,
  path = "/subscribe",
) {
  return c.html(
    layout({
      title: `${heading} — Daily Feed`,
      description: heading,
      siteUrl: deliveryConfig(c.env).SITE_URL,
      path,
      body: html`<h1>${heading}</h1>${body}`,
    }),
    status,
  );
}

/** One answer in the shape the client asked for: a small page, or `{status}` / `{error}` JSON. */
function answer(
  c: Ctx,
  status: Status,
  code: string,
  heading: string,
  body: HtmlEscapedString | Promise<HtmlEscapedString>,
  message = heading,
) {
  if (wantsJson(c)) {
    return status < 300
      ? c.json({ status: code, message }, status)
      : c.json({ error: { code, message } }, status);
  }
  return page(c, status, heading, body);
}

function secretOf(c: Ctx): string | undefined {
  return deliveryConfig(c.env).TOKEN_SECRET;
}

subscribeRoutes.post("/subscribe", async (c) => {
  const config = deliveryConfig(c.env);
  const secret = config.TOKEN_SECRET;
  if (!secret) {
    return answer(
      c,
      503,
      "not_configured",
      "Subscriptions are not set up",
      html`<p>This server has no token secret.</p>`,
    );
  }
  const now = new Date();
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const attempts = await countSubscribeAttempt(c.env.DB, ip, now);
  if (attempts > config.SUBSCRIBE_LIMIT_PER_HOUR) {
    const nextHour = Math.ceil((now.getTime() + 1) / 3_600_000) * 3_600_000;
    c.header("Retry-After", String(Math.max(1, Math.ceil((nextHour - now.getTime()) / 1000))));
    return answer(
      c,
      429,
      "rate_limited",
      "Too many sign-ups",
      html`<p>Too many sign-ups from your network this hour. Please try again later.</p>`,
    );
  }

  let raw: unknown;
  try {
    raw =
      wantsJson(c) && (c.req.header("content-type") ?? "").includes("json")
        ? await c.req.json()
        : await c.req.parseBody();
  } catch {
    return answer(
      c,
      400,
      "bad_request",
      "That did not work",
      html`<p>The request body could not be read.</p>`,
      "unreadable body",
    );
  }
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join("; ");
    return answer(
      c,
      400,
      "invalid_email",
      "Check the address",
      html`<p>${message}.</p><p><a href="/">Back</a></p>`,
      message,
    );
  }
  const checkInbox = () =>
    answer(
      c,
      202,
      "confirmation_sent",
      "Check your inbox",
      html`<p>If <strong>${parsed.data.email}</strong> can receive mail, a confirmation link is on its way. Nothing is sent until you click it.</p>`,
    );
  // A filled honeypot is a bot: answer as usual, do nothing.
  if (parsed.data.website) return checkInbox();

  await ensureReader(c.env.DB, config.PUBLIC_READER, config.PUBLIC_READER, now);
  // A confirmation sent in the last few minutes is enough: the form must not become a way to flood
  // someone's inbox from many addresses.
  const before = await findSubscription(c.env.DB, config.PUBLIC_READER, "email", parsed.data.email);
  if (before?.status === "pending" && now.getTime() - Date.parse(before.updatedAt) < RESEND_AFTER_MS) {
    return checkInbox();
  }
  const subscription = await upsertPendingEmail(c.env.DB, config.PUBLIC_READER, parsed.data.email, now);
  // Already active: the same answer (it does not tell who subscribes), and no mail.
  if (subscription.status === "active") return checkInbox();

  const link = await confirmUrl(secret, config.SITE_URL, subscription.id, now);
  const mail = renderConfirmationEmail({
    siteUrl: config.SITE_URL,
    confirmUrl: link,
    email: subscription.address,
  });
  try {
    await emailTransport(c.env, config).send({
      from: config.EMAIL_FROM,
      to: subscription.address,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: {},
    });
  } catch (err) {
    console.error(JSON.stringify({ subscribe: "confirmation mail failed", error: String(err) }));
    return answer(
      c,
      502,
      "mail_failed",
      "We could not send the confirmation",
      html`<p>Our mail server did not accept the message. Please try again in a few minutes.</p>`,
    );
  }
  return checkInbox();
});

subscribeRoutes.get("/subscribe/confirm/:token", async (c) => {
  const secret = secretOf(c);
  if (!secret)
    return page(c, 503, "Subscriptions are not set up", html`<p>This server has no token secret.</p>`);
  const opened = await subscriptionOfToken(secret, "confirm", c.req.param("token"), new Date());
  if (!opened.ok) {
    return opened.reason === "expired"
      ? page(
          c,
          410,
          "This link has expired",
          html`<p>Confirmation links last three days. <a href="/">Subscribe again</a>.</p>`,
        )
      : page(
          c,
          400,
          "This link is not valid",
          html`<p>The link is damaged or was not issued by Daily Feed.</p>`,
        );
  }
  const subscription = await activateSubscription(c.env.DB, opened.subscriptionId, new Date());
  if (!subscription) {
    return page(
      c,
      410,
      "This link is no longer valid",
      html`<p>The subscription was ended since. <a href="/">Subscribe again</a> to restart it.</p>`,
    );
  }
  return page(
    c,
    200,
    "You are subscribed",
    html`<p>Daily Feed will arrive at <strong>${subscription.address}</strong> every morning. Every mail has a one-click unsubscribe link.</p><p><a href="/">Read the latest issue</a></p>`,
  );
});

subscribeRoutes.get("/unsubscribe/:token", async (c) => {
  const secret = secretOf(c);
  if (!secret)
    return page(c, 503, "Subscriptions are not set up", html`<p>This server has no token secret.</p>`);
  const token = c.req.param("token");
  const opened = await subscriptionOfToken(secret, "unsubscribe", token, new Date());
  if (!opened.ok)
    return page(c, 400, "This link is not valid", html`<p>The link is damaged or has expired.</p>`);
  const subscription = await getSubscription(c.env.DB, opened.subscriptionId);
  if (!subscription || subscription.status === "unsubscribed" || subscription.status === "blocked") {
    return page(c, 200, "You are unsubscribed", html`<p>No more mail will be sent to this address.</p>`);
  }
  return page(
    c,
    200,
    "Unsubscribe from Daily Feed?",
    html`<p>Stop sending the daily issue to <strong>${subscription.address}</strong>.</p>
<form method="post" action="/unsubscribe/${token}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
});

subscribeRoutes.post("/unsubscribe/:token", async (c) => {
  const secret = secretOf(c);
  if (!secret)
    return answer(c, 503, "not_configured", "Subscriptions are not set up", html`<p>No token secret.</p>`);
  const opened = await subscriptionOfToken(secret, "unsubscribe", c.req.param("token"), new Date());
  if (!opened.ok) {
    return answer(
      c,
      400,
      "invalid_token",
      "This link is not valid",
      html`<p>The link is damaged or has expired.</p>`,
      `unsubscribe token ${opened.reason}`,
    );
  }
  // RFC 8058: the POST itself is the consent; no login, no second step. Repeating it is harmless.
  await deactivateSubscription(
    c.env.DB,
    opened.subscriptionId,
    "unsubscribed",
    "unsubscribe link",
    new Date(),
  );
  return answer(
    c,
    200,
    "unsubscribed",
    "You are unsubscribed",
    html`<p>No more mail will be sent to this address. <a href="/">The archive</a> stays open.</p>`,
  );
});

// --- captured mail, for local use ---

/** `/dev/mail` exists only while mail is captured: it would expose nothing useful, or worse, otherwise. */
function captureOff(c: Ctx): Response | undefined {
  if (deliveryConfig(c.env).EMAIL_TRANSPORT === "capture") return undefined;
  return c.json({ error: { code: "not_found", message: "mail capture is off (EMAIL_TRANSPORT)" } }, 404);
}

subscribeRoutes.get("/dev/mail", async (c) => {
  const off = captureOff(c);
  if (off) return off;
  const mails = await listCapturedMail(c.env.DB, 100);
  return page(
    c,
    200,
    "Captured mail",
    html`<p>Mail the Worker would have sent (EMAIL_TRANSPORT=capture), newest first.</p>
${
  mails.length === 0
    ? html`<p>No mail yet. Subscribe with the form on <a href="/">the front page</a>.</p>`
    : html`<ul class="archive">${mails.map(
        (m) =>
          html`<li><span class="date">${m.createdAt.slice(0, 16).replace("T", " ")}</span><a href="/dev/mail/${m.id}">${m.subject}</a> → ${m.to}</li>`,
      )}</ul>`
}`,
    "/dev/mail",
  );
});

subscribeRoutes.get("/dev/mail/:id", async (c) => {
  const off = captureOff(c);
  if (off) return off;
  const mail = await getCapturedMail(c.env.DB, c.req.param("id"));
  if (!mail)
    return page(c, 404, "No such mail", html`<p><a href="/dev/mail">All captured mail</a></p>`, "/dev/mail");
  const headers = {
    From: mail.from,
    To: mail.to,
    Subject: mail.subject,
    Date: mail.createdAt,
    ...mail.headers,
  };
  return page(
    c,
    200,
    mail.subject,
    html`<p><a href="/dev/mail">← All captured mail</a></p>
<pre>${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n")}</pre>
<h3>HTML part</h3>
<iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${mail.html}" style="width:100%;height:70vh;border:1px solid #ccc;border-radius:6px;background:#fff"></iframe>
<h3>Text part</h3>
<pre style="white-space:pre-wrap">${mail.text}</pre>`,
    "/dev/mail",
  );
});
