import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../config";
import { AppError } from "../errors";

const encoder = new TextEncoder();

/**
 * Constant-time equality of two secrets: both sides are hashed first, so neither their contents
 * nor their lengths leak through timing.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>` (RFC 6750): the scheme is required, the token is one field. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Operator endpoints: `Authorization: Bearer $ADMIN_TOKEN`. Without a valid token configured
 * (unset, or under 32 characters) admin is closed with 503; the rest of the site is unaffected.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const admin = c.var.config.admin;
  if (!admin) {
    throw new AppError(
      "not_configured",
      "admin is off: ADMIN_TOKEN is not set or shorter than 32 characters",
    );
  }
  const match = BEARER.exec(c.req.header("authorization") ?? "");
  if (!match?.[1] || !(await secretsEqual(match[1], admin.token))) {
    c.header("WWW-Authenticate", 'Bearer realm="daily-feed-admin"');
    throw new AppError("unauthorized", "missing or wrong admin token (Authorization: Bearer …)");
  }
  await next();
});
