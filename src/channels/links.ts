/**
 * The signed links that subscription mail carries: confirm (double opt-in) and unsubscribe (one click,
 * also the List-Unsubscribe target); feedback links live with their routes (workers/routes/feedback.ts). HMAC tokens from `src/tokens.ts`; the
 * purpose is signed in, so a token minted for one action cannot be used for another.
 */
import { signToken, verifyToken } from "../tokens";

const DAY = 86_400;

/** How long each kind of link works. Unsubscribe links must outlive the mail they are in by far. */
export const LINK_TTL_SECONDS = {
  confirm: 3 * DAY,
  unsubscribe: 400 * DAY,
} as const;

/** `${siteUrl}/subscribe/confirm/<token>` for one subscription. */
export async function confirmUrl(
  secret: string,
  siteUrl: string,
  subscriptionId: string,
  now: Date,
): Promise<string> {
  const token = await signToken(secret, "confirm", { s: subscriptionId }, LINK_TTL_SECONDS.confirm, now);
  return `${siteUrl}/subscribe/confirm/${token}`;
}

/** `${siteUrl}/unsubscribe/<token>` for one subscription. */
export async function unsubscribeUrl(
  secret: string,
  siteUrl: string,
  subscriptionId: string,
  now: Date,
): Promise<string> {
  const token = await signToken(
    secret,
    "unsubscribe",
    { s: subscriptionId },
    LINK_TTL_SECONDS.unsubscribe,
    now,
  );
  return `${siteUrl}/unsubscribe/${token}`;
}

/** The subscription id a confirm or unsubscribe token names, or why it is not valid. */
export async function subscriptionOfToken(
  secret: string,
  purpose: "confirm" | "unsubscribe",
  token: string,
  now: Date,
): Promise<{ ok: true; subscriptionId: string } | { ok: false; reason: string }> {
  // verifyToken throws (atob) on base64url of an impossible length, e.g. a truncated link.
  const check = await verifyToken(secret, purpose, token, now).catch(() => ({
    ok: false as const,
    reason: "malformed",
  }));
  if (!check.ok) return { ok: false, reason: check.reason };
  const s = check.payload.s;
  return typeof s === "string" && s.length > 0
    ? { ok: true, subscriptionId: s }
    : { ok: false, reason: "malformed" };
}
