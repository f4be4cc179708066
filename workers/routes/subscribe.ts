/**
 * Email subscription over HTTP:
 * - `POST /subscribe` — sign up (form or JSON), rate-limited per client IP; sends the opt-in mail;
 * - `GET /subscribe/confirm/:token` — the opt-in link: the subscription becomes active;
 * - `GET /unsubscribe/:token` — the visible link in every mail: one button, because link scanners
 *   follow GETs and must not unsubscribe anyone;
 * - `POST /unsubscribe/:token` — RFC 8058 one-click (`List-Unsubscribe=One-Click`) and that button:
 *   unsubscribes at once, no login, no confirmation page;
 * Email subscribers read the public reader's issue, like Telegram subscribers.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { ensureReader } from "../../d1/readers";
import {
  activateSubscription,
  deactivateSubscription,
  findSubscription,
  getSubscription,
  upsertPendingEmail,
} from "../../d1/subscriptions";
import { confirmUrl, subscriptionOfToken } from "../../src/channels/links";
import { renderConfirmationEmail } from "../../src/render/email";
import type { AppEnv } from "../config";
import { emailTransport } from "../delivery";
import { type ErrorCode, errorResponse, wantsJson } from "../errors";
import { factory } from "../factory";
import { clientNetwork, rateLimited, withinLimit } from "../middleware/rate-limit";
import { type Markup, page } from "../page";

export const subscribeRoutes = factory.createApp();

type Ctx = Context<AppEnv>;

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

/** A success in the shape the client asked for: a small page, or `{status, message}` JSON. */
function success(c: Ctx, status: 200 | 202, code: string, heading: string, body: Markup, message = heading) {
  return wantsJson(c) ? c.json({ status: code, message }, status) : page(c, status, heading, body);
}

/** A failure: the one error shape, with this page for browsers. */
function failure(c: Ctx, code: ErrorCode, heading: string, body: Markup, message = heading) {
  return errorResponse(c, code, message, { page: { heading, body } });
}

function secretOf(c: Ctx): string | undefined {
  return c.var.config.tokens?.secret;
}

const notSetUp = (c: Ctx) =>
  failure(
    c,
    "not_configured",
    "Subscriptions are not set up",
    html`<p>This server has no token secret.</p>`,
    "subscriptions are off: TOKEN_SECRET is not configured",
  );

subscribeRoutes.post("/subscribe", async (c) => {
  const config = c.var.config;
  const secret = secretOf(c);
  if (!secret) return notSetUp(c);
  // Mail is how sign-up works: without a way to send it, say so before storing anything.
  if (!config.email || (config.email.transport === "cloudflare" && !c.env.EMAIL)) {
    return failure(
      c,
      "not_configured",
      "Subscriptions are not set up",
      html`<p>This server cannot send mail yet.</p>`,
      "subscriptions are off: no mail transport is configured",
    );
  }
  const now = new Date();
  const tooMany = () =>
    rateLimited(c, {
      heading: "Too many sign-ups",
      body: html`<p>Too many sign-ups from your network or for this address. Please try again in a minute.</p>`,
    });
  const network = clientNetwork(c);
  if (network && !(await withinLimit(c, "SIGNUP_LIMITER", [network]))) return tooMany();

  let raw: unknown;
  try {
    raw =
      wantsJson(c) && (c.req.header("content-type") ?? "").includes("json")
        ? await c.req.json()
        : await c.req.parseBody();
  } catch {
    return failure(
      c,
      "bad_request",
      "That did not work",
      html`<p>The request body could not be read.</p>`,
      "unreadable body",
    );
  }
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join("; ");
    return failure(
      c,
      "invalid_email",
      "Check the address",
      html`<p>${message}.</p><p><a href="/">Back</a></p>`,
      message,
    );
  }
  const checkInbox = () =>
    success(
      c,
      202,
      "confirmation_sent",
      "Check your inbox",
      html`<p>If <strong>${parsed.data.email}</strong> can receive mail, a confirmation link is on its way. Nothing is sent until you click it.</p>`,
    );
  // Per address too: many networks must not flood one inbox. Counted before the honeypot, so bots pay.
  if (!(await withinLimit(c, "SIGNUP_LIMITER", [`email:${parsed.data.email}`]))) return tooMany();
  // A filled honeypot is a bot: answer as usual, do nothing.
  if (parsed.data.website) return checkInbox();

  const reader = config.site.publicReader;
  await ensureReader(c.env.DB, reader, reader, now);
  // A confirmation sent in the last few minutes is enough: the form must not become a way to flood
  // someone's inbox from many addresses.
  const before = await findSubscription(c.env.DB, reader, "email", parsed.data.email);
  if (before?.status === "pending" && now.getTime() - Date.parse(before.updatedAt) < RESEND_AFTER_MS) {
    return checkInbox();
  }
  const subscription = await upsertPendingEmail(c.env.DB, reader, parsed.data.email, now);
  // Already active: the same answer (it does not tell who subscribes), and no mail.
  if (subscription.status === "active") return checkInbox();

  const link = await confirmUrl(secret, config.site.url, subscription.id, now);
  const mail = renderConfirmationEmail({
    siteUrl: config.site.url,
    confirmUrl: link,
    email: subscription.address,
  });
  try {
    await emailTransport(c.env, config).send({
      from: config.email?.from ?? "",
      to: subscription.address,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: {},
    });
  } catch (err) {
    console.error(JSON.stringify({ subscribe: "confirmation mail failed", error: String(err) }));
    return failure(
      c,
      "mail_failed",
      "We could not send the confirmation",
      html`<p>Our mail server did not accept the message. Please try again in a few minutes.</p>`,
    );
  }
  return checkInbox();
});

subscribeRoutes.get("/subscribe/confirm/:token", async (c) => {
  const secret = secretOf(c);
  if (!secret) return notSetUp(c);
  const opened = await subscriptionOfToken(secret, "confirm", c.req.param("token"), new Date());
  if (!opened.ok) {
    return opened.reason === "expired"
      ? failure(
          c,
          "expired",
          "This link has expired",
          html`<p>Confirmation links last three days. <a href="/">Subscribe again</a>.</p>`,
        )
      : failure(
          c,
          "invalid_token",
          "This link is not valid",
          html`<p>The link is damaged or was not issued by Daily Feed.</p>`,
        );
  }
  const subscription = await activateSubscription(c.env.DB, opened.subscriptionId, new Date());
  if (!subscription) {
    return failure(
      c,
      "gone",
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
  if (!secret) return notSetUp(c);
  const token = c.req.param("token");
  const opened = await subscriptionOfToken(secret, "unsubscribe", token, new Date());
  if (!opened.ok)
    return failure(
      c,
      "invalid_token",
      "This link is not valid",
      html`<p>The link is damaged or has expired.</p>`,
    );
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
  if (!secret) return notSetUp(c);
  const opened = await subscriptionOfToken(secret, "unsubscribe", c.req.param("token"), new Date());
  if (!opened.ok) {
    return failure(
      c,
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
  return success(
    c,
    200,
    "unsubscribed",
    "You are unsubscribed",
    html`<p>No more mail will be sent to this address. <a href="/">The archive</a> stays open.</p>`,
  );
});
