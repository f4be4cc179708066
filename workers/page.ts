import type { Context } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { layout } from "../templates/layout";
import type { AppEnv } from "./config";

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A small HTML page in the site's layout: the one helper for every non-archive page and error page. */
export function page(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  heading: string,
  body: Markup,
  // The path as the client sent it, percent-encoded: `c.req.path` is decoded, and a canonical link
  // must not carry a request's raw quotes, spaces or angle brackets back into the page.
  path = new URL(c.req.url).pathname,
): Response | Promise<Response> {
  return c.html(
    layout({
      title: `${heading} — Daily Feed`,
      description: heading,
      siteUrl: c.var.config.site.url,
      path,
      body: html`<h1>${heading}</h1>${body}`,
    }),
    status,
  );
}
