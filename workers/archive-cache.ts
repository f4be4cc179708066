/**
 * HTTP caching for the public archive. Its responses change only when an issue is added, so each
 * one is computed once per archive version (see `archiveVersion`) and kept in the isolate, with a
 * strong ETag (a hash of the bytes) for conditional requests: a client that has it gets 304.
 */
import type { Context } from "hono";

/** A response body worth keeping: what it is, how long clients may keep it. */
export interface CacheableBody {
  body: string;
  contentType: string;
  cacheControl: string;
}

interface Entry extends Omit<CacheableBody, "body"> {
  /** Encoded once: a cached page is served many times. */
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** Cache-Control for representations that never change (an issue's JSON and Markdown). */
export const IMMUTABLE = "public, max-age=86400, immutable";
/** Cache-Control for an issue page whose neighbours are both known: only a renderer change alters it. */
export const SETTLED = "public, max-age=86400";
/** Cache-Control for what changes when the next issue is built (`/`, the feed, the newest page). */
export const FRESH = "public, max-age=300";

/**
 * Cache-Control for a subscriber's private pages: only the reader's own browser may keep them (never
 * a shared cache), and it asks again each time, cheaply, with If-None-Match.
 */
export const PRIVATE = "private, no-cache";

/** Enough for `/`, the list, the feed and the pages people are reading; older keys fall out first. */
const MAX_ENTRIES = 64;
const entries = new Map<string, Entry>();

/** The last archive version read from D1 per reader, and when. */
const versions = new Map<string, { version: string; at: number }>();

/**
 * The archive version of `readerId`, read from D1 at most once per `ttlSeconds` per isolate. A new
 * issue shows up at most that much later — invisible for a daily feed — and a served page costs no
 * database round trip in between. `ttlSeconds` 0 reads it every time (tests).
 */
export async function archiveVersionCached(
  readerId: string,
  ttlSeconds: number,
  read: () => Promise<string>,
  now: number = Date.now(),
): Promise<string> {
  const hit = versions.get(readerId);
  if (hit && now - hit.at < ttlSeconds * 1000) return hit.version;
  const version = await read();
  versions.set(readerId, { version, at: now });
  return version;
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A strong ETag: 128 bits of the SHA-256 of the exact bytes served. */
export async function strongEtag(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  return `"${base64url(digest.slice(0, 16))}"`;
}

/** If-None-Match (RFC 9110 §13.1.2): `*` or a list of tags compared weakly. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === bare);
}

/**
 * The response for `key`, computed by `make` on a miss. `make` answers a body to cache, or a
 * Response (an error page) that is sent as is and never cached.
 */
export async function serveCached(
  c: Context,
  key: string,
  make: () => Promise<CacheableBody | Response>,
): Promise<Response> {
  let entry = entries.get(key);
  if (entry) {
    // Refresh its place: the most recently served entries stay.
    entries.delete(key);
    entries.set(key, entry);
  } else {
    const made = await make();
    if (made instanceof Response) return made;
    entry = {
      bytes: new Uint8Array(new TextEncoder().encode(made.body)),
      contentType: made.contentType,
      cacheControl: made.cacheControl,
      etag: await strongEtag(made.body),
    };
    entries.set(key, entry);
    while (entries.size > MAX_ENTRIES) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  }
  const headers = { etag: entry.etag, "cache-control": entry.cacheControl };
  if (matchesIfNoneMatch(c.req.header("if-none-match"), entry.etag)) {
    return c.body(null, 304, headers);
  }
  return c.body(entry.bytes, 200, { ...headers, "content-type": entry.contentType });
}

/**
 * `body` with a strong ETag, or 304 when the client already has those bytes: for responses kept by
 * no one but the client (a subscriber's private pages).
 */
export async function serveConditional(c: Context, made: CacheableBody): Promise<Response> {
  const etag = await strongEtag(made.body);
  const headers = { etag, "cache-control": made.cacheControl };
  if (matchesIfNoneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  return c.body(made.body, 200, { ...headers, "content-type": made.contentType });
}
