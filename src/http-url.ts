import { z } from "zod";

/** Longer than any link a source gives us; a longer one is garbage, not a work's address. */
const MAX_URL_LENGTH = 2048;

/**
 * Browsers strip tabs and newlines inside a URL and ignore leading control characters and spaces,
 * so `java\tscript:` and ` javascript:` still run script. A link we emit must contain none of them:
 * then what we check is exactly what the browser reads.
 */
function hasControlOrSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** True when `s` is an absolute http(s) URL with a host, and nothing a browser would read differently. */
export function isHttpUrl(s: string): boolean {
  if (s.length > MAX_URL_LENGTH || hasControlOrSpace(s)) return false;
  if (!/^https?:\/\/[^/?#\\]/i.test(s)) return false;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/**
 * The one schema for every URL field of the model (candidates, issues, profiles, source payloads):
 * only http and https. `z.url()` alone accepts `javascript:`, `data:` and `vbscript:`.
 */
export const httpUrl = z.string().refine(isHttpUrl, { message: "expected an http(s) URL" });

/**
 * The check every renderer makes again right before writing a link: the href to emit, or undefined
 * when `href` is not an http(s) URL (the caller then writes the text without a link). Surrounding
 * whitespace is dropped, as Markdown link syntax allows it.
 */
export function safeHref(href: string | undefined | null): string | undefined {
  if (typeof href !== "string") return undefined;
  const trimmed = href.trim();
  return isHttpUrl(trimmed) ? trimmed : undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * An id from a payload as one URL path segment or query value: percent-encoded, so that the URL built
 * from it is always an `httpUrl` whatever the id holds (`encodeURIComponent` alone throws on a lone
 * surrogate, which JSON can carry). `keepSlashes` leaves `/` as is (old-style arXiv ids).
 */
export function encodeUrlPart(id: string, opts: { keepSlashes?: boolean } = {}): string {
  const wellFormed = id.replace(LONE_SURROGATE, "\ufffd");
  const encoded = encodeURIComponent(wellFormed);
  return opts.keepSlashes ? encoded.replace(/%2F/gi, "/") : encoded;
}
