/**
 * `POST /telegram/webhook`: Telegram's updates for the bot. Only requests that carry our
 * `X-Telegram-Bot-Api-Secret-Token` (compared in constant time) get in; the update is validated,
 * answered with 200 at once, and handled in `waitUntil`, so Telegram never waits on D1, the Durable
 * Object or our own Bot API calls.
 */
import { getIssue, latestIssue, listIssues } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { deactivateSubscription, findSubscription, subscribeChat } from "../../d1/subscriptions";
import { TelegramClient, TelegramUpdate } from "../../src/channels/telegram";
import { type BotDeps, handleUpdate } from "../../src/channels/telegram-bot";
import type { Config } from "../../src/config";
import type { Bindings } from "../config";
import { errorResponse } from "../errors";
import { factory } from "../factory";
import { secretsEqual } from "../middleware/admin-auth";
import { withinLimit } from "../middleware/rate-limit";

export const telegramRoutes = factory.createApp();

/** The bot's ports, wired to D1 and the public reader's Durable Object. */
export function botDeps(env: Bindings, config: Config, token: string): BotDeps {
  const readerId = config.site.publicReader;
  const db = env.DB;
  const reader = env.READER_STATE.getByName(readerId);
  const editors = config.telegram.editorChatIds;
  return {
    canEditRules: (chatId) => editors === undefined || editors.includes(chatId),
    client: new TelegramClient({ token, apiUrl: config.telegram.apiUrl }),
    siteUrl: config.site.url,
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
  const config = c.var.config;
  const expected = config.telegram.webhookSecret;
  const token = config.telegram.botToken;
  if (!expected || !token) {
    return errorResponse(c, "not_configured", "the Telegram bot is not configured");
  }
  const given = c.req.header("x-telegram-bot-api-secret-token");
  if (given === undefined) {
    return errorResponse(c, "unauthorized", "missing X-Telegram-Bot-Api-Secret-Token");
  }
  if (!(await secretsEqual(given, expected))) {
    return errorResponse(c, "forbidden", "wrong X-Telegram-Bot-Api-Secret-Token");
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return errorResponse(c, "bad_request", "body is not JSON");
  }
  const update = TelegramUpdate.safeParse(body);
  if (!update.success) {
    return errorResponse(c, "bad_request", `not a Telegram update: ${update.error.issues[0]?.message}`);
  }
  // Per chat: a chat over its limit gets no answer (Telegram must still get 200, or it retries).
  const chatId =
    update.data.message?.chat.id ??
    update.data.callback_query?.message?.chat.id ??
    update.data.callback_query?.from.id;
  if (chatId !== undefined && !(await withinLimit(c, "TELEGRAM_LIMITER", [`chat:${chatId}`]))) {
    console.warn(JSON.stringify({ telegram: "chat over its rate limit", update_id: update.data.update_id }));
    return c.json({ ok: true });
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
