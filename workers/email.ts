import { deactivateSubscription } from "../d1/subscriptions";
import { subscriptionOfToken } from "../src/channels/links";
import { unsubscribeTokenOfSubject } from "../src/channels/mail";
import type { Config } from "../src/config";
import type { Bindings } from "./config";

/**
 * Mail to the feed's address (Cloudflare Email Routing): the `mailto:` half of `List-Unsubscribe`.
 * The subject must carry the signed unsubscribe token the header put there; the sender address alone
 * is never trusted. Anything else is rejected with a reason the sender's server reports back.
 */
export async function unsubscribeByMail(
  message: ForwardableEmailMessage,
  env: Bindings,
  config: Config,
  now = new Date(),
): Promise<void> {
  const secret = config.tokens?.secret;
  const token = unsubscribeTokenOfSubject(message.headers.get("subject"));
  if (!secret || !token) {
    message.setReject("This address only takes unsubscribe requests; use the link in any issue.");
    return;
  }
  const opened = await subscriptionOfToken(secret, "unsubscribe", token, now);
  if (!opened.ok) {
    message.setReject(
      `The unsubscribe request is not valid (${opened.reason}); use the link in the latest issue.`,
    );
    return;
  }
  await deactivateSubscription(env.DB, opened.subscriptionId, "unsubscribed", "mailto", now);
  console.log(JSON.stringify({ unsubscribed: opened.subscriptionId, via: "mailto" }));
}
