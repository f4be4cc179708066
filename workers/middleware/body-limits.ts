import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../config";
import { errorResponse } from "../errors";

const KiB = 1024;

/**
 * The most a request body may hold, by path. Forms and JSON commands fit in 16 KiB; sign-up takes a
 * BibTeX file (1 MiB). Telegram's updates get 64 KiB: a 4,096-character message with its entities
 * can pass 16 KiB as UTF-8 JSON, and an update we refuse is one Telegram keeps retrying.
 */
export const BODY_LIMITS = { default: 16 * KiB, upload: 1024 * KiB, telegram: 64 * KiB } as const;

function limited(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) => errorResponse(c, "payload_too_large", `the request body is over ${maxSize} bytes`),
  });
}

const byKind = {
  default: limited(BODY_LIMITS.default),
  upload: limited(BODY_LIMITS.upload),
  telegram: limited(BODY_LIMITS.telegram),
};

/**
 * Every request body is limited (by its Content-Length, or by counting when it is streamed);
 * past the limit the answer is 413 in the one error shape and the handler never runs.
 */
export const bodyLimits = createMiddleware<AppEnv>(async (c, next) => {
  const path = c.req.path;
  const kind = path === "/subscribe" ? "upload" : path === "/telegram/webhook" ? "telegram" : "default";
  return byKind[kind](c, next);
});
