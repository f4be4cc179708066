import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../config";
import { configOf } from "../config";

/** Cloudflare's own ray id; anything else a client sends is not trusted as an id. */
const RAY = /^[0-9a-f]{16}(-[A-Z]{3})?$/;

/**
 * Puts the request id and the parsed configuration on the context, and the id on the response, so a
 * reader can quote it and the operator find the log line. Idempotent: route modules mounted in the
 * app and used alone both pass here.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("requestId")) {
    const ray = c.req.header("cf-ray");
    c.set("requestId", ray && RAY.test(ray) ? ray : crypto.randomUUID());
  }
  if (!c.get("config")) c.set("config", configOf(c.env));
  await next();
  c.header("x-request-id", c.get("requestId"));
});
