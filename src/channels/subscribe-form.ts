import { escapeHtml } from "../render/escape";

/**
 * The email subscribe form, as an HTML fragment for archive pages. Posts to `/subscribe` (double
 * opt-in follows); works without JavaScript. The hidden `website` field is a honeypot: people leave
 * it empty, form-filling bots do not, and `/subscribe` ignores those.
 */
export function subscribeForm(siteUrl: string): string {
  const action = escapeHtml(`${siteUrl.replace(/\/+$/, "")}/subscribe`);
  return `<form class="subscribe" method="post" action="${action}">
<label for="subscribe-email" style="position:absolute;left:-10000px">Email address</label>
<input id="subscribe-email" type="email" name="email" required maxlength="254" placeholder="you@example.org" autocomplete="email" inputmode="email">
<input type="text" name="website" tabindex="-1" autocomplete="off" aria-hidden="true" style="position:absolute;left:-10000px">
<button type="submit">Subscribe by email</button>
</form>
<p class="subscribe-note" style="font-size:.85rem;opacity:.75">One mail a day; confirm by the link we send. Telegram: message the bot /start.</p>`;
}
