/** Escaping for the channels' markup, and the one rule for which links survive. */
/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Escapes text for Telegram's HTML mode (it requires exactly these three). */
export function escapeTelegram(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Only http(s) links survive; anything else (javascript:, data:, mailto:) renders as its text. */
export { safeHref } from "../http-url";
