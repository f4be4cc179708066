/**
 * Rate limits on writes, with Cloudflare's Rate Limiting bindings (see wrangler.toml). Each write is
 * counted under the client's network (IPv4 address, or IPv6 /64: one subscriber line holds a whole
 * /64) and under what it writes to (the address signing up, the reader of a token, the chat), so
 * neither many addresses nor many networks get round the limit. A request without
 * `cf-connecting-ip` (never the case behind Cloudflare) shares no bucket with others: it is counted
 * under its subject alone.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../config";
import { type ErrorPage, errorResponse } from "../errors";

/** The `period` of every limiter in wrangler.toml: a refused client may retry after it. */
export const RATE_PERIOD_S = 60;

export type LimiterName = "SIGNUP_LIMITER" | "WRITE_LIMITER" | "TELEGRAM_LIMITER";

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(address: string): string[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(address) || address.length > 45) return undefined;
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    if (!IPV4.test(v4)) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4.split(".").map(Number);
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => g.replace(/^0+(?=.)/, ""));
}

/**
 * The network a client address stands for: an IPv4 address as is, an IPv6 address as its /64
 * (IPv4-mapped IPv6 as the IPv4 address); undefined for anything that is not an address.
 */
export function networkKey(address: string | undefined): string | undefined {
  const text = address?.trim();
  if (!text) return undefined;
  if (IPV4.test(text)) return `ip4:${text}`;
  const groups = ipv6Groups(text);
  if (!groups) return undefined;
  if (groups.slice(0, 5).every((g) => g === "0") && groups[5] === "ffff") {
    const [hi = 0, lo = 0] = [groups[6], groups[7]].map((g) => Number.parseInt(g ?? "0", 16));
    return `ip4:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return `ip6:${groups.slice(0, 4).join(":")}::/64`;
}

/** The client's network key from `cf-connecting-ip`, or undefined without a valid one. */
export function clientNetwork(c: Context<AppEnv>): string | undefined {
  return networkKey(c.req.header("cf-connecting-ip"));
}

/**
 * Counts one request under each key; false when any key is over its limit. A limiter that fails
 * lets the request through (logged): a write refused for our fault is worse than one let through.
 */
export async function withinLimit(
  c: Context<AppEnv>,
  limiter: LimiterName,
  keys: string[],
): Promise<boolean> {
  const binding = c.env[limiter];
  for (const key of keys) {
    try {
      const { success } = await binding.limit({ key });
      if (!success) return false;
    } catch (err) {
      console.error(JSON.stringify({ rateLimit: limiter, error: String(err) }));
    }
  }
  return true;
}

/** The 429 answer, with `Retry-After`. */
export function rateLimited(c: Context<AppEnv>, page?: ErrorPage): Response | Promise<Response> {
  return errorResponse(c, "rate_limited", `too many requests; retry in ${RATE_PERIOD_S} s`, {
    headers: { "Retry-After": String(RATE_PERIOD_S) },
    ...(page ? { page } : {}),
  });
}

/**
 * Counts every non-GET request of the routes it guards under the client's network; requests
 * without `cf-connecting-ip` pass here and are counted by their route under their subject.
 */
export function limitWritesByNetwork(limiter: LimiterName, page?: ErrorPage) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    const network = clientNetwork(c);
    if (network && !(await withinLimit(c, limiter, [network]))) return rateLimited(c, page);
    return next();
  });
}
