/**
 * `POST /telegram/webhook`: Telegram's updates for the bot. Only requests that carry our
 * `X-Telegram-Bot-Api-Secret-Token` (compared in constant time) get in; the update is validated,
 * answered with 200 at once, and handled in `waitUntil`, so Telegram never waits on D1, the Durable
 * Object or our own Bot API calls.
 */
import { Hono } from "hono";
import { getIssue, latestIssue, listIssues } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { deactivateSubscription, findSubscription, subscribeChat } from "../../d1/subscriptions";
import { type DeliveryConfig, deliveryConfig } from "../../src/channels/config";
import { TelegramClient, TelegramUpdate } from "../../src/channels/telegram";
import { type BotDeps, handleUpdate } from "../../src/channels/telegram-bot";

export const telegramRoutes = new Hono<{ Bindings: Env }>();

const encoder = new TextEncoder();

/** Constant-time string equality: both sides are hashed first, so even their lengths do not leak. */
async function secretMatches(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** The bot's ports, wired to D1 and the public reader's Durable Object. */
export function botDeps(env: Env, config: DeliveryConfig, token: string): BotDeps {
  const readerId = config.PUBLIC_READER;
  const db = env.DB;
  const reader = env.READER_STATE.getByName(readerId);
  const editors = config.TELEGRAM_EDITOR_CHAT_IDS?.split(",").map((id) => id.trim());
  return {
    canEditRules: (chatId) => editors === undefined || editors.includes(chatId),
    client: new TelegramClient({ token, apiUrl: config.TELEGRAM_API_URL }),
    siteUrl: config.SITE_URL,
    subscriptions: {
      async subscribe(chatId) {
        const now = new Date();
        await ensureReader(db, readerId, readerId, now);
        const { wasActive } = await subscribeChat(db, readerId, chatId, now);
        return { wasActive };
      },
      async unsubscribe(chatId) {
        const sub = await findSubscription(db, readerId, "telegram", chatId);
        return sub ? deactivateSubscription(db, sub.id, "unsubscribed", "/stop", new Date()) : false;
      },
    },
    issues: {
      latest: () => latestIssue(db, readerId),
      byDate: (date) => getIssue(db, readerId, date),
      list: (limit) => listIssues(db, readerId, limit),
    },
    reader: {
      async recordFeedback(f) {
        const { newRules } = await reader.recordFeedback(f);
        return { newRules };
      },
      listRules: () => reader.listRules(),
      removeRule: (id) => reader.removeRule(id),
    },
  };
}

telegramRoutes.post("/telegram/webhook", async (c) => {
  const config = deliveryConfig(c.env);
  const expected = config.TELEGRAM_WEBHOOK_SECRET;
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!expected || !token) {
    return c.json({ error: { code: "not_configured", message: "the Telegram bot is not configured" } }, 503);
  }
  const given = c.req.header("x-telegram-bot-api-secret-token");
  if (given === undefined) {
    return c.json(
      { error: { code: "unauthorized", message: "missing X-Telegram-Bot-Api-Secret-Token" } },
      401,
    );
  }
  if (!(await secretMatches(given, expected))) {
    return c.json({ error: { code: "forbidden", message: "wrong X-Telegram-Bot-Api-Secret-Token" } }, 403);
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: { code: "bad_request", message: "body is not JSON" } }, 400);
  }
  const update = TelegramUpdate.safeParse(body);
  if (!update.success) {
    return c.json(
      {
        error: { code: "bad_request", message: `not a Telegram update: ${update.error.issues[0]?.message}` },
      },
      400,
    );
  }
  const deps = botDeps(c.env, config, token);
  c.executionCtx.waitUntil(
    handleUpdate(update.data, deps).catch((err: unknown) => {
      console.error(
        JSON.stringify({ telegram: "update failed", update_id: update.data.update_id, error: String(err) }),
      );
    }),
  );
  return c.json({ ok: true });
});
