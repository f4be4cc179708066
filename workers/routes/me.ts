/**
 * The reader's own page, `/me/<signed token>` (purpose "me", linked from every issue):
 * - `GET /me/:token` — interests, categories and known papers (editable), standing rules
 *   (removable), the feedback given, pause/resume, export and delete;
 * - `POST /me/:token/profile` — new interests, categories, known papers (ids, DOIs, a BibTeX file);
 * - `POST /me/:token/rules` — removes one standing rule;
 * - `POST /me/:token/pause` — pauses or resumes delivery;
 * - `GET /me/:token/export` — everything stored about the reader, as JSON;
 * - `POST /me/:token/delete` — deletes everything: Durable Object storage, issues, subscriptions,
 *   delivery ledger rows and the reader itself.
 * A forged or malformed token is a 400, an expired one a 410. Pages are `noindex`.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import {
  deleteReaderRows,
  getReader,
  type ReaderRow,
  readerRows,
  setGatherHints,
  setPaused,
} from "../../d1/readers";
import { readerStateStub } from "../../durable-objects/reader-state";
import { privateFeedUrl } from "../../src/feedback-links";
import type { Feedback, Rule } from "../../src/issue";
import type { ReaderProfile } from "../../src/profile";
import { isSignupIssue, parseReaderInterests } from "../../src/signup";
import { verifyToken } from "../../src/tokens";
import { layout } from "../../templates/layout";
import type { AppEnv } from "../config";
import { type ErrorCode, errorResponse } from "../errors";
import { factory } from "../factory";
import { limitWritesByNetwork, rateLimited, withinLimit } from "../middleware/rate-limit";
import type { Markup } from "../page";

export const meRoutes = factory.createApp();

// Edits, pauses and deletions: counted per client network here, per reader in each handler.
meRoutes.use(limitWritesByNetwork("WRITE_LIMITER"));

type Ctx = Context<AppEnv>;
type Status = 200 | 400 | 404 | 410 | 503;

/** The error code of each failing status these pages answer with (the one error shape). */
const CODE_OF: Record<Exclude<Status, 200>, ErrorCode> = {
  400: "bad_request",
  404: "not_found",
  410: "expired",
  503: "not_configured",
};

/** The per-reader count of a write: a leaked link must not become a firehose. */
const readerWithinLimit = (c: Ctx, readerId: string) =>
  withinLimit(c, "WRITE_LIMITER", [`reader:${readerId}`]);

const MePayload = z.object({ r: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/) });

/**
 * A page of the reader's own: private (`noindex`, no canonical link). A failure goes through
 * `errorResponse` (request id, JSON for JSON clients) with this page for browsers.
 */
function page(c: Ctx, status: Status, heading: string, body: Markup, code?: ErrorCode) {
  if (status !== 200) return errorResponse(c, code ?? CODE_OF[status], heading, { page: { heading, body } });
  return c.html(
    layout({
      title: `${heading} — Daily Feed`,
      description: heading,
      siteUrl: c.var.config.site.url,
      path: "/me",
      noindex: true,
      body: html`<h1>${heading}</h1>${body}`,
    }),
    status,
  );
}

/** The reader a valid token names; otherwise the error page (400 forged, 410 expired, 404 deleted). */
async function open(
  c: Ctx,
): Promise<{ ok: true; reader: ReaderRow; token: string } | { ok: false; response: Response }> {
  c.header("x-robots-tag", "noindex, nofollow");
  c.header("cache-control", "private, no-store");
  c.header("referrer-policy", "no-referrer");
  const secret = c.var.config.tokens?.secret;
  const token = c.req.param("token") ?? "";
  if (!secret)
    return {
      ok: false,
      response: await page(c, 503, "Not set up", html`<p>This server has no token secret.</p>`),
    };
  const check = await verifyToken(secret, "me", token, new Date()).catch(() => ({
    ok: false as const,
    reason: "malformed" as const,
  }));
  if (!check.ok) {
    const expired = check.reason === "expired";
    return {
      ok: false,
      response: await page(
        c,
        expired ? 410 : 400,
        expired ? "This link has expired" : "This link is not valid",
        expired
          ? html`<p>Links to your page last 90 days; every issue carries a fresh one.</p>`
          : html`<p>The link is damaged or was not issued by Daily Feed.</p>`,
        expired ? "expired" : "invalid_token",
      ),
    };
  }
  const payload = MePayload.safeParse(check.payload);
  const reader = payload.success ? await getReader(c.env.DB, payload.data.r) : null;
  if (reader?.kind !== "subscriber") {
    return {
      ok: false,
      response: await page(c, 404, "No such reader", html`<p>Everything about this reader was deleted.</p>`),
    };
  }
  return { ok: true, reader, token };
}

function rulesHtml(rules: Rule[], token: string) {
  if (rules.length === 0) return html`<p>No standing rules: your issues follow the default format.</p>`;
  return html`<ul class="rules">${rules.map(
    (r) =>
      html`<li><strong>${r.text}</strong> <span class="meta">since ${r.since}</span> <form method="post" action="/me/${token}/rules" style="display:inline"><input type="hidden" name="rule" value="${r.id}"><button type="submit">Remove</button></form></li>`,
  )}</ul>`;
}

function feedbackHtml(feedback: Feedback[]) {
  if (feedback.length === 0) return html`<p>No feedback yet. Use 👍/👎 in an issue, or send a note.</p>`;
  return html`<ul>${feedback
    .slice(-50)
    .reverse()
    .map(
      (f) =>
        html`<li><span class="meta">${f.at.slice(0, 10)} · ${f.channel}</span> ${
          f.kind === "rating"
            ? html`${f.rating === "up" ? "👍" : "👎"} ${f.itemId ?? ""}`
            : html`“${f.text ?? ""}”`
        }</li>`,
    )}</ul>`;
}

function profileForm(profile: ReaderProfile | null, token: string) {
  const ids = (profile?.references ?? []).flatMap((r) => (r.id ? [r.id] : []));
  const titled = (profile?.references ?? []).filter((r) => !r.id).length;
  return html`<form class="subscribe" method="post" action="/me/${token}/profile" enctype="multipart/form-data">
<label for="me-interests">Interests <span class="hint">one per line, 1–10, 3–300 characters each</span></label>
<textarea id="me-interests" name="interests" rows="6" required>${(profile?.interests ?? []).join("\n")}</textarea>
<label for="me-categories">arXiv categories <span class="hint">e.g. cs.LG, stat.ML</span></label>
<input id="me-categories" type="text" name="categories" value="${(profile?.categories ?? []).join(", ")}">
<label for="me-papers">Papers you know <span class="hint">arXiv ids or DOIs, one per line</span></label>
<textarea id="me-papers" name="papers" rows="4">${ids.join("\n")}</textarea>
<label for="me-bibtex">Add a BibTeX export <span class="hint">at most 1 MiB; ${titled} entries without an id kept so far</span></label>
<input id="me-bibtex" type="file" name="bibtex" accept=".bib,text/x-bibtex,text/plain">
<label><input type="checkbox" name="clear_bibtex" value="1" style="width:auto"> Forget the BibTeX entries kept so far</label>
<button type="submit">Save</button>
</form>`;
}

meRoutes.get("/:token", async (c) => {
  const opened = await open(c);
  if (!opened.ok) return opened.response;
  const { reader, token } = opened;
  const state = readerStateStub(c.env.READER_STATE, reader.id);
  const [profile, rules, feedback] = await Promise.all([
    state.getProfile(),
    state.listRules(),
    state.listFeedback(),
  ]);
  const feed = reader.feedSlug ? privateFeedUrl(c.var.config.site.url, reader.feedSlug) : undefined;
  const paused = reader.status === "paused";
  return page(
    c,
    200,
    "Your Daily Feed",
    html`<p>${
      reader.status === "pending"
        ? "Waiting for you to confirm your address."
        : paused
          ? "Delivery is paused: no issue is built or sent."
          : "Each morning's issue is picked for what you write below and for your 👍/👎."
    }${reader.feedSlug ? html` <a href="/r/${reader.feedSlug}">Your issues</a>` : ""}${feed ? html` · <a href="${feed}">Your Atom feed</a>` : ""}</p>
<h3>Interests and papers</h3>${profileForm(profile, token)}
<h3>Standing rules</h3>${rulesHtml(rules, token)}
<h3>Your feedback</h3>${feedbackHtml(feedback)}
<h3>Delivery</h3>
<form method="post" action="/me/${token}/pause"><input type="hidden" name="paused" value="${paused ? "0" : "1"}"><button type="submit">${paused ? "Resume delivery" : "Pause delivery"}</button></form>
<h3>Your data</h3>
<p><a href="/me/${token}/export" download>Download everything stored about you (JSON)</a></p>
<form method="post" action="/me/${token}/delete"><label><input type="checkbox" name="confirm" value="yes" required> Delete my profile, feedback, rules, issues and subscriptions for good</label> <button type="submit">Delete everything</button></form>`,
  );
});

const RemoveForm = z.object({ rule: z.string().min(1).max(100) });

meRoutes.post("/:token/rules", async (c) => {
  const opened = await open(c);
  if (!opened.ok) return opened.response;
  if (!(await readerWithinLimit(c, opened.reader.id))) return rateLimited(c);
  const form = RemoveForm.safeParse(await c.req.parseBody());
  if (!form.success)
    return page(c, 400, "Nothing to remove", html`<p>rule: the form did not name a rule.</p>`);
  const removed = await readerStateStub(c.env.READER_STATE, opened.reader.id).removeRule(form.data.rule);
  if (!removed) return page(c, 404, "No such rule", html`<p>That rule was already removed.</p>`);
  return c.redirect(`/me/${opened.token}`, 303);
});

meRoutes.post("/:token/pause", async (c) => {
  const opened = await open(c);
  if (!opened.ok) return opened.response;
  if (!(await readerWithinLimit(c, opened.reader.id))) return rateLimited(c);
  const body = await c.req.parseBody();
  await setPaused(c.env.DB, opened.reader.id, body.paused !== "0");
  return c.redirect(`/me/${opened.token}`, 303);
});

meRoutes.post("/:token/profile", async (c) => {
  const opened = await open(c);
  if (!opened.ok) return opened.response;
  if (!(await readerWithinLimit(c, opened.reader.id))) return rateLimited(c);
  const isJson = (c.req.header("content-type") ?? "").includes("application/json");
  let raw: Record<string, unknown>;
  try {
    const body: unknown = isJson ? await c.req.json() : await c.req.parseBody();
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
    raw = body as Record<string, unknown>;
  } catch {
    return page(c, 400, "Nothing saved", html`<p>The request body could not be read.</p>`);
  }
  const file = raw.bibtex;
  const bibtex =
    typeof file === "string"
      ? file
      : file instanceof File && file.size > 0 && file.size <= 1024 * 1024
        ? await file.text()
        : undefined;
  const given =
    file instanceof File && file.size > 1024 * 1024
      ? { field: "bibtex" as const, message: "the BibTeX file is larger than 1 MiB" }
      : parseReaderInterests(
          { interests: raw.interests, categories: raw.categories, papers: raw.papers, bibtex },
          { interestsRequired: true },
        );
  if (isSignupIssue(given)) {
    const message = `${given.field}: ${given.message}`;
    return errorResponse(c, `invalid_${given.field}`, message, {
      page: {
        heading: `Check your ${given.field}`,
        body: html`<p>${message}. Nothing was saved.</p><p><a href="/me/${opened.token}">Back</a></p>`,
      },
    });
  }
  const state = readerStateStub(c.env.READER_STATE, opened.reader.id);
  const current = await state.getProfile();
  const keptBibtex = raw.clear_bibtex ? [] : (current?.references ?? []).filter((r) => !r.id);
  const profile = await state.setProfile({
    ...(current ?? { id: opened.reader.id, name: "Reader" }),
    id: opened.reader.id,
    interests: given.interests,
    categories: given.categories,
    references: [...keptBibtex, ...given.references],
  });
  await setGatherHints(c.env.DB, opened.reader.id, { categories: profile.categories });
  return isJson ? c.json({ profile }) : c.redirect(`/me/${opened.token}`, 303);
});

meRoutes.get("/:token/export", async (c) => {
  const opened = await open(c);
  if (!opened.ok) return opened.response;
  const [state, rows] = await Promise.all([
    readerStateStub(c.env.READER_STATE, opened.reader.id).exportState(),
    readerRows(c.env.DB, opened.reader.id),
  ]);
  c.header("content-disposition", `attachment; filename="daily-feed-${opened.reader.id}.json"`);
  return c.json({ ...state, d1: rows });
});

meRoutes.post("/:token/delete", async (c) => {
  const opened = await open(c);
  if (!opened.ok) return opened.response;
  if (!(await readerWithinLimit(c, opened.reader.id))) return rateLimited(c);
  const body = await c.req.parseBody();
  if (body.confirm !== "yes")
    return page(c, 400, "Nothing deleted", html`<p>confirm: tick the box to delete everything.</p>`);
  await readerStateStub(c.env.READER_STATE, opened.reader.id).deleteState();
  await deleteReaderRows(c.env.DB, opened.reader.id);
  return page(
    c,
    200,
    "Everything is deleted",
    html`<p>Your profile, feedback, rules, issues and subscriptions are gone. Nothing more will be sent.</p>`,
  );
});
