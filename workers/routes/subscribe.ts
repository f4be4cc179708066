/**
 * Email subscription over HTTP:
 * - `POST /subscribe` — sign up (form or JSON), rate-limited per client IP; sends the opt-in mail;
 * - `GET /subscribe/confirm/:token` — the opt-in link: the subscription becomes active;
 * - `GET /unsubscribe/:token` — the visible link in every mail: one button, because link scanners
 *   follow GETs and must not unsubscribe anyone;
 * - `POST /unsubscribe/:token` — RFC 8058 one-click (`List-Unsubscribe=One-Click`) and that button:
 *   unsubscribes at once, no login, no confirmation page;
 * Every sign-up makes a reader of its own (random id, own Durable Object, own profile from the
 * interests given, or a copy of the public reader's), created when the opt-in link is clicked.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { activateReader, createReader, getReader, readerOfEmail, setPendingProfile } from "../../d1/readers";
import {
  activateSubscription,
  deactivateSubscription,
  findSubscription,
  getSubscription,
  upsertPendingEmail,
} from "../../d1/subscriptions";
import { readerStateStub } from "../../durable-objects/reader-state";
import { confirmUrl, subscriptionOfToken } from "../../src/channels/links";
import { meLink } from "../../src/feedback-links";
import { renderConfirmationEmail } from "../../src/render/email";
import {
  isSignupIssue,
  parseReaderInterests,
  profileForReader,
  type ReaderInterests,
  type SignupIssue,
} from "../../src/signup";
import type { AppEnv, Bindings } from "../config";
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

/** The reader facts of a sign-up as stored until its confirmation. */
const PendingProfile = z.object({
  interests: z.array(z.string()),
  categories: z.array(z.string()),
  references: z.array(
    z.object({ id: z.string().optional(), title: z.string(), summary: z.string().optional() }),
  ),
});

/** The sign-up's BibTeX: a file upload (form) or a string (JSON). */
async function bibtexOf(raw: Record<string, unknown>): Promise<string | SignupIssue | undefined> {
  const v = raw.bibtex;
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "string") return v;
  if (v instanceof File) {
    if (v.size === 0) return undefined;
    if (v.size > 1024 * 1024) return { field: "bibtex", message: "the BibTeX file is larger than 1 MiB" };
    return v.text();
  }
  return { field: "bibtex", message: "give the BibTeX export as a file or a string" };
}

/** A 400 whose code and message name the field and what is wrong with it. */
function invalid(c: Ctx, issue: SignupIssue) {
  const message = `${issue.field}: ${issue.message}`;
  return failure(
    c,
    `invalid_${issue.field}`,
    issue.field === "email" ? "Check the address" : `Check your ${issue.field}`,
    html`<p>${message}.</p><p><a href="/">Back</a></p>`,
    message,
  );
}

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

  let raw: Record<string, unknown>;
  try {
    const body: unknown =
      wantsJson(c) && (c.req.header("content-type") ?? "").includes("json")
        ? await c.req.json()
        : await c.req.parseBody();
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
    raw = body as Record<string, unknown>;
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
  if (!parsed.success)
    return invalid(c, { field: "email", message: parsed.error.issues.map((i) => i.message).join("; ") });
  const bibtex = await bibtexOf(raw);
  if (typeof bibtex === "object") return invalid(c, bibtex);
  const given = parseReaderInterests(
    { interests: raw.interests, categories: raw.categories, papers: raw.papers, bibtex },
    { interestsRequired: false },
  );
  if (isSignupIssue(given)) return invalid(c, given);
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

  const pending = JSON.stringify(given satisfies ReaderInterests);
  // One reader per address: a second sign-up (before or after confirming) reuses it.
  const known = await readerOfEmail(c.env.DB, parsed.data.email);
  const before = known ? await findSubscription(c.env.DB, known.id, "email", parsed.data.email) : null;
  // A confirmation sent in the last few minutes is enough: the form must not become a way to flood
  // someone's inbox from many addresses.
  if (before?.status === "pending" && now.getTime() - Date.parse(before.updatedAt) < RESEND_AFTER_MS) {
    return checkInbox();
  }
  // Already active: the same answer (it does not tell who subscribes), no mail, nothing changed.
  if (before?.status === "active") return checkInbox();
  const reader =
    known ??
    (await createReader(c.env.DB, {
      name: "Reader",
      now,
      pendingProfile: pending,
      categories: given.categories,
    }));
  if (known) await setPendingProfile(c.env.DB, known.id, pending);
  const subscription = await upsertPendingEmail(c.env.DB, reader.id, parsed.data.email, now);

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
  const now = new Date();
  const subscription = await activateSubscription(c.env.DB, opened.subscriptionId, now);
  if (!subscription) {
    return failure(
      c,
      "gone",
      "This link is no longer valid",
      html`<p>The subscription was ended since. <a href="/">Subscribe again</a> to restart it.</p>`,
    );
  }
  await becomeReader(c.env, c.var.config.site.publicReader, subscription.readerId);
  const me = await meLink(secret, c.var.config.site.url, subscription.readerId, now);
  return page(
    c,
    200,
    "You are subscribed",
    html`<p>Your own Daily Feed will arrive at <strong>${subscription.address}</strong> every morning, picked for the interests you gave. Every mail has a one-click unsubscribe link.</p>
<p><a href="${me}">Your page</a>: edit your interests, see your feedback and rules, pause, export or delete everything. Every issue carries a fresh link to it.</p>`,
  );
});

/**
 * The double opt-in made a reader: its profile (from the sign-up, or a copy of the public
 * reader's) goes into its own Durable Object and it gets an issue from the next morning on.
 */
async function becomeReader(env: Bindings, publicReader: string, readerId: string): Promise<void> {
  const reader = await getReader(env.DB, readerId);
  if (reader?.kind !== "subscriber") return;
  if (reader.pendingProfile) {
    const given = PendingProfile.safeParse(JSON.parse(reader.pendingProfile));
    if (given.success) {
      const publicProfile =
        given.data.interests.length === 0
          ? await readerStateStub(env.READER_STATE, publicReader).getProfile()
          : null;
      await readerStateStub(env.READER_STATE, readerId).setProfile(
        profileForReader(readerId, given.data, publicProfile),
      );
    }
  }
  await activateReader(env.DB, readerId);
}

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
