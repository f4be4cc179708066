/**
 * Delivery fan-out through Cloudflare Queues: `enqueueDelivery` seeds the ledger for one issue and
 * queues one message per pending recipient; `handleDeliveryBatch` (called by the queue handler in
 * workers/index.ts) sends them, acking or retrying each message. The domain logic lives in
 * src/channels/delivery.ts; this file wires bindings to it.
 */

import { getIssue } from "../d1/issues";
import { d1Ledger, d1MailStore, pendingDeliveries, seedDeliveries } from "../d1/ledger";
import { d1Recipients } from "../d1/subscriptions";
import { type DeliveryConfig, deliveryConfig, requireTokenSecret } from "../src/channels/config";
import {
  type DeliveryDeps,
  DeliveryMessage,
  type DeliveryOutcome,
  processDeliveryBatch,
} from "../src/channels/delivery";
import { unsubscribeUrl } from "../src/channels/links";
import {
  captureTransport,
  cloudflareTransport,
  type MailTransport,
  type SendEmailBinding,
} from "../src/channels/mail";
import { smtpTransport } from "../src/channels/smtp.worker";
import { TelegramClient } from "../src/channels/telegram";
import { feedbackLink, feedbackTextLink } from "../src/feedback-links";

export { DeliveryMessage };

/** Queues accept at most 100 messages per `sendBatch`. */
const SEND_BATCH_MAX = 100;
/** Ledger rows read per page while enqueueing (keeps each D1 result small). */
const PAGE = 1000;

/** The mail transport `EMAIL_TRANSPORT` names. */
export function emailTransport(env: Env, config: DeliveryConfig = deliveryConfig(env)): MailTransport {
  switch (config.EMAIL_TRANSPORT) {
    case "capture":
      return captureTransport(d1MailStore(env.DB));
    case "smtp":
      return smtpTransport({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        user: config.SMTP_USER,
        pass: config.SMTP_PASS,
      });
    case "cloudflare": {
      // The send_email binding is optional in wrangler.toml, so it is not in the generated Env.
      const binding = (env as unknown as { EMAIL?: SendEmailBinding }).EMAIL;
      if (!binding) throw new Error('EMAIL_TRANSPORT="cloudflare" needs a send_email binding named EMAIL');
      return cloudflareTransport(binding);
    }
  }
}

/** The Telegram client, or undefined when no bot token is configured. */
export function telegramClient(
  env: Env,
  config: DeliveryConfig = deliveryConfig(env),
): TelegramClient | undefined {
  return config.TELEGRAM_BOT_TOKEN
    ? new TelegramClient({ token: config.TELEGRAM_BOT_TOKEN, apiUrl: config.TELEGRAM_API_URL })
    : undefined;
}

/** Everything delivery needs, built from the Worker's bindings; `overrides` lets tests swap a part. */
export function deliveryDeps(env: Env, overrides: Partial<DeliveryDeps> = {}): DeliveryDeps {
  const config = deliveryConfig(env);
  const secret = requireTokenSecret(config);
  const now = overrides.now ?? (() => new Date());
  const telegram = telegramClient(env, config);
  return {
    ledger: d1Ledger(env.DB),
    recipients: d1Recipients(env.DB),
    loadIssue: (readerId, date) => getIssue(env.DB, readerId, date),
    mail: emailTransport(env, config),
    mailFrom: config.EMAIL_FROM,
    ...(telegram ? { telegram } : {}),
    links: {
      unsubscribe: (subscriptionId) => unsubscribeUrl(secret, config.SITE_URL, subscriptionId, now()),
      feedback: async (readerId, date, itemId, vote) =>
        `${await feedbackLink(secret, config.SITE_URL, readerId, date, itemId, vote, now())}?via=email`,
      note: (readerId, date) => feedbackTextLink(secret, config.SITE_URL, readerId, date, now()),
    },
    siteUrl: config.SITE_URL,
    now,
    ...overrides,
  };
}

/**
 * Seeds the ledger for `date`'s issue of `readerId` (one pending row per active subscription) and
 * queues one message per still-pending row, 100 per `sendBatch`. Rerunning it queues only what has
 * not been sent. Returns the number of messages queued.
 */
export async function enqueueDelivery(env: Env, readerId: string, date: string): Promise<number> {
  await seedDeliveries(env.DB, readerId, date, new Date());
  let queued = 0;
  let after: { subscriptionId: string; channel: "email" | "telegram" } | null = null;
  for (;;) {
    const page = await pendingDeliveries(env.DB, readerId, date, after, PAGE);
    for (let i = 0; i < page.length; i += SEND_BATCH_MAX) {
      const chunk = page.slice(i, i + SEND_BATCH_MAX);
      await env.DELIVERY_QUEUE.sendBatch(
        chunk.map((k) => ({
          body: {
            type: "deliver",
            readerId,
            date,
            subscriptionId: k.subscriptionId,
            channel: k.channel,
          } satisfies DeliveryMessage,
          contentType: "json" as const,
        })),
      );
      queued += chunk.length;
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    after = { subscriptionId: last.subscriptionId, channel: last.channel };
  }
  return queued;
}

/** Sends a batch of delivery messages; each is acked when done (or failed for good), retried otherwise. */
export async function handleDeliveryBatch(
  batch: MessageBatch<DeliveryMessage>,
  env: Env,
  overrides: Partial<DeliveryDeps> = {},
): Promise<DeliveryOutcome[]> {
  return processDeliveryBatch(batch.messages, deliveryDeps(env, overrides));
}
