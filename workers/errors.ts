/**
 * The one error shape. Every failure the Worker answers, JSON or HTML page, is made here and
 * carries the request id: JSON as `{error:{code,message,requestId}}`, a page with the id printed
 * under the message, and always the `x-request-id` header.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./config";
import { type Markup, page } from "./page";

/** Every error code a client can see, with its HTTP status and the heading of its page. */
export const ERRORS = {
  bad_request: { status: 400, heading: "That did not work" },
  invalid_email: { status: 400, heading: "Check the address" },
  invalid_interests: { status: 400, heading: "Check your interests" },
  invalid_categories: { status: 400, heading: "Check your categories" },
  invalid_papers: { status: 400, heading: "Check your papers" },
  invalid_bibtex: { status: 400, heading: "Check your BibTeX file" },
  invalid_token: { status: 400, heading: "This link is not valid" },
  unauthorized: { status: 401, heading: "Sign-in needed" },
  forbidden: { status: 403, heading: "Not allowed" },
  not_found: { status: 404, heading: "Not found" },
  method_not_allowed: { status: 405, heading: "Not allowed" },
  expired: { status: 410, heading: "This link has expired" },
  gone: { status: 410, heading: "No longer available" },
  payload_too_large: { status: 413, heading: "Too much data" },
  unsupported_media_type: { status: 415, heading: "Unsupported format" },
  rate_limited: { status: 429, heading: "Too many requests" },
  internal: { status: 500, heading: "Something went wrong" },
  config_invalid: { status: 500, heading: "This server is misconfigured" },
  mail_failed: { status: 502, heading: "We could not send the mail" },
  not_configured: { status: 503, heading: "Not set up" },
} as const satisfies Record<string, { status: ContentfulStatusCode; heading: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** What an HTML answer shows instead of the default heading and message. */
export interface ErrorPage {
  heading?: string;
  body?: Markup;
}

/** A failure thrown from anywhere below a route; `onError` answers it with `errorResponse`. */
export class AppError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly page?: ErrorPage,
  ) {
    super(ERRORS[code].status, { message });
    this.name = "AppError";
  }
}

/** JSON when the client sent or asked for JSON (or the path ends in .json). */
export function wantsJson(c: Context<AppEnv>): boolean {
  return (
    (c.req.header("content-type") ?? "").includes("application/json") ||
    (c.req.header("accept") ?? "").includes("application/json") ||
    c.req.path.endsWith(".json")
  );
}

function wantsHtml(c: Context<AppEnv>): boolean {
  return (c.req.header("accept") ?? "").includes("text/html");
}

/** The request id of this request (set by `requestContext`; made here if that never ran). */
export function requestIdOf(c: Context<AppEnv>): string {
  let id = c.get("requestId");
  if (!id) {
    id = crypto.randomUUID();
    c.set("requestId", id);
  }
  return id;
}

/**
 * The error answer: a page when the route offers one (or the client asks for HTML) and the client
 * did not ask for JSON; the JSON error shape otherwise. `headers` add e.g. `Retry-After`.
 */
export function errorResponse(
  c: Context<AppEnv>,
  code: ErrorCode,
  message: string,
  options: { page?: ErrorPage; headers?: Record<string, string> } = {},
): Response | Promise<Response> {
  const { status, heading } = ERRORS[code];
  const requestId = requestIdOf(c);
  c.header("x-request-id", requestId);
  for (const [k, v] of Object.entries(options.headers ?? {})) c.header(k, v);
  // A page needs the site URL; with a broken configuration there is none, so JSON it is.
  const canPage = c.get("config") !== undefined;
  if (canPage && !wantsJson(c) && (options.page !== undefined || wantsHtml(c))) {
    const body = options.page?.body ?? html`<p>${message}</p>`;
    return page(
      c,
      status,
      options.page?.heading ?? heading,
      html`${body}<p class="meta">Request id: <code>${requestId}</code></p>`,
    );
  }
  return c.json({ error: { code, message, requestId } }, status);
}

const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  410: "gone",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "not_configured",
};

/** The code for a status that came without one (a Hono `HTTPException` from a middleware). */
export function codeOfStatus(status: number): ErrorCode {
  return CODE_OF_STATUS[status] ?? (status >= 500 ? "internal" : "bad_request");
}
