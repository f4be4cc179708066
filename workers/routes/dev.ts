/**
 * Local conveniences, mounted at `/dev`: `GET /dev/mail` and `GET /dev/mail/:id` show the mail the
 * capture transport kept. They exist only when `DEV_ROUTES="true"` (set by `npm start` in
 * `.dev.vars`, never by wrangler.toml) and mail is captured; otherwise every `/dev/*` is a plain 404,
 * because captured mail holds confirmation and unsubscribe links that belong to their recipients.
 */
import { html } from "hono/html";
import { getCapturedMail, listCapturedMail } from "../../d1/ledger";
import { errorResponse } from "../errors";
import { factory } from "../factory";
import { page } from "../page";

export const devRoutes = factory.createApp();

devRoutes.use("*", async (c, next) => {
  const { dev, email } = c.var.config;
  if (!dev.routes || email?.transport !== "capture") {
    return errorResponse(c, "not_found", `no route for ${c.req.method} ${c.req.path}`);
  }
  await next();
});

devRoutes.get("/mail", async (c) => {
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
  );
});

devRoutes.get("/mail/:id", async (c) => {
  const mail = await getCapturedMail(c.env.DB, c.req.param("id"));
  if (!mail) {
    return errorResponse(c, "not_found", "no such mail", {
      page: { heading: "No such mail", body: html`<p><a href="/dev/mail">All captured mail</a></p>` },
    });
  }
  const headers = {
    From: mail.from,
    To: mail.to,
    Subject: mail.subject,
    Date: mail.createdAt,
    ...mail.headers,
  };
  // The HTML part is shown in a sandboxed frame: no scripts, no same-origin access.
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
  );
});
