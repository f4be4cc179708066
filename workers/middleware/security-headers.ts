import { createMiddleware } from "hono/factory";
import SECURITY_HEADERS from "../../src/security-headers.json";
import type { AppEnv } from "../config";

/**
 * The headers every response carries; the same table is written to `public/_headers` by
 * scripts/prepare-assets.mjs for the static assets, which never reach the Worker.
 *
 * The policy: scripts only from this origin (the GPU panel is a module file, no inline script or
 * handler anywhere), no plugins, no `<base>`, no framing, forms post only here. Styles allow
 * 'unsafe-inline' because KaTeX's server-rendered math positions glyphs with inline `style`
 * attributes and the layout ships its CSS in one `<style>`; with scripts locked down, inline
 * styles cannot run code.
 */
export const securityHeaders: Readonly<Record<string, string>> = SECURITY_HEADERS;

/** One year, subdomains included: sent only over https, where it means something. */
const HSTS = "max-age=31536000; includeSubDomains";

export const secureResponses = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(securityHeaders)) c.res.headers.set(name, value);
  if (new URL(c.req.url).protocol === "https:") c.res.headers.set("Strict-Transport-Security", HSTS);
});
