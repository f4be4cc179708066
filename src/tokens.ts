/**
 * Signed, expiring tokens for one-click links (confirm, unsubscribe, feedback): HMAC-SHA-256 over
 * a compact JSON payload, base64url encoded. Web Crypto only, so it runs in Workers and Node alike.
 */

export type TokenPayload = Record<string, string | number>;

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined; // length 4k+1 is not base64
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/**
 * Signs `payload` for `ttlSeconds` from `now`. The purpose (`p`) is part of the payload, so a
 * token minted for one action cannot be replayed for another.
 */
export async function signToken(
  secret: string,
  purpose: string,
  payload: TokenPayload,
  ttlSeconds: number,
  now: Date,
): Promise<string> {
  const body = { ...payload, p: purpose, exp: Math.floor(now.getTime() / 1000) + ttlSeconds };
  const data = base64url(encoder.encode(JSON.stringify(body)));
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(data)));
  return `${data}.${base64url(sig)}`;
}

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: "malformed" | "bad-signature" | "expired" | "wrong-purpose" };

/** Verifies signature (constant time, via `crypto.subtle.verify`), purpose and expiry. */
export async function verifyToken(
  secret: string,
  purpose: string,
  token: string,
  now: Date,
): Promise<TokenCheck> {
  const [data, sig, extra] = token.split(".");
  if (!data || !sig || extra !== undefined) return { ok: false, reason: "malformed" };
  const sigBytes = fromBase64url(sig);
  const dataBytes = fromBase64url(data);
  if (!sigBytes || !dataBytes) return { ok: false, reason: "malformed" };
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), sigBytes, encoder.encode(data));
  if (!valid) return { ok: false, reason: "bad-signature" };
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(dataBytes));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof body !== "object" || body === null) return { ok: false, reason: "malformed" };
  const { p, exp, ...payload } = body as TokenPayload;
  if (p !== purpose) return { ok: false, reason: "wrong-purpose" };
  if (typeof exp !== "number" || exp * 1000 < now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, payload };
}
