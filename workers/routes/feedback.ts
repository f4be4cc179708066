/**
 * Reader feedback over HTTP, mounted at `/feedback`:
 * - `GET /feedback/:token` + `POST /feedback/:token` — 👍/👎 from the web page or the email (signed,
 *   30-day link): the link opens a page with the choice and one button that POSTs it, because mail
 *   link scanners follow every GET and must not vote;
 * - `GET /feedback/text/:token` + `POST /feedback/text` — a free-text note (may become standing rules);
 * - `GET /feedback/rules/:token` + `POST /feedback/rules/:token` — the reader's standing rules, removable.
 * Pages are small HTML, no JavaScript. A malformed or forged token is a 400, an expired one a 410.
 */

import type { Context } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { getReader } from "../../d1/readers";
import { readerStateStub } from "../../durable-objects/reader-state";
import { feedbackTextLink, rulesLink } from "../../src/feedback-links";
import type { Rule } from "../../src/issue";
import { IssueDate } from "../../src/issue";
import { verifyToken } from "../../src/tokens";
import type { AppEnv } from "../config";
import { errorResponse } from "../errors";
import { factory } from "../factory";
import { limitWritesByNetwork, rateLimited, withinLimit } from "../middleware/rate-limit";
import { page } from "../page";

export const feedbackRoutes = factory.createApp();

// Notes, votes and rule removals: counted per client network here, per reader in each handler.
feedbackRoutes.use(limitWritesByNetwork("WRITE_LIMITER"));

/** The per-reader count of a write: a leaked token must not become a firehose. */
const readerWithinLimit = (c: Ctx, readerId: string) =>
  withinLimit(c, "WRITE_LIMITER", [`reader:${readerId}`]);

const ReaderId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const VotePayload = z.object({
  r: ReaderId,
  d: IssueDate,
  i: z.string().min(1).max(300),
  v: z.enum(["up", "down"]),
});
const TextPayload = z.object({ r: ReaderId, d: IssueDate });
const RulesPayload = z.object({ r: ReaderId });

const TextForm = z.object({
  token: z.string().min(10).max(2000),
  text: z.string().trim().min(1, "write a few words").max(4000, "at most 4,000 characters"),
});
const RemoveForm = z.object({ rule: z.string().min(1).max(100) });

type Ctx = Context<AppEnv>;

/** Where a reader's issue of `date` lives: its private page (a subscriber's issues are in no public listing). */
async function issuePath(c: Ctx, readerId: string, date: string): Promise<string> {
  const slug = (await getReader(c.env.DB, readerId))?.feedSlug;
  return slug ? `/r/${slug}/issues/${date}` : `/issues/${date}`;
}

/** Verifies a token and its payload shape; answers the error page itself when it fails. */
async function openToken<T>(
  c: Ctx,
  purpose: string,
  token: string,
  schema: z.ZodType<T>,
): Promise<{ ok: true; payload: T; secret: string } | { ok: false; response: Response }> {
  const secret = c.var.config.tokens?.secret;
  if (!secret) {
    return {
      ok: false,
      response: await errorResponse(c, "not_configured", "feedback is off: TOKEN_SECRET is not configured", {
        page: {
          heading: "Feedback is not set up",
          body: html`<p>This server has no token secret configured.</p>`,
        },
      }),
    };
  }
  const check = await verifyToken(secret, purpose, token, new Date());
  if (!check.ok) {
    const expired = check.reason === "expired";
    return {
      ok: false,
      response: await errorResponse(
        c,
        expired ? "expired" : "invalid_token",
        expired ? "the link has expired" : "invalid token",
        {
          page: {
            body: expired
              ? html`<p>Feedback links last 30 days. Use the buttons in a newer issue, or reply in Telegram with /feedback.</p>`
              : html`<p>The link is damaged or was not issued by Daily Feed. Try copying it again from the issue.</p>`,
          },
        },
      ),
    };
  }
  const parsed = schema.safeParse(check.payload);
  if (!parsed.success) {
    return {
      ok: false,
      response: await errorResponse(c, "invalid_token", "the token's contents are malformed", {
        page: { body: html`<p>The link's contents are malformed.</p>` },
      }),
    };
  }
  // The public reader is the editor's: feedback links for it (from before readers were per
  // subscriber) no longer steer it. The editor uses the admin routes or an editor Telegram chat.
  if ((parsed.data as { r?: unknown }).r === c.var.config.site.publicReader) {
    return {
      ok: false,
      response: await errorResponse(c, "forbidden", "only the editor changes the public reader", {
        page: {
          heading: "Only the editor changes the public issue",
          body: html`<p>Subscribe with your own interests on <a href="/">the front page</a>: your own issue then learns from your 👍/👎 and notes.</p>`,
        },
      }),
    };
  }
  return { ok: true, payload: parsed.data, secret };
}

function rulesList(rules: Rule[], action: string | undefined) {
  if (rules.length === 0) return html`<p>No standing rules: your issues follow the default format.</p>`;
  return html`<ul class="rules">${rules.map(
    (r) =>
      html`<li><strong>${r.text}</strong> <span class="meta">since ${r.since}</span>${
        action
          ? html` <form method="post" action="${action}" style="display:inline"><input type="hidden" name="rule" value="${r.id}"><button type="submit">Remove</button></form>`
          : ""
      }</li>`,
  )}</ul>`;
}

feedbackRoutes.get("/rules/:token", async (c) => {
  const opened = await openToken(c, "rules", c.req.param("token"), RulesPayload);
  if (!opened.ok) return opened.response;
  const rules = await readerStateStub(c.env.READER_STATE, opened.payload.r).listRules();
  return page(
    c,
    200,
    "Your standing rules",
    html`<p>Drawn from your feedback; every issue follows them. Remove any that no longer fit.</p>${rulesList(rules, `/feedback/rules/${c.req.param("token")}`)}`,
  );
});

feedbackRoutes.post("/rules/:token", async (c) => {
  const opened = await openToken(c, "rules", c.req.param("token"), RulesPayload);
  if (!opened.ok) return opened.response;
  if (!(await readerWithinLimit(c, opened.payload.r))) return rateLimited(c);
  const form = RemoveForm.safeParse(await c.req.parseBody());
  if (!form.success)
    return errorResponse(c, "bad_request", "the form did not name a rule", {
      page: { heading: "Nothing to remove", body: html`<p>The form did not name a rule.</p>` },
    });
  const removed = await readerStateStub(c.env.READER_STATE, opened.payload.r).removeRule(form.data.rule);
  if (!removed)
    return errorResponse(c, "not_found", "that rule was already removed", {
      page: { heading: "No such rule", body: html`<p>That rule was already removed.</p>` },
    });
  // Post/redirect/get: a reload does not resubmit.
  return c.redirect(`/feedback/rules/${c.req.param("token")}`, 303);
});

feedbackRoutes.get("/text/:token", async (c) => {
  const token = c.req.param("token");
  const opened = await openToken(c, "feedback-text", token, TextPayload);
  if (!opened.ok) return opened.response;
  return page(
    c,
    200,
    `Feedback on the ${opened.payload.d} issue`,
    html`<p>What worked, what didn't, what you want more or less of. Plain requests ("include 2 videos a day", "fewer diffusion papers") become standing rules you can remove later.</p>
<form method="post" action="/feedback/text"><input type="hidden" name="token" value="${token}">
<p><textarea name="text" rows="6" style="width:100%" required maxlength="4000"></textarea></p>
<p><button type="submit">Send feedback</button></p></form>`,
  );
});

feedbackRoutes.post("/text", async (c) => {
  const isJson = (c.req.header("content-type") ?? "").includes("application/json");
  let body: unknown;
  try {
    body = isJson ? await c.req.json() : await c.req.parseBody();
  } catch {
    return errorResponse(c, "bad_request", "the body could not be read");
  }
  const form = TextForm.safeParse(body);
  if (!form.success) {
    const message = z.prettifyError(form.error);
    return errorResponse(c, "bad_request", message, {
      page: { heading: "Feedback not sent", body: html`<p>${message}</p>` },
    });
  }
  const opened = await openToken(c, "feedback-text", form.data.token, TextPayload);
  if (!opened.ok) return opened.response;
  if (!(await readerWithinLimit(c, opened.payload.r))) return rateLimited(c);
  const { r, d } = opened.payload;
  const { feedback, newRules } = await readerStateStub(c.env.READER_STATE, r).recordFeedback({
    issueDate: d,
    text: form.data.text,
    channel: "web",
  });
  if (isJson) return c.json({ feedback, newRules });
  const manage = await rulesLink(opened.secret, c.var.config.site.url, r, new Date());
  return page(
    c,
    200,
    "Thank you",
    html`<p>Your note on the ${d} issue is recorded and shapes tomorrow's picks.</p>${
      newRules.length > 0
        ? html`<p>New standing rules from it:</p>${rulesList(newRules, undefined)}<p><a href="${manage}">Manage your rules</a></p>`
        : ""
    }`,
  );
});

/** The vote link: shows the choice and one button; a GET records nothing. */
feedbackRoutes.get("/:token", async (c) => {
  const token = c.req.param("token");
  const opened = await openToken(c, "feedback", token, VotePayload);
  if (!opened.ok) return opened.response;
  const { d, v } = opened.payload;
  const via = c.req.query("via") === "email" ? "email" : "web";
  return page(
    c,
    200,
    v === "up" ? "Rate this pick 👍" : "Rate this pick 👎",
    html`<p>${
      v === "up"
        ? `Tell Daily Feed this pick from the ${d} issue was a good one: more like it from tomorrow.`
        : `Tell Daily Feed this pick from the ${d} issue missed: fewer like it from tomorrow.`
    }</p>
<form method="post" action="/feedback/${token}"><input type="hidden" name="via" value="${via}"><button type="submit">${
      v === "up" ? "👍 Yes, more like this" : "👎 No, fewer like this"
    }</button></form>
<p><a href="${await issuePath(c, opened.payload.r, d)}">Back to the ${d} issue</a></p>`,
  );
});

const VoteForm = z.object({ via: z.enum(["email", "web"]).catch("web") });

/** The button of that page: records the vote (the last one counts) and thanks the reader. */
feedbackRoutes.post("/:token", async (c) => {
  const opened = await openToken(c, "feedback", c.req.param("token"), VotePayload);
  if (!opened.ok) return opened.response;
  const { r, d, i, v } = opened.payload;
  if (!(await readerWithinLimit(c, r))) return rateLimited(c);
  const form = VoteForm.safeParse(await c.req.parseBody().catch(() => ({})));
  const channel = form.success ? form.data.via : "web";
  await readerStateStub(c.env.READER_STATE, r).recordFeedback({
    issueDate: d,
    itemId: i,
    rating: v,
    channel,
  });
  const siteUrl = c.var.config.site.url;
  const now = new Date();
  const [note, manage] = await Promise.all([
    feedbackTextLink(opened.secret, siteUrl, r, d, now),
    rulesLink(opened.secret, siteUrl, r, now),
  ]);
  return page(
    c,
    200,
    v === "up" ? "Thanks — noted 👍" : "Thanks — noted 👎",
    html`<p>${
      v === "up" ? "More like this from tomorrow." : "Fewer items like this from tomorrow."
    } Clicked the wrong one? Use the other button in the issue: the last click counts.</p>
<p><a href="${note}">Tell us more in a sentence</a> · <a href="${manage}">Your standing rules</a> · <a href="${await issuePath(c, r, d)}">Back to the ${d} issue</a></p>`,
  );
});
