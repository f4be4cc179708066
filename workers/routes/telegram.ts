/**
 * `POST /telegram/webhook`: Telegram's updates for the bot. Only requests that carry our
 * `X-Telegram-Bot-Api-Secret-Token` (compared in constant time) get in; the update is validated,
 * answered with 200 at once, and handled in `waitUntil`, so Telegram never waits on D1, the Durable
 * Object or our own Bot API calls.
 */
import { getIssue, latestIssue, listIssues } from "../../d1/issues";
import { activateReader, createReader, type ReaderRow, readerOfChat } from "../../d1/readers";
import { deactivateSubscription, findSubscription, subscribeChat } from "../../d1/subscriptions";
import { readerStateStub } from "../../durable-objects/reader-state";
import { TelegramClient, TelegramUpdate } from "../../src/channels/telegram";
import { type BotDeps, type ChatReaderPort, handleUpdate } from "../../src/channels/telegram-bot";
import type { Config } from "../../src/config";
import { meLink, privateIssueUrl } from "../../src/feedback-links";
import { profileForReader } from "../../src/signup";
import type { Bindings } from "../config";
import { errorResponse } from "../errors";
import { factory } from "../factory";
import { secretsEqual } from "../middleware/admin-auth";
import { withinLimit } from "../middleware/rate-limit";

export const telegramRoutes = factory.createApp();

/** One chat's reader, wired to D1 and its own Durable Object. */
function chatReader(env: Bindings, config: Config, reader: ReaderRow): ChatReaderPort {
  const db = env.DB;
  const state = readerStateStub(env.READER_STATE, reader.id);
  const secret = config.tokens?.secret;
  return {
    readerId: reader.id,
    async recordFeedback(f) {
      const { newRules } = await state.recordFeedback(f);
      return { newRules };
    },
    listRules: () => state.listRules(),
    removeRule: (id) => state.removeRule(id),
    async interests() {
      return (await state.getProfile())?.interests ?? null;
    },
    async setInterests(interests) {
      const current = await state.getProfile();
      await state.setProfile(
        current
          ? { ...current, interests }
          : profileForReader(reader.id, { interests, categories: [], references: [] }, null),
      );
      await activateReader(db, reader.id);
    },
    async copyPublicProfile() {
      const publicProfile = await readerStateStub(env.READER_STATE, config.site.publicReader).getProfile();
      await state.setProfile(
        profileForReader(reader.id, { interests: [], categories: [], references: [] }, publicProfile),
      );
      await activateReader(db, reader.id);
    },
    conversation: () => state.getConversation(),
    setConversation: (s) => state.setConversation(s),
    latest: () => latestIssue(db, reader.id),
    byDate: (date) => getIssue(db, reader.id, date),
    list: (limit) => listIssues(db, reader.id, limit),
    webUrl: (date) => (reader.feedSlug ? privateIssueUrl(config.site.url, reader.feedSlug, date) : undefined),
    meUrl: async () => (secret ? meLink(secret, config.site.url, reader.id, new Date()) : undefined),
  };
}

/** The bot's ports: each chat's own reader, and the public reader for editor chats. */
export function botDeps(env: Bindings, config: Config, token: string): BotDeps {
  const db = env.DB;
  const editors = config.telegram.editorChatIds ?? [];
  const publicState = readerStateStub(env.READER_STATE, config.site.publicReader);
  return {
    isEditor: (chatId) => editors.includes(chatId),
    client: new TelegramClient({ token, apiUrl: config.telegram.apiUrl }),
    siteUrl: config.site.url,
    subscriptions: {
      async subscribe(chatId) {
        const now = new Date();
        // A chat's first /subscribe makes its reader; it waits (pending) until it has interests.
        const reader =
          (await readerOfChat(db, chatId)) ??
          (await createReader(db, { name: "Telegram reader", now, pending: true }));
        const { wasActive } = await subscribeChat(db, reader.id, chatId, now);
        return { wasActive };
      },
      async unsubscribe(chatId) {
        const reader = await readerOfChat(db, chatId);
        const sub = reader ? await findSubscription(db, reader.id, "telegram", chatId) : null;
        return sub ? deactivateSubscription(db, sub.id, "unsubscribed", "/stop", new Date()) : false;
      },
      async readerOf(chatId) {
        const reader = await readerOfChat(db, chatId);
        return reader ? chatReader(env, config, reader) : undefined;
      },
    },
    publicReader: {
      async recordFeedback(f) {
        const { newRules } = await publicState.recordFeedback(f);
        return { newRules };
      },
      listRules: () => publicState.listRules(),
      removeRule: (id) => publicState.removeRule(id),
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
