/**
 * Delivery fan-out through Cloudflare Queues: `enqueueDelivery` seeds the ledger for one issue and
 * queues one message per pending recipient; the queue handler (workers/queue.ts) sends them with
 * `deliveryDeps`, acking or retrying each message. The domain logic lives in
 * src/channels/delivery.ts; this file wires bindings to it.
 */

import { getIssue } from "../d1/issues";
import { d1Ledger, d1MailStore, pendingDeliveries, recordFanout, seedDeliveries } from "../d1/ledger";
import { getReader } from "../d1/readers";
import { d1Recipients } from "../d1/subscriptions";
import { type DeliveryDeps, type DeliveryKey, DeliveryMessage } from "../src/channels/delivery";
import { unsubscribeUrl } from "../src/channels/links";
import { captureTransport, cloudflareTransport, type MailTransport } from "../src/channels/mail";
import { smtpTransport } from "../src/channels/smtp.worker";
import { TelegramClient } from "../src/channels/telegram";
import type { Config } from "../src/config";
import { feedbackLink, feedbackTextLink, meLink, privateIssueUrl } from "../src/feedback-links";
import type { Channel } from "../src/profile";
import type { Bindings } from "./config";

export { DeliveryMessage };

/** Queues accept at most 100 messages per `sendBatch`. */
const SEND_BATCH_MAX = 100;
/** Ledger rows read per page while enqueueing (keeps each D1 result small). */
const PAGE = 1000;

/**
 * The mail transport `EMAIL_TRANSPORT` names; throws (naming the variable) when mail is
 * misconfigured or the transport's binding is missing.
 */
export function emailTransport(env: Bindings, { email }: Config): MailTransport {
  if (!email) throw new Error("mail is misconfigured (see the EMAIL_* and SMTP_* problems logged at start)");
  switch (email.transport) {
    case "capture":
      return captureTransport(d1MailStore(env.DB));
    case "smtp":
      return smtpTransport(email.smtp);
    case "cloudflare":
      if (!env.EMAIL) throw new Error('EMAIL_TRANSPORT="cloudflare" needs a send_email binding named EMAIL');
      return cloudflareTransport(env.EMAIL);
  }
}

/** The Telegram client, or undefined when no (valid) bot token is configured. */
export function telegramClient({ telegram }: Config): TelegramClient | undefined {
  return telegram.botToken
    ? new TelegramClient({ token: telegram.botToken, apiUrl: telegram.apiUrl })
    : undefined;
}

/** Everything delivery needs, built from the Worker's bindings; `overrides` lets tests swap a part. */
export function deliveryDeps(
  env: Bindings,
  config: Config,
  overrides: Partial<DeliveryDeps> = {},
): DeliveryDeps {
  const secret = config.tokens?.secret;
  if (!secret) throw new Error("TOKEN_SECRET is not set or too short (wrangler secret put TOKEN_SECRET)");
  const siteUrl = config.site.url;
  const now = overrides.now ?? (() => new Date());
  const telegram = telegramClient(config);
  return {
    ledger: d1Ledger(env.DB),
    recipients: d1Recipients(env.DB),
    loadIssue: (readerId, date) => getIssue(env.DB, readerId, date),
    mail: emailTransport(env, config),
    mailFrom: config.email?.from ?? "",
    ...(telegram ? { telegram } : {}),
    links: {
      unsubscribe: (subscriptionId) => unsubscribeUrl(secret, siteUrl, subscriptionId, now()),
      feedback: async (readerId, date, itemId, vote) =>
        `${await feedbackLink(secret, siteUrl, readerId, date, itemId, vote, now())}?via=email`,
      note: (readerId, date) => feedbackTextLink(secret, siteUrl, readerId, date, now()),
      async reader(readerId, date) {
        const reader = await getReader(env.DB, readerId);
        // The public reader's issue is the editor's: no votes or notes from its subscribers.
        if (!reader || reader.kind === "public" || !reader.feedSlug) return { votes: false };
        return {
          votes: true,
          meUrl: await meLink(secret, siteUrl, readerId, now()),
          webUrl: privateIssueUrl(siteUrl, reader.feedSlug, date),
        };
      },
    },
    siteUrl,
    now,
    ...overrides,
  };
}

/** Queues one delivery message per key, 100 per `sendBatch`. */
export async function queueDeliveries(env: Bindings, keys: readonly DeliveryKey[]): Promise<void> {
  for (let i = 0; i < keys.length; i += SEND_BATCH_MAX) {
    await env.DELIVERY_QUEUE.sendBatch(
      keys.slice(i, i + SEND_BATCH_MAX).map((k) => ({
        body: {
          type: "deliver",
          readerId: k.readerId,
          date: k.date,
          subscriptionId: k.subscriptionId,
          channel: k.channel,
        } satisfies DeliveryMessage,
        contentType: "json" as const,
      })),
    );
  }
}

/**
 * Seeds the ledger for `date`'s issue of `readerId` (one pending row per active subscription) and
 * queues one message per still-pending row, 100 per `sendBatch`. Rerunning it queues only what has
 * not been sent. Records the fan-out last, so a crash before the end leaves the issue for the
 * sweeper to fan out again. Returns the number of messages queued.
 */
export async function enqueueDelivery(env: Bindings, readerId: string, date: string): Promise<number> {
  await seedDeliveries(env.DB, readerId, date, new Date());
  let queued = 0;
  let after: { subscriptionId: string; channel: Channel } | null = null;
  for (;;) {
    const page = await pendingDeliveries(env.DB, readerId, date, after, PAGE);
    await queueDeliveries(env, page);
    queued += page.length;
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    after = { subscriptionId: last.subscriptionId, channel: last.channel };
  }
  await recordFanout(env.DB, readerId, date, new Date());
  return queued;
}
