/**
 * The signed one-click links that carry a reader's feedback back to the feed (web page, email,
 * issue footers): a rating per item, a free-text note per issue, the standing-rules page. The
 * routes that take them live in workers/routes/feedback.ts.
 */
import { signToken } from "./tokens";

const DAY_S = 86_400;
/** One-click links stay valid for a month: long enough to rate last week's issue. */
export const FEEDBACK_TTL_S = 30 * DAY_S;
/** Rules-management links are sent with each issue; a quarter is plenty. */
export const RULES_TTL_S = 90 * DAY_S;

/** The one-click rating link for one item of one issue (purpose "feedback", 30 days). */
export async function feedbackLink(
  secret: string,
  siteUrl: string,
  readerId: string,
  date: string,
  itemId: string,
  vote: "up" | "down",
  now: Date,
): Promise<string> {
  const token = await signToken(
    secret,
    "feedback",
    { r: readerId, d: date, i: itemId, v: vote },
    FEEDBACK_TTL_S,
    now,
  );
  return `${siteUrl.replace(/\/+$/, "")}/feedback/${token}`;
}

/** The link to the free-text feedback form for one issue (purpose "feedback-text", 30 days). */
export async function feedbackTextLink(
  secret: string,
  siteUrl: string,
  readerId: string,
  date: string,
  now: Date,
): Promise<string> {
  const token = await signToken(secret, "feedback-text", { r: readerId, d: date }, FEEDBACK_TTL_S, now);
  return `${siteUrl.replace(/\/+$/, "")}/feedback/text/${token}`;
}

/** The link to the reader's standing-rules page (purpose "rules", 90 days). */
export async function rulesLink(
  secret: string,
  siteUrl: string,
  readerId: string,
  now: Date,
): Promise<string> {
  const token = await signToken(secret, "rules", { r: readerId }, RULES_TTL_S, now);
  return `${siteUrl.replace(/\/+$/, "")}/feedback/rules/${token}`;
}

/** The reader's own page lasts a quarter; every issue carries a fresh link. */
export const ME_TTL_S = 90 * DAY_S;

/** The link to the reader's own page (purpose "me", 90 days): profile, rules, feedback, export, delete. */
export async function meLink(secret: string, siteUrl: string, readerId: string, now: Date): Promise<string> {
  const token = await signToken(secret, "me", { r: readerId }, ME_TTL_S, now);
  return `${siteUrl.replace(/\/+$/, "")}/me/${token}`;
}

/** The private web page of one issue of a subscriber (its feed slug is random and unguessable). */
export function privateIssueUrl(siteUrl: string, feedSlug: string, date: string): string {
  return `${siteUrl.replace(/\/+$/, "")}/r/${feedSlug}/issues/${date}`;
}

/** The private Atom feed of a subscriber's issues. */
export function privateFeedUrl(siteUrl: string, feedSlug: string): string {
  return `${siteUrl.replace(/\/+$/, "")}/r/${feedSlug}/feed.xml`;
}
